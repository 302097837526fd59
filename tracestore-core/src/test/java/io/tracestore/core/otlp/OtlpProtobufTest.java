package io.tracestore.core.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.TracesData;
import io.tracestore.api.Attribute;
import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.InstrumentationScope;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.TraceId;
import io.tracestore.testing.WorkloadGenerator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpProtobufTest {

  @Test
  void decodesWhatTheReferenceClassesEncode() {
    for (long seed = 0; seed < 300; seed++) {
      OtlpGen gen = new OtlpGen(seed);
      gen.unknownFields = seed % 2 == 1;
      ExportTraceServiceRequest req = gen.request();
      byte[] bytes = req.toByteArray();
      List<Span> decoded = OtlpProtobuf.decode(bytes);
      OtlpGen.assertSpans(decoded, OtlpGen.toModel(req), "seed " + seed);
      // the same bytes at an offset inside a larger array
      byte[] padded = new byte[bytes.length + 7];
      System.arraycopy(bytes, 0, padded, 3, bytes.length);
      assertThat(OtlpProtobuf.decode(padded, 3, bytes.length)).isEqualTo(decoded);
    }
  }

  @Test
  void spansOfOneResourceAndScopeShareInstances() {
    ExportTraceServiceRequest req = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .addScopeSpans(ScopeSpans.newBuilder().addSpans(new OtlpGen(1).span()).addSpans(new OtlpGen(2).span())))
        .build();
    List<Span> spans = OtlpProtobuf.decode(req.toByteArray());
    assertThat(spans).hasSize(2);
    assertThat(spans.get(0).resource()).isSameAs(spans.get(1).resource());
    assertThat(spans.get(0).scope()).isSameAs(spans.get(1).scope());
  }

  @Test
  void theReferenceClassesParseWhatWeEncode() throws InvalidProtocolBufferException {
    for (long seed = 0; seed < 300; seed++) {
      OtlpGen gen = new OtlpGen(seed);
      gen.emptyValues = false;
      List<Span> spans = OtlpGen.toModel(gen.request());
      byte[] ours = OtlpProtobuf.encode(spans);
      ExportTraceServiceRequest theirs = ExportTraceServiceRequest.parseFrom(ours);
      OtlpGen.assertSpans(OtlpGen.toModel(theirs), OtlpGen.grouped(spans), "seed " + seed);
      assertThat(TracesData.parseFrom(ours).getResourceSpansCount()).isEqualTo(theirs.getResourceSpansCount());
      // canonical: the same bytes protobuf-java writes for the same message
      assertThat(theirs.toByteArray()).as("seed %d", seed).isEqualTo(ours);
      assertThat(OtlpProtobuf.decode(ours)).isEqualTo(OtlpGen.grouped(spans));
    }
  }

  @Test
  void mergesRepeatedMessageFieldsAsProtobufDoes() throws InvalidProtocolBufferException {
    // Two encodings of a message concatenated are one message with the fields merged. Wrap such
    // concatenations (of ResourceSpans, and of Spans) and compare with protobuf-java's reading.
    for (long seed = 0; seed < 100; seed++) {
      OtlpGen gen = new OtlpGen(seed);
      byte[] rs = concat(gen.resourceSpans().toByteArray(), gen.resourceSpans().toByteArray());
      byte[] spans = concat(gen.span().toByteArray(), gen.span().toByteArray());
      ScopeSpans ss = ScopeSpans.newBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
          .addField(2, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFrom(spans)).build())
          .build()).build();
      ResourceSpans withMergedSpan = ResourceSpans.newBuilder().addScopeSpans(ss).build();
      ExportTraceServiceRequest req = ExportTraceServiceRequest.newBuilder()
          .setUnknownFields(UnknownFieldSet.newBuilder()
              .addField(1, UnknownFieldSet.Field.newBuilder()
                  .addLengthDelimited(ByteString.copyFrom(rs))
                  .addLengthDelimited(withMergedSpan.toByteString())
                  .build())
              .build())
          .build();
      byte[] bytes = req.toByteArray();
      ExportTraceServiceRequest theirs = ExportTraceServiceRequest.parseFrom(bytes);
      OtlpGen.assertSpans(OtlpProtobuf.decode(bytes), OtlpGen.toModel(theirs), "seed " + seed);
      // and two whole requests concatenated are one request with both lists
      byte[] a = gen.request().toByteArray();
      byte[] b = gen.request().toByteArray();
      List<Span> both = new ArrayList<>(OtlpProtobuf.decode(a));
      both.addAll(OtlpProtobuf.decode(b));
      assertThat(OtlpProtobuf.decode(concat(a, b))).isEqualTo(both);
    }
  }

  @Test
  void roundTripsWorkloadSpansExactly() {
    List<Span> spans = WorkloadGenerator.generate(42, 3000);
    byte[] bytes = OtlpProtobuf.encode(spans);
    List<Span> back = OtlpProtobuf.decode(bytes);
    assertThat(back).isEqualTo(OtlpGen.grouped(spans));
    assertThat(back).containsExactlyInAnyOrderElementsOf(spans);
    // already grouped input keeps its order exactly
    assertThat(OtlpProtobuf.decode(OtlpProtobuf.encode(back))).isEqualTo(back);
    assertThat(back).anyMatch(s -> s.flags() == 0x101 || s.flags() == 0x301);
  }

  @Test
  void roundTripsEdgeValues() {
    Attributes nested = Attributes.of(
        new Attribute("arr", AttributeValue.ofArray(List.of(AttributeValue.of(""), AttributeValue.of(0L),
            AttributeValue.of(0.0), AttributeValue.of(-0.0), AttributeValue.of(false), AttributeValue.of(new byte[0]),
            AttributeValue.ofArray(List.of()), AttributeValue.ofKeyValues(List.of())))),
        new Attribute("kv", AttributeValue.ofKeyValues(List.of(Attribute.of("a", 1L), Attribute.of("a", 2L),
            Attribute.of("", "empty key")))),
        Attribute.of("nan", Double.NaN),
        Attribute.of("min", Long.MIN_VALUE),
        Attribute.of("\uD83D\uDE00", "\u0000\uFFFF\uD83D\uDE00"));
    Resource res = new Resource(nested, -1, "https://schema/1");
    InstrumentationScope scope = new InstrumentationScope("", "", Attributes.EMPTY, Integer.MIN_VALUE, "s");
    Span s = Span.builder()
        .traceId(TraceId.INVALID).spanId(SpanId.NONE)
        .flags(-1)
        .startUnixNano(-1).endUnixNano(Long.MIN_VALUE)
        .droppedAttributesCount(-5).droppedEventsCount(Integer.MAX_VALUE).droppedLinksCount(1)
        .attributes(nested)
        .resource(res).scope(scope)
        .build();
    Span other = s.toBuilder().resource(Resource.EMPTY).scope(InstrumentationScope.EMPTY).build();
    List<Span> spans = List.of(s, other, s);
    assertThat(OtlpProtobuf.decode(OtlpProtobuf.encode(spans))).containsExactly(s, s, other);
    assertThat(OtlpProtobuf.decode(OtlpProtobuf.encode(List.of()))).isEmpty();
    assertThat(OtlpProtobuf.encode(List.of())).isEmpty();
  }

  @Test
  void groupsByEqualResourceAndScope() throws InvalidProtocolBufferException {
    List<Span> spans = WorkloadGenerator.generate(7, 500);
    // copies of resources and scopes that are equal but not the same instances
    List<Span> copies = new ArrayList<>();
    for (Span s : spans) {
      Resource r = s.resource();
      InstrumentationScope sc = s.scope();
      copies.add(s.toBuilder()
          .resource(new Resource(r.attributes(), r.droppedAttributesCount(), r.schemaUrl()))
          .scope(new InstrumentationScope(sc.name(), sc.version(), sc.attributes(), sc.droppedAttributesCount(),
              sc.schemaUrl()))
          .build());
    }
    ExportTraceServiceRequest a = ExportTraceServiceRequest.parseFrom(OtlpProtobuf.encode(spans));
    ExportTraceServiceRequest b = ExportTraceServiceRequest.parseFrom(OtlpProtobuf.encode(copies));
    assertThat(b).isEqualTo(a);
    long distinctResources = spans.stream().map(Span::resource).distinct().count();
    assertThat(a.getResourceSpansCount()).isEqualTo((int) distinctResources);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }
}
