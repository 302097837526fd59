package io.tracestore.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.tracestore.api.Attribute;
import io.tracestore.api.AttributeValue;
import io.tracestore.api.SearchResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a {@link SearchResult} as Tempo's search response JSON: {@code traces[]} with
 * {@code traceID}, {@code rootServiceName}, {@code rootTraceName}, {@code startTimeUnixNano},
 * {@code durationMs}, {@code spanSets[]} of {@code {spans[], matched, attributes}}; spans with
 * {@code spanID}, {@code name}, {@code startTimeUnixNano}, {@code durationNanos} and OTLP-style
 * {@code attributes}. 64-bit integers are strings, as in OTLP/JSON. Stateless and thread-safe.
 */
public final class TempoSearchJson {
  private static final JsonFactory JSON = new JsonFactory();

  private TempoSearchJson() {}

  /** The response as compact UTF-8 JSON on one line. */
  public static byte[] write(SearchResult result) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("traces");
      for (SearchResult.TraceMatch t : result.traces()) {
        g.writeStartObject();
        g.writeStringField("traceID", t.traceId().toHex());
        g.writeStringField("rootServiceName", t.rootServiceName());
        g.writeStringField("rootTraceName", t.rootTraceName());
        g.writeStringField("startTimeUnixNano", Long.toString(t.startUnixNano()));
        g.writeNumberField("durationMs", t.durationNanos() / 1_000_000);
        g.writeArrayFieldStart("spanSets");
        for (SearchResult.SpanSet set : t.spanSets()) {
          g.writeStartObject();
          g.writeArrayFieldStart("spans");
          for (SearchResult.MatchedSpan s : set.spans()) {
            g.writeStartObject();
            g.writeStringField("spanID", s.spanId().toHex());
            g.writeStringField("name", s.name());
            g.writeStringField("startTimeUnixNano", Long.toString(s.startUnixNano()));
            g.writeStringField("durationNanos", Long.toString(s.durationNanos()));
            writeAttributes(g, s.attributes());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeNumberField("matched", set.matched());
          writeAttributes(g, set.attributes());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      SearchResult.Metrics m = result.metrics();
      g.writeObjectFieldStart("metrics");
      g.writeNumberField("inspectedTraces", m.tracesInspected());
      g.writeStringField("inspectedSpans", Long.toString(m.spansInspected()));
      g.writeNumberField("inspectedBlocks", m.blocksInspected());
      g.writeNumberField("skippedBlocks", m.blocksPruned());
      g.writeNumberField("totalBlocks", m.blocksInspected() + m.blocksPruned());
      g.writeStringField("inspectedBytes", Long.toString(m.bytesDecoded()));
      g.writeNumberField("inspectedRowGroups", m.rowGroupsInspected());
      g.writeNumberField("skippedRowGroups", m.rowGroupsPruned());
      g.writeNumberField("inspectedPages", m.pagesInspected());
      g.writeNumberField("skippedPages", m.pagesPruned());
      g.writeNumberField("cacheHits", m.cacheHits());
      g.writeNumberField("cacheMisses", m.cacheMisses());
      g.writeNumberField("elapsedMs", m.elapsedNanos() / 1_000_000);
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes the field {@code "attributes": [{key, value: AnyValue}]} unless the map is empty. */
  private static void writeAttributes(JsonGenerator g, Map<String, AttributeValue> attributes) throws IOException {
    if (attributes.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart("attributes");
    for (Map.Entry<String, AttributeValue> e : new TreeMap<>(attributes).entrySet()) {
      g.writeStartObject();
      g.writeStringField("key", e.getKey());
      g.writeFieldName("value");
      writeValue(g, e.getValue());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /** An OTLP/JSON AnyValue. */
  static void writeValue(JsonGenerator g, AttributeValue v) throws IOException {
    g.writeStartObject();
    switch (v.type()) {
      case STRING -> g.writeStringField("stringValue", ((AttributeValue.StringValue) v).value());
      case LONG -> g.writeStringField("intValue", Long.toString(((AttributeValue.LongValue) v).value()));
      case DOUBLE -> {
        double d = ((AttributeValue.DoubleValue) v).value();
        if (Double.isFinite(d)) {
          g.writeNumberField("doubleValue", d);
        } else {
          g.writeStringField("doubleValue", Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        }
      }
      case BOOLEAN -> g.writeBooleanField("boolValue", ((AttributeValue.BooleanValue) v).value());
      case BYTES -> g.writeStringField("bytesValue", Base64.getEncoder().encodeToString(((AttributeValue.BytesValue) v).value()));
      case ARRAY -> {
        g.writeObjectFieldStart("arrayValue");
        g.writeArrayFieldStart("values");
        for (AttributeValue e : ((AttributeValue.ArrayValue) v).values()) {
          writeValue(g, e);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      case KVLIST -> {
        g.writeObjectFieldStart("kvlistValue");
        g.writeArrayFieldStart("values");
        for (Attribute e : ((AttributeValue.KeyValueListValue) v).values()) {
          g.writeStartObject();
          g.writeStringField("key", e.key());
          g.writeFieldName("value");
          writeValue(g, e.value());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
    }
    g.writeEndObject();
  }
}
