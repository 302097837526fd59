package io.tracestore.core.otlp;

import io.tracestore.api.Attribute;
import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.InstrumentationScope;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanLink;
import java.util.List;
import java.util.Objects;

/**
 * OTLP protobuf for traces: decodes an {@code ExportTraceServiceRequest} or a {@code TracesData}
 * (the same wire shape: {@code repeated ResourceSpans resource_spans = 1}) into spans, and encodes
 * spans as one. Hand-written, with no dependency on protobuf-java. Stateless and thread-safe.
 *
 * <h2>Decoding</h2>
 *
 * A streaming decoder goes straight from the bytes to {@link Span}s; spans of one
 * {@code ResourceSpans} share one {@link Resource} instance and spans of one {@code ScopeSpans}
 * one {@link InstrumentationScope}. Every field OTLP 1.x defines for traces is read. It follows
 * protobuf's rules: fields in any order, unknown fields skipped by wire type (including groups),
 * a repeated occurrence of a scalar field replaces the earlier value, of a message field merges
 * into it. Beyond that:
 *
 * <ul>
 *   <li>Attribute keys repeated within one attribute list: the last value wins (as a map put);
 *       OTLP forbids the repetition, and the model holds unique keys. Keys repeated inside a
 *       {@code kvlist} value are all kept, in order.
 *   <li>{@code trace_id} must be 16 bytes and {@code span_id}, {@code parent_span_id} and the
 *       links' ids 8 bytes, or empty. Empty gives the all-zero id: for {@code parent_span_id} that
 *       is a root span; an empty or all-zero trace or span id decodes but {@code TraceStore.append}
 *       rejects it. Any other length throws {@link OtlpFormatException} naming the field and
 *       byte offset.
 *   <li>{@code kind} and {@code status.code} outside the values OTLP defines (0..5, 0..2) throw:
 *       the model cannot carry them.
 *   <li>An {@code AnyValue} with no value set ("null" in OTLP) cannot be represented: as an
 *       attribute it is left out and counted in the owner's {@code dropped_attributes_count}; as
 *       an element of an array or kvlist it is left out. The same holds for
 *       {@code string_value_strindex}, which refers to a profiles string table traces do not have.
 *       These and {@code Resource.entity_refs} (in development) are the only data not carried.
 *   <li>Strings must be well-formed UTF-8 (strict: no overlong forms, no surrogates).
 *   <li>Arrays and kvlists may nest {@value io.tracestore.core.codec.SpanCodec#MAX_VALUE_DEPTH}
 *       deep, as {@code TraceStore.append} allows.
 *   <li>Wire types that do not match a known field's type are an error (protobuf-java would keep
 *       them as unknown fields; here they are a broken producer).
 * </ul>
 *
 * Malformed input of any kind throws {@link OtlpFormatException} with the byte offset (relative to
 * {@code off}) and the OTLP/JSON path of the field; never another exception, and nothing is
 * allocated from a declared length before checking it against the input. The input is not
 * decompressed: see {@link OtlpInput#gunzipIfGzipped(byte[])}.
 *
 * <h2>Encoding</h2>
 *
 * Spans are grouped by equal {@link Resource} (one {@code ResourceSpans} each, with the resource's
 * schema URL) and within that by equal {@link InstrumentationScope} (one {@code ScopeSpans} each),
 * in first-appearance order; spans keep their order within a group. Fields are written in
 * field-number order, default values omitted (trace and span ids are always written), as
 * protobuf-java does. Decoding the output gives back equal spans; nothing is lost.
 */
public final class OtlpProtobuf {
  private OtlpProtobuf() {}

  /**
   * The spans of an encoded {@code ExportTraceServiceRequest} or {@code TracesData}.
   *
   * @throws OtlpFormatException if the bytes are not a valid message
   */
  public static List<Span> decode(byte[] data) {
    return decode(data, 0, data.length);
  }

  /**
   * The spans of the message in {@code data[off, off + len)}.
   *
   * @throws OtlpFormatException if the bytes are not a valid message; offsets in the message are
   *     relative to {@code off}
   * @throws IndexOutOfBoundsException if the range is not within {@code data}
   */
  public static List<Span> decode(byte[] data, int off, int len) {
    Objects.checkFromIndexSize(off, len, data.length);
    return new ProtoDecoder(data, off).request(off + len);
  }

  /**
   * Encodes {@code spans} as a {@code TracesData} (equally an {@code ExportTraceServiceRequest}).
   *
   * @throws IllegalArgumentException if a string is not valid Unicode (an unpaired surrogate),
   *     which {@code TraceStore.append} never accepts
   * @throws NullPointerException if a span is null
   */
  public static byte[] encode(List<Span> spans) {
    List<SpanGroups.ResourceGroup> groups = SpanGroups.group(spans);
    ReverseWriter w = new ReverseWriter(spans.size() * 256 + 256);
    for (int r = groups.size() - 1; r >= 0; r--) {
      SpanGroups.ResourceGroup rg = groups.get(r);
      int rsMark = w.size();
      Resource res = rg.resource;
      if (!res.schemaUrl().isEmpty()) {
        w.string(3, res.schemaUrl());
      }
      for (int s = rg.scopes.size() - 1; s >= 0; s--) {
        SpanGroups.ScopeGroup sg = rg.scopes.get(s);
        int ssMark = w.size();
        InstrumentationScope scope = sg.scope;
        if (!scope.schemaUrl().isEmpty()) {
          w.string(3, scope.schemaUrl());
        }
        for (int i = sg.spans.size() - 1; i >= 0; i--) {
          int spanMark = w.size();
          span(w, sg.spans.get(i));
          w.lengthAndTag(2, spanMark);
        }
        if (!scope.name().isEmpty() || !scope.version().isEmpty() || !scope.attributes().isEmpty()
            || scope.droppedAttributesCount() != 0) {
          int scopeMark = w.size();
          if (scope.droppedAttributesCount() != 0) {
            w.varintField(4, Integer.toUnsignedLong(scope.droppedAttributesCount()));
          }
          attributes(w, 3, scope.attributes());
          if (!scope.version().isEmpty()) {
            w.string(2, scope.version());
          }
          if (!scope.name().isEmpty()) {
            w.string(1, scope.name());
          }
          w.lengthAndTag(1, scopeMark);
        }
        w.lengthAndTag(2, ssMark);
      }
      if (!res.attributes().isEmpty() || res.droppedAttributesCount() != 0) {
        int resMark = w.size();
        if (res.droppedAttributesCount() != 0) {
          w.varintField(2, Integer.toUnsignedLong(res.droppedAttributesCount()));
        }
        attributes(w, 1, res.attributes());
        w.lengthAndTag(1, resMark);
      }
      w.lengthAndTag(1, rsMark);
    }
    return w.toByteArray();
  }

  private static void span(ReverseWriter w, Span s) {
    if (s.flags() != 0) {
      w.fixed32(16, s.flags());
    }
    if (s.statusCode().code() != 0 || !s.statusMessage().isEmpty()) {
      int mark = w.size();
      if (s.statusCode().code() != 0) {
        w.varintField(3, s.statusCode().code());
      }
      if (!s.statusMessage().isEmpty()) {
        w.string(2, s.statusMessage());
      }
      w.lengthAndTag(15, mark);
    }
    if (s.droppedLinksCount() != 0) {
      w.varintField(14, Integer.toUnsignedLong(s.droppedLinksCount()));
    }
    List<SpanLink> links = s.links();
    for (int i = links.size() - 1; i >= 0; i--) {
      SpanLink l = links.get(i);
      int mark = w.size();
      if (l.flags() != 0) {
        w.fixed32(6, l.flags());
      }
      if (l.droppedAttributesCount() != 0) {
        w.varintField(5, Integer.toUnsignedLong(l.droppedAttributesCount()));
      }
      attributes(w, 4, l.attributes());
      if (!l.traceState().isEmpty()) {
        w.string(3, l.traceState());
      }
      w.id(2, 0, l.spanId().value(), false);
      w.id(1, l.traceId().high(), l.traceId().low(), true);
      w.lengthAndTag(13, mark);
    }
    if (s.droppedEventsCount() != 0) {
      w.varintField(12, Integer.toUnsignedLong(s.droppedEventsCount()));
    }
    List<SpanEvent> events = s.events();
    for (int i = events.size() - 1; i >= 0; i--) {
      SpanEvent e = events.get(i);
      int mark = w.size();
      if (e.droppedAttributesCount() != 0) {
        w.varintField(4, Integer.toUnsignedLong(e.droppedAttributesCount()));
      }
      attributes(w, 3, e.attributes());
      if (!e.name().isEmpty()) {
        w.string(2, e.name());
      }
      if (e.timeUnixNano() != 0) {
        w.fixed64(1, e.timeUnixNano());
      }
      w.lengthAndTag(11, mark);
    }
    if (s.droppedAttributesCount() != 0) {
      w.varintField(10, Integer.toUnsignedLong(s.droppedAttributesCount()));
    }
    attributes(w, 9, s.attributes());
    if (s.endUnixNano() != 0) {
      w.fixed64(8, s.endUnixNano());
    }
    if (s.startUnixNano() != 0) {
      w.fixed64(7, s.startUnixNano());
    }
    if (s.kind().code() != 0) {
      w.varintField(6, s.kind().code());
    }
    if (!s.name().isEmpty()) {
      w.string(5, s.name());
    }
    if (s.parentSpanId().isValid()) {
      w.id(4, 0, s.parentSpanId().value(), false);
    }
    if (!s.traceState().isEmpty()) {
      w.string(3, s.traceState());
    }
    w.id(2, 0, s.spanId().value(), false);
    w.id(1, s.traceId().high(), s.traceId().low(), true);
  }

  private static void attributes(ReverseWriter w, int field, Attributes attrs) {
    for (int i = attrs.size() - 1; i >= 0; i--) {
      int mark = w.size();
      keyValue(w, attrs.key(i), attrs.value(i));
      w.lengthAndTag(field, mark);
    }
  }

  private static void keyValue(ReverseWriter w, String key, AttributeValue value) {
    int mark = w.size();
    anyValue(w, value);
    w.lengthAndTag(2, mark);
    if (!key.isEmpty()) {
      w.string(1, key);
    }
  }

  /** An AnyValue's content; the oneof member is always written, even when it is a default. */
  private static void anyValue(ReverseWriter w, AttributeValue v) {
    if (v instanceof AttributeValue.StringValue s) {
      w.string(1, s.value());
    } else if (v instanceof AttributeValue.LongValue l) {
      w.varintField(3, l.value());
    } else if (v instanceof AttributeValue.DoubleValue d) {
      w.fixed64(4, Double.doubleToRawLongBits(d.value()));
    } else if (v instanceof AttributeValue.BooleanValue b) {
      w.varintField(2, b.value() ? 1 : 0);
    } else if (v instanceof AttributeValue.BytesValue b) {
      w.bytes(7, b.value());
    } else if (v instanceof AttributeValue.ArrayValue a) {
      int mark = w.size();
      List<AttributeValue> values = a.values();
      for (int i = values.size() - 1; i >= 0; i--) {
        int m = w.size();
        anyValue(w, values.get(i));
        w.lengthAndTag(1, m);
      }
      w.lengthAndTag(5, mark);
    } else if (v instanceof AttributeValue.KeyValueListValue kv) {
      int mark = w.size();
      List<Attribute> values = kv.values();
      for (int i = values.size() - 1; i >= 0; i--) {
        int m = w.size();
        keyValue(w, values.get(i).key(), values.get(i).value());
        w.lengthAndTag(1, m);
      }
      w.lengthAndTag(6, mark);
    }
  }
}
