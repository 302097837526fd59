package io.tracestore.core.otlp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tracestore.api.Attribute;
import io.tracestore.api.AttributeValue;
import io.tracestore.api.InstrumentationScope;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanId;
import io.tracestore.api.SpanKind;
import io.tracestore.api.SpanLink;
import io.tracestore.api.StatusCode;
import io.tracestore.api.TraceId;
import io.tracestore.core.codec.SpanCodec;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A streaming OTLP/JSON decoder over a Jackson parser, straight into spans. Not thread-safe: one
 * per call. Field names are accepted in lowerCamelCase and in the proto's snake_case, as the
 * protobuf JSON mapping allows; unknown names are skipped.
 */
final class JsonDecoder {
  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
  private static final String[] KIND_NAMES = {
    "SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT",
    "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"
  };
  private static final String[] STATUS_NAMES = {"STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"};

  private final JsonParser p;
  private final Path path = new Path();
  private final List<Span> out = new ArrayList<>();

  JsonDecoder(JsonParser p) {
    this.p = p;
  }

  Path path() {
    return path;
  }

  List<Span> request() throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw error("expected a JSON object at the top level", null);
    }
    while (nextField()) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      if (f.equals("resourceSpans") || f.equals("resource_spans")) {
        if (startArray(t, "resourceSpans")) {
          int i = 0;
          while (nextElement()) {
            path.push("resourceSpans", i++);
            resourceSpans();
            path.pop();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    if (p.nextToken() != null) {
      throw error("unexpected content after the top-level object", null);
    }
    return out;
  }

  private static final class ScopeGroup {
    String name = "";
    String version = "";
    ArrayList<Attribute> attrs;
    int dropped;
    int emptyValues;
    String schemaUrl = "";
    final ArrayList<Span.Builder> spans = new ArrayList<>();
  }

  private static final class AttrAcc {
    ArrayList<Attribute> list;
    int emptyValues;
  }

  private void resourceSpans() throws IOException {
    startObject();
    AttrAcc resAttrs = new AttrAcc();
    int resDropped = 0;
    String schemaUrl = "";
    List<ScopeGroup> groups = new ArrayList<>(2);
    while (nextField()) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "resource" -> {
          if (t == JsonToken.VALUE_NULL) {
            break;
          }
          path.push("resource");
          startObject();
          while (nextField()) {
            String rf = p.currentName();
            p.nextToken();
            switch (rf) {
              case "attributes" -> attributes(resAttrs);
              case "droppedAttributesCount", "dropped_attributes_count" ->
                  resDropped = uint32("droppedAttributesCount");
              default -> p.skipChildren();
            }
          }
          path.pop();
        }
        case "scopeSpans", "scope_spans" -> {
          if (startArray(t, "scopeSpans")) {
            while (nextElement()) {
              path.push("scopeSpans", groups.size());
              ScopeGroup g = new ScopeGroup();
              scopeSpans(g);
              groups.add(g);
              path.pop();
            }
          }
        }
        case "schemaUrl", "schema_url" -> schemaUrl = string("schemaUrl");
        default -> p.skipChildren();
      }
    }
    Resource resource = new Resource(AttrList.build(resAttrs.list), resDropped + resAttrs.emptyValues, schemaUrl);
    for (ScopeGroup g : groups) {
      InstrumentationScope scope =
          new InstrumentationScope(g.name, g.version, AttrList.build(g.attrs), g.dropped + g.emptyValues, g.schemaUrl);
      for (Span.Builder b : g.spans) {
        out.add(b.resource(resource).scope(scope).build());
      }
    }
  }

  private void scopeSpans(ScopeGroup g) throws IOException {
    startObject();
    while (nextField()) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "scope" -> {
          if (t == JsonToken.VALUE_NULL) {
            break;
          }
          path.push("scope");
          startObject();
          AttrAcc acc = new AttrAcc();
          while (nextField()) {
            String sf = p.currentName();
            p.nextToken();
            switch (sf) {
              case "name" -> g.name = string("name");
              case "version" -> g.version = string("version");
              case "attributes" -> attributes(acc);
              case "droppedAttributesCount", "dropped_attributes_count" -> g.dropped = uint32("droppedAttributesCount");
              default -> p.skipChildren();
            }
          }
          if (acc.list != null) {
            if (g.attrs == null) {
              g.attrs = acc.list;
            } else {
              g.attrs.addAll(acc.list);
            }
          }
          g.emptyValues += acc.emptyValues;
          path.pop();
        }
        case "spans" -> {
          if (startArray(t, "spans")) {
            while (nextElement()) {
              path.push("spans", g.spans.size());
              g.spans.add(span());
              path.pop();
            }
          }
        }
        case "schemaUrl", "schema_url" -> g.schemaUrl = string("schemaUrl");
        default -> p.skipChildren();
      }
    }
  }

  private Span.Builder span() throws IOException {
    startObject();
    Span.Builder b = Span.builder();
    AttrAcc attrs = new AttrAcc();
    int dropped = 0;
    ArrayList<SpanEvent> events = null;
    ArrayList<SpanLink> links = null;
    StatusCode statusCode = StatusCode.UNSET;
    String statusMessage = "";
    while (nextField()) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "traceId", "trace_id" -> b.traceId(traceId("traceId"));
        case "spanId", "span_id" -> b.spanId(spanId("spanId"));
        case "traceState", "trace_state" -> b.traceState(string("traceState"));
        case "parentSpanId", "parent_span_id" -> b.parentSpanId(spanId("parentSpanId"));
        case "flags" -> b.flags(uint32("flags"));
        case "name" -> b.name(string("name"));
        case "kind" -> b.kind(SpanKind.fromCode(enumValue("kind", KIND_NAMES)));
        case "startTimeUnixNano", "start_time_unix_nano" -> b.startUnixNano(fixed64("startTimeUnixNano"));
        case "endTimeUnixNano", "end_time_unix_nano" -> b.endUnixNano(fixed64("endTimeUnixNano"));
        case "attributes" -> attributes(attrs);
        case "droppedAttributesCount", "dropped_attributes_count" -> dropped = uint32("droppedAttributesCount");
        case "events" -> {
          if (startArray(t, "events")) {
            if (events == null) {
              events = new ArrayList<>(4);
            }
            while (nextElement()) {
              path.push("events", events.size());
              events.add(event());
              path.pop();
            }
          }
        }
        case "droppedEventsCount", "dropped_events_count" -> b.droppedEventsCount(uint32("droppedEventsCount"));
        case "links" -> {
          if (startArray(t, "links")) {
            if (links == null) {
              links = new ArrayList<>(2);
            }
            while (nextElement()) {
              path.push("links", links.size());
              links.add(link());
              path.pop();
            }
          }
        }
        case "droppedLinksCount", "dropped_links_count" -> b.droppedLinksCount(uint32("droppedLinksCount"));
        case "status" -> {
          if (t == JsonToken.VALUE_NULL) {
            break;
          }
          path.push("status");
          startObject();
          while (nextField()) {
            String sf = p.currentName();
            p.nextToken();
            switch (sf) {
              case "message" -> statusMessage = string("message");
              case "code" -> statusCode = StatusCode.fromCode(enumValue("code", STATUS_NAMES));
              default -> p.skipChildren();
            }
          }
          path.pop();
        }
        default -> p.skipChildren();
      }
    }
    b.attributes(AttrList.build(attrs.list)).droppedAttributesCount(dropped + attrs.emptyValues);
    b.status(statusCode, statusMessage);
    if (events != null) {
      b.events(events);
    }
    if (links != null) {
      b.links(links);
    }
    return b;
  }

  private SpanEvent event() throws IOException {
    startObject();
    long time = 0;
    String name = "";
    AttrAcc attrs = new AttrAcc();
    int dropped = 0;
    while (nextField()) {
      String f = p.currentName();
      p.nextToken();
      switch (f) {
        case "timeUnixNano", "time_unix_nano" -> time = fixed64("timeUnixNano");
        case "name" -> name = string("name");
        case "attributes" -> attributes(attrs);
        case "droppedAttributesCount", "dropped_attributes_count" -> dropped = uint32("droppedAttributesCount");
        default -> p.skipChildren();
      }
    }
    return new SpanEvent(time, name, AttrList.build(attrs.list), dropped + attrs.emptyValues);
  }

  private SpanLink link() throws IOException {
    startObject();
    TraceId traceId = TraceId.INVALID;
    SpanId spanId = SpanId.NONE;
    String traceState = "";
    AttrAcc attrs = new AttrAcc();
    int dropped = 0;
    int flags = 0;
    while (nextField()) {
      String f = p.currentName();
      p.nextToken();
      switch (f) {
        case "traceId", "trace_id" -> traceId = traceId("traceId");
        case "spanId", "span_id" -> spanId = spanId("spanId");
        case "traceState", "trace_state" -> traceState = string("traceState");
        case "attributes" -> attributes(attrs);
        case "droppedAttributesCount", "dropped_attributes_count" -> dropped = uint32("droppedAttributesCount");
        case "flags" -> flags = uint32("flags");
        default -> p.skipChildren();
      }
    }
    return new SpanLink(traceId, spanId, traceState, AttrList.build(attrs.list), dropped + attrs.emptyValues, flags);
  }

  /** A repeated KeyValue field; the current token is its value. */
  private void attributes(AttrAcc acc) throws IOException {
    if (!startArray(p.currentToken(), "attributes")) {
      return;
    }
    int i = acc.list == null ? 0 : acc.list.size() + acc.emptyValues;
    while (nextElement()) {
      path.push("attributes", i++);
      Attribute a = keyValue(0);
      path.pop();
      if (a == null) {
        acc.emptyValues++;
      } else {
        (acc.list == null ? acc.list = new ArrayList<>() : acc.list).add(a);
      }
    }
  }

  /** A KeyValue object (current token); null if its value is empty. */
  private Attribute keyValue(int depth) throws IOException {
    startObject();
    String key = "";
    AttributeValue value = null;
    while (nextField()) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "key" -> key = string("key");
        case "value" -> {
          if (t == JsonToken.VALUE_NULL) {
            value = null;
            break;
          }
          path.push("value");
          value = anyValue(depth);
          path.pop();
        }
        default -> p.skipChildren();
      }
    }
    return value == null ? null : new Attribute(key, value);
  }

  /** An AnyValue object (current token); null if no member is set. */
  private AttributeValue anyValue(int depth) throws IOException {
    if (depth > SpanCodec.MAX_VALUE_DEPTH) {
      throw error("attribute value nests arrays or kvlists deeper than " + SpanCodec.MAX_VALUE_DEPTH, null);
    }
    startObject();
    AttributeValue v = null;
    while (nextField()) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (f) {
        case "stringValue", "string_value" -> v = new AttributeValue.StringValue(string("stringValue"));
        case "boolValue", "bool_value" -> v = AttributeValue.of(bool("boolValue"));
        case "intValue", "int_value" -> v = new AttributeValue.LongValue(int64("intValue"));
        case "doubleValue", "double_value" -> v = new AttributeValue.DoubleValue(doubleValue("doubleValue"));
        case "bytesValue", "bytes_value" -> v = new AttributeValue.BytesValue(bytes("bytesValue"));
        case "arrayValue", "array_value" -> {
          path.push("arrayValue");
          startObject();
          ArrayList<AttributeValue> values = new ArrayList<>();
          while (nextField()) {
            String af = p.currentName();
            JsonToken at = p.nextToken();
            if (af.equals("values")) {
              if (startArray(at, "values")) {
                int i = 0;
                while (nextElement()) {
                  path.push("values", i++);
                  AttributeValue e = anyValue(depth + 1);
                  path.pop();
                  if (e != null) {
                    values.add(e);
                  }
                }
              }
            } else {
              p.skipChildren();
            }
          }
          path.pop();
          v = new AttributeValue.ArrayValue(values);
        }
        case "kvlistValue", "kvlist_value" -> {
          path.push("kvlistValue");
          startObject();
          ArrayList<Attribute> values = new ArrayList<>();
          while (nextField()) {
            String kf = p.currentName();
            JsonToken kt = p.nextToken();
            if (kf.equals("values")) {
              if (startArray(kt, "values")) {
                int i = 0;
                while (nextElement()) {
                  path.push("values", i++);
                  Attribute e = keyValue(depth + 1);
                  path.pop();
                  if (e != null) {
                    values.add(e);
                  }
                }
              }
            } else {
              p.skipChildren();
            }
          }
          path.pop();
          v = new AttributeValue.KeyValueListValue(values);
        }
        case "stringValueStrindex", "string_value_strindex" -> {
          int64("stringValueStrindex"); // a profiles string-table index; traces have no table
          v = null;
        }
        default -> p.skipChildren();
      }
    }
    return v;
  }

  // ---------------------------------------------------------------- structure

  /** True at the next field name of the current object, false at its end. */
  private boolean nextField() throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.FIELD_NAME) {
      return true;
    }
    if (t == JsonToken.END_OBJECT) {
      return false;
    }
    throw error("malformed object", null);
  }

  /** True at the next element of the current array, false at its end. */
  private boolean nextElement() throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.END_ARRAY) {
      return false;
    }
    if (t == null) {
      throw error("unexpected end of input in an array", null);
    }
    return true;
  }

  private void startObject() throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw error("expected an object, found " + describe(p.currentToken()), null);
    }
  }

  /** False for null (an absent repeated field); true at the start of an array; else an error. */
  private boolean startArray(JsonToken t, String field) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return false;
    }
    if (t != JsonToken.START_ARRAY) {
      throw error("expected an array, found " + describe(t), field);
    }
    return true;
  }

  // ---------------------------------------------------------------- values

  private String string(String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return "";
    }
    if (t != JsonToken.VALUE_STRING) {
      throw error("expected a string, found " + describe(t), field);
    }
    String s = p.getText();
    int bad = Utf8.firstUnpairedSurrogate(s);
    if (bad >= 0) {
      throw error("string has an unpaired surrogate (\\u escape) at index " + bad, field);
    }
    return s;
  }

  private TraceId traceId(String field) throws IOException {
    String s = string(field);
    if (s.isEmpty()) {
      return TraceId.INVALID;
    }
    if (s.length() != 32) {
      throw error(field + " must be 32 hex digits (or empty), got " + s.length() + " characters", field);
    }
    return TraceId.of(hex(s, 0, field), hex(s, 16, field));
  }

  private SpanId spanId(String field) throws IOException {
    String s = string(field);
    if (s.isEmpty()) {
      return SpanId.NONE;
    }
    if (s.length() != 16) {
      throw error(field + " must be 16 hex digits (or empty), got " + s.length() + " characters", field);
    }
    return SpanId.of(hex(s, 0, field));
  }

  private long hex(String s, int from, String field) {
    long v = 0;
    for (int i = from; i < from + 16; i++) {
      char c = s.charAt(i);
      int d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        throw error(field + " is not hex: character " + i + " is '" + c + "'", field);
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private int uint32(String field) throws IOException {
    return (int) integral(field, 0, 0xFFFFFFFFL, false);
  }

  private long int64(String field) throws IOException {
    return integral(field, Long.MIN_VALUE, Long.MAX_VALUE, false);
  }

  private long fixed64(String field) throws IOException {
    return integral(field, 0, -1, true);
  }

  private int enumValue(String field, String[] names) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText();
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(s)) {
          return i;
        }
      }
      // protobuf's JSON mapping also accepts an enum's number as a string
    }
    long v = integral(field, Integer.MIN_VALUE, Integer.MAX_VALUE, false);
    if (v < 0 || v >= names.length) {
      throw error(field + " " + v + " is not one OTLP defines (0.." + (names.length - 1) + ")", field);
    }
    return (int) v;
  }

  /**
   * An integer given as a JSON number or a decimal string, in [{@code min}, {@code max}], or for
   * {@code unsigned64} in [0, 2^64) returned as the same 64 bits.
   */
  private long integral(String field, long min, long max, boolean unsigned64) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return 0;
    }
    if (t == JsonToken.VALUE_NUMBER_INT) {
      JsonParser.NumberType nt = p.getNumberType();
      if (nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG) {
        long v = p.getLongValue();
        if (unsigned64 ? v >= 0 : v >= min && v <= max) {
          return v;
        }
        throw error(field + " " + v + " is out of range", field);
      }
    } else if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_FLOAT) {
      throw error("expected an integer, found " + describe(t), field);
    }
    String text = p.getText();
    if (t == JsonToken.VALUE_STRING) {
      try {
        long v = Long.parseLong(text);
        if (unsigned64 ? v >= 0 : v >= min && v <= max) {
          return v;
        }
      } catch (NumberFormatException e) {
        // not a plain long: try the general form below
      }
    }
    BigDecimal d;
    try {
      d = new BigDecimal(text.trim().equals(text) ? text : "x");
    } catch (NumberFormatException e) {
      throw error(field + " is not an integer: \"" + abbreviate(text) + "\"", field);
    }
    if (d.signum() != 0 && d.precision() - d.scale() > 21) {
      throw error(field + " is out of range: " + abbreviate(text), field);
    }
    d = d.stripTrailingZeros();
    if (d.scale() > 0) {
      throw error(field + " is not an integer: " + abbreviate(text), field);
    }
    BigInteger v = d.toBigIntegerExact();
    if (unsigned64) {
      if (v.signum() < 0 || v.compareTo(TWO_64) >= 0) {
        throw error(field + " is out of range: " + abbreviate(text), field);
      }
      return v.longValue();
    }
    if (v.bitLength() > 63 || v.longValue() < min || v.longValue() > max) {
      throw error(field + " is out of range: " + abbreviate(text), field);
    }
    return v.longValue();
  }

  private double doubleValue(String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return Double.parseDouble(p.getText());
    }
    if (t != JsonToken.VALUE_STRING) {
      throw error("expected a number, found " + describe(t), field);
    }
    String s = p.getText();
    switch (s) {
      case "NaN":
        return Double.NaN;
      case "Infinity":
        return Double.POSITIVE_INFINITY;
      case "-Infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          new BigDecimal(s); // the JSON number grammar, roughly: no "0x1p3", no "1d", no spaces
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          throw error(field + " is not a number: \"" + abbreviate(s) + "\"", field);
        }
    }
  }

  private boolean bool(String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return false;
    }
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText();
      if (s.equals("true")) {
        return true;
      }
      if (s.equals("false")) {
        return false;
      }
    }
    throw error("expected a boolean, found " + describe(t), field);
  }

  private byte[] bytes(String field) throws IOException {
    String s = string(field);
    try {
      boolean url = s.indexOf('-') >= 0 || s.indexOf('_') >= 0;
      return (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(s);
    } catch (IllegalArgumentException e) {
      throw error(field + " is not base64: " + e.getMessage(), field);
    }
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "end of input";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  OtlpFormatException error(String problem, String leaf) {
    long offset = p.currentTokenLocation().getByteOffset();
    return new OtlpFormatException("OTLP JSON: " + problem, offset, path.render(leaf));
  }
}
