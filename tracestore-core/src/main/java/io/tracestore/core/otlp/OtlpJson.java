package io.tracestore.core.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.tracestore.api.Attribute;
import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.InstrumentationScope;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanLink;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * OTLP/JSON for traces, as the OTLP specification defines it: the protobuf JSON mapping of
 * {@code ExportTraceServiceRequest}/{@code TracesData} with OTLP's deviations. Streaming, on
 * jackson-core. Stateless and thread-safe.
 *
 * <h2>Decoding</h2>
 *
 * <ul>
 *   <li>{@code traceId}/{@code spanId}/{@code parentSpanId} (also of links) are hex, in either case;
 *       32 and 16 digits, or empty (the all-zero id: for {@code parentSpanId} a root). Anything
 *       else throws, naming the field's path.
 *   <li>Enums ({@code kind}, {@code status.code}) as integers or as their proto names
 *       ({@code "SPAN_KIND_SERVER"}); values OTLP does not define throw.
 *   <li>64-bit integers and timestamps as decimal strings or JSON numbers; 32-bit ones (dropped
 *       counts, flags) as numbers or strings; doubles as numbers or strings, including
 *       {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}. Values out of range throw.
 *   <li>Keys in lowerCamelCase or the proto's snake_case; unknown keys are skipped; {@code null}
 *       means the field is absent. A key repeated in one object merges as protobuf merges a
 *       repeated field: a later scalar replaces the earlier one, a later list is appended.
 *   <li>{@code bytesValue} in standard or URL-safe base64, padding optional.
 *   <li>The input must be UTF-8 (strictly: malformed sequences throw), and strings must not
 *       contain unpaired surrogates (as {@code \ud800} escapes).
 *   <li>Repeated attribute keys, empty {@code AnyValue}s, nesting depth and what is not carried:
 *       as for {@link OtlpProtobuf}.
 * </ul>
 *
 * Malformed input of any kind throws {@link OtlpFormatException} with the JSON path of the field
 * (such as {@code resourceSpans[0].scopeSpans[1].spans[3].traceId}) and the byte offset of the token.
 * The input is not decompressed: see {@link OtlpInput#gunzipIfGzipped(byte[])}.
 *
 * <h2>Encoding</h2>
 *
 * Grouped as {@link OtlpProtobuf#encode(List)} groups. Ids are lower-case hex, enums integers,
 * 64-bit integers and timestamps decimal strings, bytes standard base64, non-finite doubles the
 * strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}; fields holding their default value
 * are left out, except ids, {@code name}, {@code kind} and the timestamps of a span. Output is
 * compact UTF-8. Decoding it gives back equal spans; nothing is lost.
 */
public final class OtlpJson {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxStringLength(Integer.MAX_VALUE)
          .maxNestingDepth(1000)
          .maxNumberLength(1000)
          .build())
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
      .build();

  private OtlpJson() {}

  /**
   * The spans of an OTLP/JSON {@code ExportTraceServiceRequest} or {@code TracesData}.
   *
   * @throws OtlpFormatException if the bytes are not valid OTLP/JSON
   */
  public static List<Span> decode(byte[] json) {
    return decode(json, 0, json.length);
  }

  /**
   * The spans of the OTLP/JSON document in {@code json[off, off + len)}; byte offsets in errors are
   * relative to {@code off}.
   *
   * @throws OtlpFormatException if the bytes are not valid OTLP/JSON
   */
  public static List<Span> decode(byte[] json, int off, int len) {
    Objects.checkFromIndexSize(off, len, json.length);
    int bad = Utf8.firstInvalid(json, off, off + len);
    if (bad >= 0) {
      throw new OtlpFormatException("OTLP JSON: malformed UTF-8", bad - off, "");
    }
    JsonDecoder decoder = null;
    try (JsonParser p = FACTORY.createParser(json, off, len)) {
      decoder = new JsonDecoder(p);
      return decoder.request();
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      throw new OtlpFormatException("OTLP JSON: " + e.getOriginalMessage(),
          loc == null ? -1 : loc.getByteOffset(), decoder == null ? "" : decoder.path().render(null), e);
    } catch (IOException e) {
      throw new OtlpFormatException("OTLP JSON: " + e.getMessage(), -1,
          decoder == null ? "" : decoder.path().render(null), e);
    }
  }

  /**
   * The spans of the OTLP/JSON document {@code in} holds; reads it to the end (does not close it).
   *
   * @throws OtlpFormatException if the bytes are not valid OTLP/JSON
   * @throws UncheckedIOException if reading the stream fails
   */
  public static List<Span> decode(InputStream in) {
    byte[] bytes;
    try {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return decode(bytes);
  }

  /**
   * Encodes {@code spans} as an OTLP/JSON {@code TracesData} (equally an
   * {@code ExportTraceServiceRequest}), UTF-8.
   *
   * @throws IllegalArgumentException if a string is not valid Unicode (an unpaired surrogate),
   *     which {@code TraceStore.append} never accepts
   * @throws NullPointerException if a span is null
   */
  public static byte[] encode(List<Span> spans) {
    List<SpanGroups.ResourceGroup> groups = SpanGroups.group(spans);
    ByteArrayBuilder bytes = new ByteArrayBuilder(Math.max(256, Math.min(1 << 24, spans.size() * 512)));
    try (JsonGenerator g = FACTORY.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeArrayFieldStart("resourceSpans");
      for (SpanGroups.ResourceGroup rg : groups) {
        g.writeStartObject();
        Resource res = rg.resource;
        if (!res.attributes().isEmpty() || res.droppedAttributesCount() != 0) {
          g.writeObjectFieldStart("resource");
          attributes(g, res.attributes());
          dropped(g, "droppedAttributesCount", res.droppedAttributesCount());
          g.writeEndObject();
        }
        g.writeArrayFieldStart("scopeSpans");
        for (SpanGroups.ScopeGroup sg : rg.scopes) {
          g.writeStartObject();
          InstrumentationScope scope = sg.scope;
          if (!scope.name().isEmpty() || !scope.version().isEmpty() || !scope.attributes().isEmpty()
              || scope.droppedAttributesCount() != 0) {
            g.writeObjectFieldStart("scope");
            string(g, "name", scope.name());
            string(g, "version", scope.version());
            attributes(g, scope.attributes());
            dropped(g, "droppedAttributesCount", scope.droppedAttributesCount());
            g.writeEndObject();
          }
          g.writeArrayFieldStart("spans");
          for (Span s : sg.spans) {
            span(g, s);
          }
          g.writeEndArray();
          string(g, "schemaUrl", scope.schemaUrl());
          g.writeEndObject();
        }
        g.writeEndArray();
        string(g, "schemaUrl", res.schemaUrl());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayBuilder does not fail
    }
    return bytes.toByteArray();
  }

  private static void span(JsonGenerator g, Span s) throws IOException {
    g.writeStartObject();
    g.writeStringField("traceId", s.traceId().toHex());
    g.writeStringField("spanId", s.spanId().toHex());
    string(g, "traceState", s.traceState());
    if (s.parentSpanId().isValid()) {
      g.writeStringField("parentSpanId", s.parentSpanId().toHex());
    }
    dropped(g, "flags", s.flags());
    checked(s.name());
    g.writeStringField("name", s.name());
    g.writeNumberField("kind", s.kind().code());
    g.writeStringField("startTimeUnixNano", Long.toUnsignedString(s.startUnixNano()));
    g.writeStringField("endTimeUnixNano", Long.toUnsignedString(s.endUnixNano()));
    attributes(g, s.attributes());
    dropped(g, "droppedAttributesCount", s.droppedAttributesCount());
    if (!s.events().isEmpty()) {
      g.writeArrayFieldStart("events");
      for (SpanEvent e : s.events()) {
        g.writeStartObject();
        g.writeStringField("timeUnixNano", Long.toUnsignedString(e.timeUnixNano()));
        checked(e.name());
        g.writeStringField("name", e.name());
        attributes(g, e.attributes());
        dropped(g, "droppedAttributesCount", e.droppedAttributesCount());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    dropped(g, "droppedEventsCount", s.droppedEventsCount());
    if (!s.links().isEmpty()) {
      g.writeArrayFieldStart("links");
      for (SpanLink l : s.links()) {
        g.writeStartObject();
        g.writeStringField("traceId", l.traceId().toHex());
        g.writeStringField("spanId", l.spanId().toHex());
        string(g, "traceState", l.traceState());
        attributes(g, l.attributes());
        dropped(g, "droppedAttributesCount", l.droppedAttributesCount());
        dropped(g, "flags", l.flags());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    dropped(g, "droppedLinksCount", s.droppedLinksCount());
    if (s.statusCode().code() != 0 || !s.statusMessage().isEmpty()) {
      g.writeObjectFieldStart("status");
      string(g, "message", s.statusMessage());
      if (s.statusCode().code() != 0) {
        g.writeNumberField("code", s.statusCode().code());
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void attributes(JsonGenerator g, Attributes attrs) throws IOException {
    if (attrs.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart("attributes");
    for (int i = 0; i < attrs.size(); i++) {
      keyValue(g, attrs.key(i), attrs.value(i));
    }
    g.writeEndArray();
  }

  private static void keyValue(JsonGenerator g, String key, AttributeValue value) throws IOException {
    g.writeStartObject();
    checked(key);
    g.writeStringField("key", key);
    g.writeFieldName("value");
    anyValue(g, value);
    g.writeEndObject();
  }

  private static void anyValue(JsonGenerator g, AttributeValue v) throws IOException {
    g.writeStartObject();
    if (v instanceof AttributeValue.StringValue s) {
      checked(s.value());
      g.writeStringField("stringValue", s.value());
    } else if (v instanceof AttributeValue.LongValue l) {
      g.writeStringField("intValue", Long.toString(l.value()));
    } else if (v instanceof AttributeValue.DoubleValue d) {
      double x = d.value();
      if (Double.isNaN(x)) {
        g.writeStringField("doubleValue", "NaN");
      } else if (Double.isInfinite(x)) {
        g.writeStringField("doubleValue", x > 0 ? "Infinity" : "-Infinity");
      } else {
        g.writeNumberField("doubleValue", x);
      }
    } else if (v instanceof AttributeValue.BooleanValue b) {
      g.writeBooleanField("boolValue", b.value());
    } else if (v instanceof AttributeValue.BytesValue b) {
      g.writeStringField("bytesValue", Base64.getEncoder().encodeToString(b.value()));
    } else if (v instanceof AttributeValue.ArrayValue a) {
      g.writeObjectFieldStart("arrayValue");
      g.writeArrayFieldStart("values");
      for (AttributeValue e : a.values()) {
        anyValue(g, e);
      }
      g.writeEndArray();
      g.writeEndObject();
    } else if (v instanceof AttributeValue.KeyValueListValue kv) {
      g.writeObjectFieldStart("kvlistValue");
      g.writeArrayFieldStart("values");
      for (Attribute e : kv.values()) {
        keyValue(g, e.key(), e.value());
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /** A string field, left out when empty. */
  private static void string(JsonGenerator g, String name, String value) throws IOException {
    if (!value.isEmpty()) {
      checked(value);
      g.writeStringField(name, value);
    }
  }

  /** A uint32 field, left out when zero. */
  private static void dropped(JsonGenerator g, String name, int value) throws IOException {
    if (value != 0) {
      g.writeNumberField(name, Integer.toUnsignedLong(value));
    }
  }

  private static void checked(String s) {
    int bad = Utf8.firstUnpairedSurrogate(s);
    if (bad >= 0) {
      throw Utf8.unpaired(s, bad);
    }
  }
}
