package io.tracestore.core.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracestore.api.CorruptDataException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Every kind of malformed input gives an {@link OtlpFormatException} naming where. */
class OtlpMalformedInputTest {
  private static final String SPAN0 = "resourceSpans[0].scopeSpans[0].spans[0]";

  // ---------------------------------------------------------------- protobuf

  private static AbstractThrowableAssert<?, ? extends Throwable> proto(byte[] bytes) {
    return assertThatThrownBy(() -> OtlpProtobuf.decode(bytes))
        .isInstanceOf(OtlpFormatException.class)
        .isInstanceOf(CorruptDataException.class)
        .hasMessageContaining("byte offset");
  }

  /** A request holding one span whose encoding is {@code span}. */
  private static byte[] requestWithSpan(byte[] span) throws IOException {
    byte[] ss = field(2, span); // ScopeSpans.spans
    byte[] rs = field(2, ss); // ResourceSpans.scope_spans
    return field(1, rs); // request.resource_spans
  }

  private static byte[] field(int number, byte[] content) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bos);
    out.writeByteArray(number, content);
    out.flush();
    return bos.toByteArray();
  }

  private static Span validSpan() {
    return new OtlpGen(5).span().toBuilder().clearAttributes().clearEvents().clearLinks().build();
  }

  @Test
  void truncatedMessages() {
    byte[] bytes = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(validSpan())))
        .build().toByteArray();
    for (int len = 1; len < bytes.length; len++) {
      byte[] cut = Arrays.copyOf(bytes, len);
      proto(cut);
    }
    proto(Arrays.copyOf(bytes, bytes.length - 1)).hasMessageContaining("runs past the end");
  }

  @Test
  void wrongWireTypes() throws IOException {
    proto(new byte[] {0x08, 0x01}).hasMessageContaining("wrong wire type 0").hasMessageContaining("at resourceSpans")
        .hasMessageContaining("byte offset 0");
    // span trace_id (field 1) as a varint
    proto(requestWithSpan(new byte[] {0x08, 0x01}))
        .hasMessageContaining("wrong wire type").hasMessageContaining(SPAN0 + ".traceId");
    // start time (fixed64) as a varint, flags (fixed32) as fixed64
    proto(requestWithSpan(new byte[] {0x38, 0x01})).hasMessageContaining(SPAN0 + ".startTimeUnixNano");
    proto(requestWithSpan(new byte[] {(byte) 0x81, 0x01, 1, 2, 3, 4, 5, 6, 7, 8}))
        .hasMessageContaining(SPAN0 + ".flags");
    // wire types 6 and 7 do not exist; group end without a start; field number 0
    proto(new byte[] {0x16}).hasMessageContaining("invalid wire type 6");
    proto(new byte[] {0x17}).hasMessageContaining("invalid wire type 7");
    proto(new byte[] {0x14}).hasMessageContaining("unexpected group end");
    proto(new byte[] {0x02, 0x00}).hasMessageContaining("field number 0");
    proto(new byte[] {0x13, 0x08, 0x01}).hasMessageContaining("unterminated group");
    proto(new byte[] {0x13, 0x1c}).hasMessageContaining("group end for field 3 inside group 2");
  }

  @Test
  void lengthsPastTheEnd() throws IOException {
    proto(new byte[] {0x0a, 0x05, 0x00}).hasMessageContaining("length 5 runs past the end")
        .hasMessageContaining("byte offset 1");
    // a span name claiming 100 bytes inside a 5-byte span
    proto(requestWithSpan(new byte[] {0x2a, 100, 'a', 'b', 'c'}))
        .hasMessageContaining(SPAN0 + ".name").hasMessageContaining("length 100");
    // an unknown length-delimited field
    proto(new byte[] {0x12, 0x7f}).hasMessageContaining("unknown field 2");
  }

  @Test
  void declaredLengthsLargerThanTheInputNeverAllocate() {
    // 2^32 - 1, 2^31 and 2^63 declared: rejected before any allocation
    proto(new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}).hasMessageContaining("4294967295");
    proto(new byte[] {0x0a, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}).hasMessageContaining("2147483648");
    byte[] huge = new byte[12];
    huge[0] = 0x12;
    Arrays.fill(huge, 1, 10, (byte) 0x80);
    huge[10] = 0x01;
    proto(Arrays.copyOf(huge, 11)).hasMessageContaining("9223372036854775808");
  }

  @Test
  void varintsOfElevenBytes() throws IOException {
    byte[] b = new byte[13];
    b[0] = 0x10; // unknown field 2, varint
    Arrays.fill(b, 1, 12, (byte) 0xff);
    b[12] = 0x01;
    proto(b).hasMessageContaining("varint longer than 10 bytes").hasMessageContaining("byte offset 1");
    byte[] kind = new byte[13];
    kind[0] = 0x30; // span kind
    Arrays.fill(kind, 1, 12, (byte) 0x80);
    kind[12] = 0x01;
    proto(requestWithSpan(kind)).hasMessageContaining("varint longer than 10 bytes").hasMessageContaining(SPAN0);
    // a tag that is an overlong varint beyond 32 bits
    proto(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01}).hasMessageContaining("invalid tag");
  }

  @Test
  void idsOfWrongLength() throws IOException {
    for (int n : new int[] {1, 8, 15, 17, 32}) {
      Span bad = validSpan().toBuilder().setTraceId(ByteString.copyFrom(new byte[n])).build();
      proto(requestWithSpan(bad.toByteArray()))
          .hasMessageContaining("traceId must be 16 bytes (or empty), got " + n)
          .hasMessageContaining(SPAN0 + ".traceId");
    }
    proto(requestWithSpan(validSpan().toBuilder().setSpanId(ByteString.copyFrom(new byte[16])).build().toByteArray()))
        .hasMessageContaining(SPAN0 + ".spanId").hasMessageContaining("8 bytes");
    proto(requestWithSpan(validSpan().toBuilder().setParentSpanId(ByteString.copyFrom(new byte[7])).build().toByteArray()))
        .hasMessageContaining(SPAN0 + ".parentSpanId");
    Span badLink = validSpan().toBuilder().addLinks(Span.Link.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[16])).setSpanId(ByteString.copyFrom(new byte[4]))).build();
    proto(requestWithSpan(badLink.toByteArray())).hasMessageContaining(SPAN0 + ".links[0].spanId");
  }

  @Test
  void emptyParentIsARootAndEmptyIdsAreAllZero() throws IOException {
    var spans = OtlpProtobuf.decode(requestWithSpan(validSpan().toBuilder()
        .clearParentSpanId().clearTraceId().clearSpanId().build().toByteArray()));
    assertThat(spans.get(0).isRoot()).isTrue();
    assertThat(spans.get(0).traceId().isValid()).isFalse();
    assertThat(spans.get(0).spanId().isValid()).isFalse();
  }

  @Test
  void invalidUtf8() throws IOException {
    byte[][] bad = {
      {(byte) 0xc0, (byte) 0x80}, // overlong NUL
      {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}, // overlong '/'
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // surrogate U+D800
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
      {(byte) 0xe2, (byte) 0x82}, // truncated
      {(byte) 0x80}, // lone continuation
      {(byte) 0xff},
    };
    for (byte[] b : bad) {
      byte[] name = new byte[b.length + 3];
      name[0] = 0x2a;
      name[1] = (byte) (b.length + 1);
      name[2] = 'x';
      System.arraycopy(b, 0, name, 3, b.length);
      byte[] req = requestWithSpan(name);
      proto(req).hasMessageContaining("malformed UTF-8").hasMessageContaining(SPAN0 + ".name")
          .hasMessageContaining("byte offset " + (req.length - b.length));
    }
    // in an attribute key: span field 9 = KeyValue{key = C3, value = {bool_value: true}}
    byte[] kv = {0x4a, 0x07, 0x0a, 0x01, (byte) 0xc3, 0x12, 0x02, 0x10, 0x01};
    proto(requestWithSpan(kv)).hasMessageContaining(SPAN0 + ".attributes[0].key");
  }

  @Test
  void deeplyNestedValues() throws IOException {
    AnyValue v = AnyValue.newBuilder().setStringValue("leaf").build();
    for (int i = 0; i < 40; i++) {
      v = i % 2 == 0
          ? AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(v)).build()
          : AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
              .addValues(KeyValue.newBuilder().setKey("k").setValue(v))).build();
    }
    Span s = validSpan().toBuilder().addAttributes(KeyValue.newBuilder().setKey("deep").setValue(v)).build();
    proto(requestWithSpan(s.toByteArray())).hasMessageContaining("deeper than 32")
        .hasMessageContaining(SPAN0 + ".attributes[0].value.");
    // 32 levels are fine
    AnyValue ok = AnyValue.newBuilder().setStringValue("leaf").build();
    for (int i = 0; i < 32; i++) {
      ok = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(ok)).build();
    }
    Span fine = validSpan().toBuilder().addAttributes(KeyValue.newBuilder().setKey("deep").setValue(ok)).build();
    assertThat(OtlpProtobuf.decode(requestWithSpan(fine.toByteArray()))).hasSize(1);
    // unknown groups nested without end: bounded, no stack overflow
    byte[] groups = new byte[100_000];
    Arrays.fill(groups, (byte) 0x13);
    proto(groups).hasMessageContaining("nested deeper");
  }

  @Test
  void enumsOutOfRange() throws IOException {
    proto(requestWithSpan(new byte[] {0x30, 0x06})).hasMessageContaining("span kind 6").hasMessageContaining(SPAN0 + ".kind");
    proto(requestWithSpan(new byte[] {0x7a, 0x02, 0x18, 0x03})).hasMessageContaining("status code 3")
        .hasMessageContaining(SPAN0 + ".status.code");
  }

  // ---------------------------------------------------------------- JSON

  private static AbstractThrowableAssert<?, ? extends Throwable> json(String text) {
    return json(text.getBytes(StandardCharsets.UTF_8));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> json(byte[] bytes) {
    return assertThatThrownBy(() -> OtlpJson.decode(bytes))
        .isInstanceOf(OtlpFormatException.class)
        .isInstanceOf(CorruptDataException.class);
  }

  private static String withSpan(String spanFields) {
    return "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\","
        + "\"spanId\":\"eee19b7ec3c1b174\"" + (spanFields.isEmpty() ? "" : "," + spanFields) + "}]}]}]}";
  }

  @Test
  void jsonTruncated() {
    String full = withSpan("\"name\":\"x\",\"attributes\":[{\"key\":\"a\",\"value\":{\"intValue\":\"1\"}}]");
    assertThat(OtlpJson.decode(full.getBytes(StandardCharsets.UTF_8))).hasSize(1);
    for (int len = 0; len < full.length(); len++) {
      json(full.substring(0, len));
    }
    json(full.substring(0, full.length() - 3)).hasMessageContaining("byte offset");
  }

  @Test
  void jsonInvalidIds() {
    json(withSpan("\"parentSpanId\":\"eee19b7ec3c1b17g\"")).hasMessageContaining("not hex")
        .hasMessageContaining(SPAN0 + ".parentSpanId").hasMessageContaining("byte offset");
    json(withSpan("\"traceId\":\"5b8efff798038103d269b633813fc6\""))
        .hasMessageContaining("32 hex digits").hasMessageContaining(SPAN0 + ".traceId");
    // base64 (protobuf's JSON mapping) is not OTLP/JSON
    json(withSpan("\"spanId\":\"7uGbfsPBsXQ=\"")).hasMessageContaining(SPAN0 + ".spanId");
    json(withSpan("\"links\":[{},{\"traceId\":\"xyz\"}]")).hasMessageContaining(SPAN0 + ".links[1].traceId");
    json(withSpan("\"spanId\":12")).hasMessageContaining("expected a string").hasMessageContaining(SPAN0 + ".spanId");
  }

  @Test
  void jsonInvalidUtf8() {
    byte[] base = withSpan("\"name\":\"ab\"").getBytes(StandardCharsets.UTF_8);
    int at = new String(base, StandardCharsets.UTF_8).indexOf("ab");
    for (byte[] bad : new byte[][] {{(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0}, {(byte) 0xff, 'x'}}) {
      byte[] b = base.clone();
      b[at] = bad[0];
      b[at + 1] = bad[1];
      json(b).hasMessageContaining("malformed UTF-8").hasMessageContaining("byte offset " + at);
    }
    json(withSpan("\"name\":\"\\ud800x\"")).hasMessageContaining("unpaired surrogate")
        .hasMessageContaining(SPAN0 + ".name");
  }

  @Test
  void jsonDeeplyNestedValues() {
    String v = "{\"stringValue\":\"leaf\"}";
    for (int i = 0; i < 40; i++) {
      v = i % 2 == 0
          ? "{\"arrayValue\":{\"values\":[" + v + "]}}"
          : "{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":" + v + "}]}}";
    }
    json(withSpan("\"attributes\":[{\"key\":\"deep\",\"value\":" + v + "}]"))
        .hasMessageContaining("deeper than 32").hasMessageContaining(SPAN0 + ".attributes[0].value.");
    // deep JSON in an ignored field: bounded by the parser's nesting limit, no stack overflow
    String deep = "[".repeat(5000) + "]".repeat(5000);
    json(withSpan("\"unknown\":" + deep)).hasMessageContaining("nesting depth");
  }

  @Test
  void jsonWrongTypesAndValues() {
    json("[]").hasMessageContaining("top level");
    json("{\"resourceSpans\":{}}").hasMessageContaining("expected an array").hasMessageContaining("resourceSpans");
    json("{\"resourceSpans\":[5]}").hasMessageContaining("expected an object").hasMessageContaining("resourceSpans[0]");
    json(withSpan("\"name\":5")).hasMessageContaining("expected a string").hasMessageContaining(SPAN0 + ".name");
    json(withSpan("\"kind\":9")).hasMessageContaining("kind 9").hasMessageContaining(SPAN0 + ".kind");
    json(withSpan("\"kind\":\"SPAN_KIND_FOO\"")).hasMessageContaining(SPAN0 + ".kind");
    json(withSpan("\"status\":{\"code\":-1}")).hasMessageContaining(SPAN0 + ".status.code");
    json(withSpan("\"droppedAttributesCount\":-1")).hasMessageContaining("out of range");
    json(withSpan("\"droppedAttributesCount\":4294967296")).hasMessageContaining("out of range");
    json(withSpan("\"flags\":1.5")).hasMessageContaining("not an integer").hasMessageContaining(SPAN0 + ".flags");
    json(withSpan("\"startTimeUnixNano\":\"-1\"")).hasMessageContaining("out of range");
    json(withSpan("\"startTimeUnixNano\":\"18446744073709551616\"")).hasMessageContaining("out of range");
    json(withSpan("\"startTimeUnixNano\":\"1e999999999\"")).hasMessageContaining("out of range");
    json(withSpan("\"startTimeUnixNano\":\"12abc\"")).hasMessageContaining("not an integer");
    json(withSpan("\"attributes\":[{\"key\":\"a\",\"value\":{\"intValue\":\"9223372036854775808\"}}]"))
        .hasMessageContaining(SPAN0 + ".attributes[0].value.intValue");
    json(withSpan("\"attributes\":[{\"key\":\"a\",\"value\":{\"bytesValue\":\"!!\"}}]"))
        .hasMessageContaining("base64").hasMessageContaining(SPAN0 + ".attributes[0].value.bytesValue");
    json(withSpan("\"attributes\":[{\"key\":\"a\",\"value\":{\"doubleValue\":\"fast\"}}]"))
        .hasMessageContaining("not a number");
    json(withSpan("\"attributes\":[{\"key\":\"a\",\"value\":{\"boolValue\":1}}]"))
        .hasMessageContaining("expected a boolean");
    json(withSpan("") + " {}").hasMessageContaining("after the top-level object");
    json("{\"resourceSpans\":[}").hasMessageContaining("byte offset");
    json("").hasMessageContaining("top level");
    // the largest values are fine
    assertThat(OtlpJson.decode(withSpan("\"startTimeUnixNano\":\"18446744073709551615\",\"flags\":4294967295")
        .getBytes(StandardCharsets.UTF_8)).get(0).startUnixNano()).isEqualTo(-1L);
  }
}
