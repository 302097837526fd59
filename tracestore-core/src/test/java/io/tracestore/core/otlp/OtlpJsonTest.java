package io.tracestore.core.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracestore.api.Attribute;
import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.InstrumentationScope;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanId;
import io.tracestore.api.SpanKind;
import io.tracestore.api.SpanLink;
import io.tracestore.api.StatusCode;
import io.tracestore.api.TraceId;
import io.tracestore.testing.WorkloadGenerator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {

  @Test
  void decodesWhatProtobufJsonFormatPrints() throws Exception {
    JsonFormat.Printer[] printers = {
      JsonFormat.printer(),
      JsonFormat.printer().printingEnumsAsInts(),
      JsonFormat.printer().preservingProtoFieldNames(),
      JsonFormat.printer().printingEnumsAsInts().preservingProtoFieldNames().omittingInsignificantWhitespace(),
    };
    for (long seed = 0; seed < 300; seed++) {
      OtlpGen gen = new OtlpGen(seed);
      ExportTraceServiceRequest req = gen.request();
      String json = OtlpGen.idsToHex(printers[(int) (seed % printers.length)].print(req), seed % 3 == 0);
      List<Span> decoded = OtlpJson.decode(json.getBytes(StandardCharsets.UTF_8));
      OtlpGen.assertSpans(decoded, OtlpGen.toModel(req), "seed " + seed);
      assertThat(decoded).isEqualTo(OtlpProtobuf.decode(req.toByteArray()));
    }
  }

  @Test
  void protobufJsonFormatParsesWhatWeEncode() throws Exception {
    for (long seed = 0; seed < 300; seed++) {
      OtlpGen gen = new OtlpGen(seed);
      gen.emptyValues = false;
      gen.negativeZero = false; // JsonFormat's parser reads -0.0 as 0.0; ours keeps it (roundTripsEdgeValues)
      List<Span> spans = OtlpGen.toModel(gen.request());
      byte[] ours = OtlpJson.encode(spans);
      ExportTraceServiceRequest.Builder theirs = ExportTraceServiceRequest.newBuilder();
      JsonFormat.parser().merge(OtlpGen.idsToBase64(new String(ours, StandardCharsets.UTF_8)), theirs);
      OtlpGen.assertSpans(OtlpGen.toModel(theirs.build()), OtlpGen.grouped(spans), "seed " + seed);
      OtlpGen.assertSpans(OtlpJson.decode(ours), OtlpGen.grouped(spans), "seed " + seed);
      // same message as our protobuf encoding
      assertThat(theirs.build().toByteArray()).isEqualTo(OtlpProtobuf.encode(spans));
    }
  }

  @Test
  void roundTripsWorkloadSpansExactly() {
    List<Span> spans = WorkloadGenerator.generate(43, 3000);
    List<Span> back = OtlpJson.decode(OtlpJson.encode(spans));
    assertThat(back).isEqualTo(OtlpGen.grouped(spans));
    assertThat(OtlpJson.decode(OtlpJson.encode(back))).isEqualTo(back);
    assertThat(back).anyMatch(s -> s.flags() == 0x301);
  }

  @Test
  void roundTripsEdgeValues() {
    Attributes attrs = Attributes.of(
        Attribute.of("nan", Double.NaN),
        Attribute.of("inf", Double.POSITIVE_INFINITY),
        Attribute.of("-inf", Double.NEGATIVE_INFINITY),
        Attribute.of("-0", -0.0),
        Attribute.of("tiny", Double.MIN_VALUE),
        Attribute.of("max", Long.MAX_VALUE),
        Attribute.of("min", Long.MIN_VALUE),
        Attribute.of("s", "\u0000\"\\\n\u2028\uD83D\uDE00"),
        new Attribute("b", AttributeValue.of(new byte[] {(byte) 0xfb, (byte) 0xff})));
    Span s = Span.builder()
        .traceId(TraceId.of(-1, 1)).spanId(SpanId.of(-1))
        .flags(-1).startUnixNano(-1).endUnixNano(Long.MIN_VALUE)
        .droppedAttributesCount(-1).droppedEventsCount(Integer.MIN_VALUE)
        .attributes(attrs)
        .resource(new Resource(attrs, -2, "r")).scope(new InstrumentationScope("n", "v", attrs, -3, "s"))
        .build();
    assertThat(OtlpJson.decode(OtlpJson.encode(List.of(s)))).containsExactly(s);
  }

  @Test
  void decodesTheSpecExampleFixture() throws IOException {
    List<Span> spans;
    try (InputStream in = getClass().getResourceAsStream("/otlp/example-trace.json")) {
      spans = OtlpJson.decode(in);
    }
    Resource resource = new Resource(
        Attributes.of(Attribute.of("service.name", "my.service"), Attribute.of("host.cores", 8L)), 1,
        "https://opentelemetry.io/schemas/1.21.0");
    InstrumentationScope scope = new InstrumentationScope("my.library", "1.0.0",
        Attributes.of(Attribute.of("my.scope.attribute", "some scope attribute")), 0, "");
    Span server = Span.builder()
        .traceId(TraceId.fromHex("5b8efff798038103d269b633813fc60c"))
        .spanId(SpanId.fromHex("eee19b7ec3c1b174"))
        .parentSpanId(SpanId.fromHex("eee19b7ec3c1b173"))
        .name("I'm a server span")
        .startUnixNano(1544712660000000000L)
        .endUnixNano(1544712661000000000L)
        .kind(SpanKind.SERVER)
        .flags(257)
        .traceState("vendor=abc")
        .attributes(Attributes.of(
            Attribute.of("my.span.attr", "some value"),
            Attribute.of("bool", true),
            Attribute.of("int", -42L),
            Attribute.of("double", 3.25),
            new Attribute("bytes", AttributeValue.of(new byte[] {1, 2, 3})),
            new Attribute("array", AttributeValue.ofArray(
                List.of(AttributeValue.of("a"), AttributeValue.of(1L), AttributeValue.of(Double.NaN)))),
            new Attribute("map", AttributeValue.ofKeyValues(List.of(Attribute.of("nested", false))))))
        .events(List.of(SpanEvent.of(1544712660500000000L, "exception",
            Attributes.of(Attribute.of("exception.message", "boom \u00fc\uD83D\uDE00")))))
        .links(List.of(new SpanLink(TraceId.fromHex("0af7651916cd43dd8448eb211c80319c"),
            SpanId.fromHex("b7ad6b7169203331"), "x=1", Attributes.of(Attribute.of("link.kind", "follows")), 0, 1)))
        .status(StatusCode.ERROR, "it failed")
        .resource(resource)
        .scope(scope)
        .build();
    Span root = Span.builder()
        .traceId(TraceId.fromHex("5b8efff798038103d269b633813fc60c"))
        .spanId(SpanId.fromHex("eee19b7ec3c1b173"))
        .name("root")
        .kind(SpanKind.CLIENT)
        .startUnixNano(1544712659000000000L)
        .endUnixNano(1544712662000000000L)
        .status(StatusCode.OK, "")
        .resource(resource)
        .scope(scope)
        .build();
    assertThat(spans).containsExactly(server, root);
    assertThat(spans.get(1).isRoot()).isTrue();
    assertThat(spans.get(0).resource()).isSameAs(spans.get(1).resource());
    // and it survives both encodings
    assertThat(OtlpJson.decode(OtlpJson.encode(spans))).isEqualTo(spans);
    assertThat(OtlpProtobuf.decode(OtlpProtobuf.encode(spans))).isEqualTo(spans);
  }

  @Test
  void acceptsAlternativeSpellings() {
    String json = """
        {"resource_spans":[{"scope_spans":[{"spans":[{
          "traceId":"00000000000000000000000000000001","spanId":"0000000000000002",
          "kind":"3","startTimeUnixNano":1.0E3,"endTimeUnixNano":"2000","flags":"7",
          "droppedAttributesCount":null,"status":null,"events":null,
          "attributes":[{"key":"a","value":{"int_value":5}},{"key":"b","value":{"doubleValue":"1.5"}},
                        {"key":"c","value":{"bool_value":"true"}},{"key":"d","value":{"bytes_value":"-_8"}},
                        {"key":"e","value":{}},{"key":"a","value":{"intValue":"6"}}]
        }]}]}],"unknown":[{"x":1}]}
        """;
    Span s = OtlpJson.decode(json.getBytes(StandardCharsets.UTF_8)).get(0);
    assertThat(s.kind()).isEqualTo(SpanKind.CLIENT);
    assertThat(s.startUnixNano()).isEqualTo(1000);
    assertThat(s.endUnixNano()).isEqualTo(2000);
    assertThat(s.flags()).isEqualTo(7);
    assertThat(s.attributes().get("a")).contains(AttributeValue.of(6L)); // last wins
    assertThat(s.attributes().get("b")).contains(AttributeValue.of(1.5));
    assertThat(s.attributes().get("c")).contains(AttributeValue.of(true));
    assertThat(s.attributes().get("d")).contains(AttributeValue.of(new byte[] {(byte) 0xfb, (byte) 0xff}));
    assertThat(s.attributes().get("e")).isEmpty();
    assertThat(s.droppedAttributesCount()).isEqualTo(1); // the empty value
  }

  @Test
  void decodesFromAStream() {
    List<Span> spans = WorkloadGenerator.generate(3, 50);
    byte[] bytes = OtlpJson.encode(spans);
    assertThat(OtlpJson.decode(new ByteArrayInputStream(bytes))).isEqualTo(OtlpJson.decode(bytes));
  }
}
