package io.tracestore.core.otlp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tracestore.api.Attribute;
import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanId;
import io.tracestore.api.SpanKind;
import io.tracestore.api.SpanLink;
import io.tracestore.api.StatusCode;
import io.tracestore.api.TraceId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Test support: random OTLP requests built with the official generated classes, and a converter
 * from those to the span model that applies the documented rules (last attribute wins, an empty
 * AnyValue is dropped and counted).
 */
public final class OtlpGen {
  private final Random rnd;
  /** Add unknown fields of every wire type at every level. */
  boolean unknownFields;
  /** Allow empty AnyValues and string_value_strindex. */
  boolean emptyValues = true;
  /** Allow -0.0 (protobuf-java's JsonFormat parser reads "-0.0" as 0.0). */
  boolean negativeZero = true;

  OtlpGen(long seed) {
    this.rnd = new Random(seed);
  }

  // ---------------------------------------------------------------- random messages

  ExportTraceServiceRequest request() {
    ExportTraceServiceRequest.Builder b = ExportTraceServiceRequest.newBuilder();
    int n = rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      b.addResourceSpans(resourceSpans());
    }
    return b.build();
  }

  ResourceSpans resourceSpans() {
    ResourceSpans.Builder b = ResourceSpans.newBuilder();
    if (rnd.nextInt(4) != 0) {
      Resource.Builder r = Resource.newBuilder().addAllAttributes(attributes());
      if (rnd.nextInt(3) == 0) {
        r.setDroppedAttributesCount(uint32());
      }
      b.setResource(unknown(r).build());
    }
    int n = rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      b.addScopeSpans(scopeSpans());
    }
    if (rnd.nextBoolean()) {
      b.setSchemaUrl(string());
    }
    return unknown(b).build();
  }

  ScopeSpans scopeSpans() {
    ScopeSpans.Builder b = ScopeSpans.newBuilder();
    if (rnd.nextInt(4) != 0) {
      InstrumentationScope.Builder s = InstrumentationScope.newBuilder();
      if (rnd.nextBoolean()) {
        s.setName(string());
      }
      if (rnd.nextBoolean()) {
        s.setVersion(string());
      }
      s.addAllAttributes(attributes());
      if (rnd.nextInt(3) == 0) {
        s.setDroppedAttributesCount(uint32());
      }
      b.setScope(unknown(s).build());
    }
    int n = rnd.nextInt(5);
    for (int i = 0; i < n; i++) {
      b.addSpans(span());
    }
    if (rnd.nextBoolean()) {
      b.setSchemaUrl(string());
    }
    return unknown(b).build();
  }

  Span span() {
    Span.Builder b = Span.newBuilder()
        .setTraceId(id(16))
        .setSpanId(id(8))
        .setName(string())
        .setKindValue(rnd.nextInt(6))
        .setStartTimeUnixNano(rnd.nextLong())
        .setEndTimeUnixNano(rnd.nextLong());
    if (rnd.nextBoolean()) {
      b.setParentSpanId(id(8));
    }
    if (rnd.nextInt(3) == 0) {
      b.setTraceState(string());
    }
    if (rnd.nextBoolean()) {
      b.setFlags(rnd.nextInt(3) == 0 ? rnd.nextInt() : 0x101);
    }
    b.addAllAttributes(attributes());
    if (rnd.nextInt(4) == 0) {
      b.setDroppedAttributesCount(uint32());
    }
    int events = rnd.nextInt(3);
    for (int i = 0; i < events; i++) {
      Span.Event.Builder e = Span.Event.newBuilder().setTimeUnixNano(rnd.nextLong()).setName(string());
      e.addAllAttributes(attributes());
      if (rnd.nextInt(4) == 0) {
        e.setDroppedAttributesCount(uint32());
      }
      b.addEvents(unknown(e).build());
    }
    if (rnd.nextInt(4) == 0) {
      b.setDroppedEventsCount(uint32());
    }
    int links = rnd.nextInt(3);
    for (int i = 0; i < links; i++) {
      Span.Link.Builder l = Span.Link.newBuilder().setTraceId(id(16)).setSpanId(id(8));
      if (rnd.nextBoolean()) {
        l.setTraceState(string());
      }
      l.addAllAttributes(attributes());
      if (rnd.nextInt(4) == 0) {
        l.setDroppedAttributesCount(uint32());
      }
      if (rnd.nextBoolean()) {
        l.setFlags(rnd.nextInt());
      }
      b.addLinks(unknown(l).build());
    }
    if (rnd.nextInt(4) == 0) {
      b.setDroppedLinksCount(uint32());
    }
    if (rnd.nextBoolean()) {
      Status.Builder s = Status.newBuilder().setCodeValue(rnd.nextInt(3));
      if (rnd.nextBoolean()) {
        s.setMessage(string());
      }
      b.setStatus(unknown(s).build());
    }
    return unknown(b).build();
  }

  private int uint32() {
    return rnd.nextInt(3) == 0 ? rnd.nextInt() : rnd.nextInt(100);
  }

  private ByteString id(int n) {
    if (rnd.nextInt(50) == 0) {
      return ByteString.EMPTY;
    }
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return ByteString.copyFrom(b);
  }

  private static final String[] KEYS = {
    "service.name", "http.method", "http.route", "k", "db.statement", "\u00fcber", "emoji.\uD83D\uDE00", ""
  };

  List<KeyValue> attributes() {
    int n = rnd.nextInt(5);
    List<KeyValue> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(keyValue(0));
    }
    return list;
  }

  private KeyValue keyValue(int depth) {
    KeyValue.Builder kv = KeyValue.newBuilder()
        .setKey(rnd.nextInt(4) == 0 ? string() : KEYS[rnd.nextInt(KEYS.length)]);
    if (!emptyValues || rnd.nextInt(40) != 0) {
      kv.setValue(anyValue(depth));
    }
    return unknown(kv).build();
  }

  AnyValue anyValue(int depth) {
    AnyValue.Builder b = AnyValue.newBuilder();
    int kind = rnd.nextInt(depth < 3 ? 9 : 7);
    switch (kind) {
      case 0, 1 -> b.setStringValue(string());
      case 2 -> b.setBoolValue(rnd.nextBoolean());
      case 3 -> b.setIntValue(rnd.nextInt(3) == 0 ? rnd.nextLong() : rnd.nextInt(1000) - 500);
      case 4 -> b.setDoubleValue(doubleValue());
      case 5 -> {
        byte[] bytes = new byte[rnd.nextInt(20)];
        rnd.nextBytes(bytes);
        b.setBytesValue(ByteString.copyFrom(bytes));
      }
      case 6 -> {
        if (emptyValues && rnd.nextInt(10) == 0) {
          b.setStringValueStrindex(rnd.nextInt(100));
        } else if (emptyValues && rnd.nextInt(5) == 0) {
          // not set: an empty AnyValue
        } else {
          b.setStringValue(string());
        }
      }
      case 7 -> {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
          a.addValues(anyValue(depth + 1));
        }
        b.setArrayValue(a);
      }
      default -> {
        KeyValueList.Builder l = KeyValueList.newBuilder();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
          l.addValues(keyValue(depth + 1));
        }
        b.setKvlistValue(l);
      }
    }
    return unknown(b).build();
  }

  private double doubleValue() {
    return switch (rnd.nextInt(10)) {
      case 0 -> Double.NaN;
      case 1 -> Double.POSITIVE_INFINITY;
      case 2 -> negativeZero ? -0.0 : 1.0;
      case 3 -> 0.0;
      case 4 -> Double.longBitsToDouble(rnd.nextLong());
      default -> rnd.nextGaussian() * 1e6;
    };
  }

  String string() {
    int n = rnd.nextInt(12);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      switch (rnd.nextInt(10)) {
        case 0 -> sb.append((char) (0x80 + rnd.nextInt(0x780))); // 2-byte UTF-8
        case 1 -> sb.append((char) (0x800 + rnd.nextInt(0xD000 - 0x800))); // 3-byte UTF-8
        case 2 -> sb.appendCodePoint(0x10000 + rnd.nextInt(0x100000)); // 4-byte UTF-8
        case 3 -> sb.append((char) rnd.nextInt(0x20)); // control characters
        case 4 -> sb.append("\"\\/".charAt(rnd.nextInt(3)));
        default -> sb.append((char) ('a' + rnd.nextInt(26)));
      }
    }
    return sb.toString();
  }

  /** Adds unknown fields of every wire type to a builder, if enabled. */
  private <B extends com.google.protobuf.Message.Builder> B unknown(B b) {
    if (!unknownFields || rnd.nextInt(3) != 0) {
      return b;
    }
    UnknownFieldSet.Builder u = UnknownFieldSet.newBuilder();
    int n = 1 + rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      int field = rnd.nextBoolean() ? 100 + rnd.nextInt(100) : 536_870_911 - rnd.nextInt(10);
      UnknownFieldSet.Field.Builder f = UnknownFieldSet.Field.newBuilder();
      switch (rnd.nextInt(5)) {
        case 0 -> f.addVarint(rnd.nextLong());
        case 1 -> f.addFixed32(rnd.nextInt());
        case 2 -> f.addFixed64(rnd.nextLong());
        case 3 -> f.addLengthDelimited(ByteString.copyFromUtf8(string()));
        default -> f.addGroup(UnknownFieldSet.newBuilder()
            .addField(7, UnknownFieldSet.Field.newBuilder().addVarint(rnd.nextInt()).addFixed64(rnd.nextLong()).build())
            .addField(9, UnknownFieldSet.Field.newBuilder()
                .addGroup(UnknownFieldSet.newBuilder()
                    .addField(1, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("x")).build())
                    .build())
                .build())
            .build());
      }
      u.mergeField(field, f.build());
    }
    b.setUnknownFields(u.build());
    return b;
  }

  // ---------------------------------------------------------------- generated message -> model

  public static List<io.tracestore.api.Span> toModel(ExportTraceServiceRequest req) {
    return toModel(req.getResourceSpansList());
  }

  static List<io.tracestore.api.Span> toModel(List<ResourceSpans> list) {
    List<io.tracestore.api.Span> out = new ArrayList<>();
    for (ResourceSpans rs : list) {
      Resource r = rs.getResource();
      int[] empty = new int[1];
      Attributes ra = attributes(r.getAttributesList(), empty);
      io.tracestore.api.Resource resource =
          new io.tracestore.api.Resource(ra, r.getDroppedAttributesCount() + empty[0], rs.getSchemaUrl());
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        InstrumentationScope s = ss.getScope();
        empty[0] = 0;
        Attributes sa = attributes(s.getAttributesList(), empty);
        io.tracestore.api.InstrumentationScope scope = new io.tracestore.api.InstrumentationScope(
            s.getName(), s.getVersion(), sa, s.getDroppedAttributesCount() + empty[0], ss.getSchemaUrl());
        for (Span sp : ss.getSpansList()) {
          out.add(span(sp, resource, scope));
        }
      }
    }
    return out;
  }

  static io.tracestore.api.Span span(Span sp, io.tracestore.api.Resource resource,
      io.tracestore.api.InstrumentationScope scope) {
    int[] empty = new int[1];
    Attributes attrs = attributes(sp.getAttributesList(), empty);
    List<SpanEvent> events = new ArrayList<>();
    for (Span.Event e : sp.getEventsList()) {
      int[] ee = new int[1];
      Attributes ea = attributes(e.getAttributesList(), ee);
      events.add(new SpanEvent(e.getTimeUnixNano(), e.getName(), ea, e.getDroppedAttributesCount() + ee[0]));
    }
    List<SpanLink> links = new ArrayList<>();
    for (Span.Link l : sp.getLinksList()) {
      int[] le = new int[1];
      Attributes la = attributes(l.getAttributesList(), le);
      links.add(new SpanLink(traceId(l.getTraceId()), spanId(l.getSpanId()), l.getTraceState(), la,
          l.getDroppedAttributesCount() + le[0], l.getFlags()));
    }
    return io.tracestore.api.Span.builder()
        .traceId(traceId(sp.getTraceId()))
        .spanId(spanId(sp.getSpanId()))
        .parentSpanId(spanId(sp.getParentSpanId()))
        .traceState(sp.getTraceState())
        .flags(sp.getFlags())
        .name(sp.getName())
        .kind(SpanKind.fromCode(sp.getKindValue()))
        .startUnixNano(sp.getStartTimeUnixNano())
        .endUnixNano(sp.getEndTimeUnixNano())
        .status(StatusCode.fromCode(sp.getStatus().getCodeValue()), sp.getStatus().getMessage())
        .attributes(attrs)
        .droppedAttributesCount(sp.getDroppedAttributesCount() + empty[0])
        .events(events)
        .droppedEventsCount(sp.getDroppedEventsCount())
        .links(links)
        .droppedLinksCount(sp.getDroppedLinksCount())
        .resource(resource)
        .scope(scope)
        .build();
  }

  static TraceId traceId(ByteString b) {
    return b.isEmpty() ? TraceId.INVALID : TraceId.fromBytes(b.toByteArray());
  }

  static SpanId spanId(ByteString b) {
    return b.isEmpty() ? SpanId.NONE : SpanId.fromBytes(b.toByteArray());
  }

  /** Last value of a key wins; empty values are counted in {@code empty[0]}. */
  static Attributes attributes(List<KeyValue> list, int[] empty) {
    Map<String, AttributeValue> map = new LinkedHashMap<>();
    for (KeyValue kv : list) {
      AttributeValue v = kv.hasValue() ? value(kv.getValue()) : null;
      if (v == null) {
        empty[0]++;
      } else {
        map.put(kv.getKey(), v);
      }
    }
    Attributes.Builder b = Attributes.builder();
    map.forEach(b::put);
    return b.build();
  }

  static AttributeValue value(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> AttributeValue.of(v.getStringValue());
      case BOOL_VALUE -> AttributeValue.of(v.getBoolValue());
      case INT_VALUE -> AttributeValue.of(v.getIntValue());
      case DOUBLE_VALUE -> AttributeValue.of(v.getDoubleValue());
      case BYTES_VALUE -> AttributeValue.of(v.getBytesValue().toByteArray());
      case ARRAY_VALUE -> {
        List<AttributeValue> values = new ArrayList<>();
        for (AnyValue e : v.getArrayValue().getValuesList()) {
          AttributeValue x = value(e);
          if (x != null) {
            values.add(x);
          }
        }
        yield AttributeValue.ofArray(values);
      }
      case KVLIST_VALUE -> {
        List<Attribute> values = new ArrayList<>();
        for (KeyValue e : v.getKvlistValue().getValuesList()) {
          AttributeValue x = e.hasValue() ? value(e.getValue()) : null;
          if (x != null) {
            values.add(new Attribute(e.getKey(), x));
          }
        }
        yield AttributeValue.ofKeyValues(values);
      }
      case STRING_VALUE_STRINDEX, VALUE_NOT_SET -> null;
    };
  }

  /**
   * {@code spans} in the order an OTLP encoding groups them: by equal resource in first-appearance
   * order, within it by equal scope, then input order. Written independently of the codecs.
   */
  static List<io.tracestore.api.Span> grouped(List<io.tracestore.api.Span> spans) {
    Map<io.tracestore.api.Resource, Map<io.tracestore.api.InstrumentationScope, List<io.tracestore.api.Span>>> m =
        new LinkedHashMap<>();
    for (io.tracestore.api.Span s : spans) {
      m.computeIfAbsent(s.resource(), r -> new LinkedHashMap<>())
          .computeIfAbsent(s.scope(), sc -> new ArrayList<>())
          .add(s);
    }
    List<io.tracestore.api.Span> out = new ArrayList<>();
    m.values().forEach(byScope -> byScope.values().forEach(out::addAll));
    return out;
  }

  /** Asserts equal span lists, naming the first span and component that differ. */
  static void assertSpans(List<io.tracestore.api.Span> actual, List<io.tracestore.api.Span> expected, String context) {
    if (actual.equals(expected)) {
      return;
    }
    if (actual.size() != expected.size()) {
      throw new AssertionError(context + ": " + actual.size() + " spans, expected " + expected.size());
    }
    for (int i = 0; i < actual.size(); i++) {
      io.tracestore.api.Span a = actual.get(i);
      io.tracestore.api.Span e = expected.get(i);
      if (!a.equals(e)) {
        for (java.lang.reflect.RecordComponent rc : io.tracestore.api.Span.class.getRecordComponents()) {
          try {
            Object x = rc.getAccessor().invoke(a);
            Object y = rc.getAccessor().invoke(e);
            if (!java.util.Objects.equals(x, y)) {
              throw new AssertionError(context + ": span " + i + " differs in " + rc.getName()
                  + "\n  actual:   " + x + "\n  expected: " + y);
            }
          } catch (ReflectiveOperationException ex) {
            throw new AssertionError(ex);
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- JSON id rewriting

  private static final java.util.Set<String> ID_KEYS =
      java.util.Set.of("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id");

  /** Protobuf's JSON (ids in base64) to OTLP/JSON (ids in hex, case chosen by {@code upper}). */
  static String idsToHex(String json, boolean upper) {
    JsonElement e = JsonParser.parseString(json);
    rewriteIds(e, s -> {
      String hex = HexFormat.of().formatHex(Base64.getDecoder().decode(s));
      return upper ? hex.toUpperCase(java.util.Locale.ROOT) : hex;
    });
    return e.toString();
  }

  /** OTLP/JSON (hex ids) to protobuf's JSON (base64 ids), for {@code JsonFormat.parser()}. */
  static String idsToBase64(String json) {
    JsonElement e = JsonParser.parseString(json);
    rewriteIds(e, s -> Base64.getEncoder().encodeToString(HexFormat.of().parseHex(s)));
    return e.toString();
  }

  private static void rewriteIds(JsonElement e, java.util.function.UnaryOperator<String> f) {
    if (e.isJsonArray()) {
      e.getAsJsonArray().forEach(x -> rewriteIds(x, f));
    } else if (e.isJsonObject()) {
      JsonObject o = e.getAsJsonObject();
      for (Map.Entry<String, JsonElement> en : o.entrySet()) {
        if (ID_KEYS.contains(en.getKey()) && en.getValue().isJsonPrimitive()) {
          en.setValue(new JsonPrimitive(f.apply(en.getValue().getAsString())));
        } else {
          rewriteIds(en.getValue(), f);
        }
      }
    }
  }
}
