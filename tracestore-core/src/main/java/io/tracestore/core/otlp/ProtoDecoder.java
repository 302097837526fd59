package io.tracestore.core.otlp;

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
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A streaming decoder of {@code ExportTraceServiceRequest}/{@code TracesData} straight into spans.
 * Every read is bounded by the end of the enclosing message; nothing is allocated from a declared
 * length before checking it against the bytes that are really there. Not thread-safe: one per call.
 */
final class ProtoDecoder {
  static final int VARINT = 0;
  static final int I64 = 1;
  static final int LEN = 2;
  static final int SGROUP = 3;
  static final int EGROUP = 4;
  static final int I32 = 5;
  /** Nesting limit for unknown groups being skipped (protobuf-java's recursion limit). */
  private static final int MAX_GROUP_DEPTH = 100;

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final byte[] buf;
  private final int base;
  private int pos;
  private final Path path = new Path();
  private final List<Span> out = new ArrayList<>();
  private final KeyCache keys = new KeyCache();

  ProtoDecoder(byte[] buf, int off) {
    this.buf = buf;
    this.base = off;
    this.pos = off;
  }

  // ---------------------------------------------------------------- messages

  List<Span> request(int end) {
    int rs = 0;
    while (pos < end) {
      int tagAt = pos;
      long tag = readTag(end);
      if (tag >>> 3 == 1) {
        int subEnd = lengthDelimited(tag, tagAt, end, "resourceSpans");
        path.push("resourceSpans", rs++);
        resourceSpans(subEnd);
        path.pop();
      } else {
        skip(tag, tagAt, end);
      }
    }
    return out;
  }

  /** Accumulates a message that may be sent in several parts (proto3 merges repeated occurrences). */
  private static final class ResourceAcc {
    final AttrAcc attrs = new AttrAcc();
    int dropped;
  }

  /** The attributes of one message as they arrive; an empty AnyValue is counted as dropped. */
  private static final class AttrAcc {
    ArrayList<Attribute> list;
    int empty;
    int seen;

    io.tracestore.api.Attributes build() {
      return AttrList.build(list);
    }
  }

  /** Decodes one {@code attributes} KeyValue field into {@code acc}. */
  private void attribute(AttrAcc acc, long tag, int tagAt, int end) {
    int subEnd = lengthDelimited(tag, tagAt, end, "attributes");
    path.push("attributes", acc.seen++);
    Attribute a = keyValue(subEnd, 0);
    path.pop();
    if (a == null) {
      acc.empty++;
    } else {
      (acc.list == null ? acc.list = new ArrayList<>() : acc.list).add(a);
    }
  }

  private static final class ScopeGroup {
    String name = "";
    String version = "";
    final AttrAcc attrs = new AttrAcc();
    int dropped;
    String schemaUrl = "";
    final ArrayList<Span.Builder> spans = new ArrayList<>();
  }

  private void resourceSpans(int end) {
    ResourceAcc res = new ResourceAcc();
    String schemaUrl = "";
    List<ScopeGroup> groups = new ArrayList<>(2);
    int ss = 0;
    while (pos < end) {
      int tagAt = pos;
      long tag = readTag(end);
      switch ((int) (tag >>> 3)) {
        case 1 -> {
          int subEnd = lengthDelimited(tag, tagAt, end, "resource");
          path.push("resource");
          resource(subEnd, res);
          path.pop();
        }
        case 2 -> {
          int subEnd = lengthDelimited(tag, tagAt, end, "scopeSpans");
          path.push("scopeSpans", ss++);
          ScopeGroup g = new ScopeGroup();
          scopeSpans(subEnd, g);
          groups.add(g);
          path.pop();
        }
        case 3 -> schemaUrl = string(tag, tagAt, end, "schemaUrl");
        default -> skip(tag, tagAt, end);
      }
    }
    Resource resource = new Resource(res.attrs.build(), res.dropped + res.attrs.empty, schemaUrl);
    for (ScopeGroup g : groups) {
      InstrumentationScope scope =
          new InstrumentationScope(g.name, g.version, g.attrs.build(), g.dropped + g.attrs.empty, g.schemaUrl);
      for (Span.Builder b : g.spans) {
        out.add(b.resource(resource).scope(scope).build());
      }
    }
  }

  private void resource(int end, ResourceAcc res) {
    while (pos < end) {
      int tagAt = pos;
      long tag = readTag(end);
      switch ((int) (tag >>> 3)) {
        case 1 -> attribute(res.attrs, tag, tagAt, end);
        case 2 -> res.dropped = uint32(tag, tagAt, end, "droppedAttributesCount");
        default -> skip(tag, tagAt, end); // entity_refs (3, in development) and anything newer
      }
    }
  }

  private void scopeSpans(int end, ScopeGroup g) {
    int sp = 0;
    while (pos < end) {
      int tagAt = pos;
      long tag = readTag(end);
      switch ((int) (tag >>> 3)) {
        case 1 -> {
          int subEnd = lengthDelimited(tag, tagAt, end, "scope");
          path.push("scope");
          scope(subEnd, g);
          path.pop();
        }
        case 2 -> {
          int subEnd = lengthDelimited(tag, tagAt, end, "spans");
          path.push("spans", sp++);
          g.spans.add(span(subEnd));
          path.pop();
        }
        case 3 -> g.schemaUrl = string(tag, tagAt, end, "schemaUrl");
        default -> skip(tag, tagAt, end);
      }
    }
  }

  private void scope(int end, ScopeGroup g) {
    while (pos < end) {
      int tagAt = pos;
      long tag = readTag(end);
      switch ((int) (tag >>> 3)) {
        case 1 -> g.name = string(tag, tagAt, end, "name");
        case 2 -> g.version = string(tag, tagAt, end, "version");
        case 3 -> attribute(g.attrs, tag, tagAt, end);
        case 4 -> g.dropped = uint32(tag, tagAt, end, "droppedAttributesCount");
        default -> skip(tag, tagAt, end);
      }
    }
  }

  private Span.Builder span(int end) {
    Span.Builder b = Span.builder();
    AttrAcc attrs = new AttrAcc();
    int dropped = 0;
    ArrayList<SpanEvent> events = null;
    ArrayList<SpanLink> links = null;
    StatusCode statusCode = StatusCode.UNSET;
    String statusMessage = "";
    while (pos < end) {
      int tagAt = pos;
      long tag = readTag(end);
      switch ((int) (tag >>> 3)) {
        case 1 -> b.traceId(traceId(tag, tagAt, end, "traceId"));
        case 2 -> b.spanId(spanId(tag, tagAt, end, "spanId"));
        case 3 -> b.traceState(string(tag, tagAt, end, "traceState"));
        case 4 -> b.parentSpanId(spanId(tag, tagAt, end, "parentSpanId"));
        case 5 -> b.name(string(tag, tagAt, end, "name"));
        case 6 -> b.kind(kind(tag, tagAt, end));
        case 7 -> b.startUnixNano(fixed64(tag, tagAt, end, "startTimeUnixNano"));
        case 8 -> b.endUnixNano(fixed64(tag, tagAt, end, "endTimeUnixNano"));
        case 9 -> attribute(attrs, tag, tagAt, end);
        case 10 -> dropped = uint32(tag, tagAt, end, "droppedAttributesCount");
        case 11 -> {
          if (events == null) {
            events = new ArrayList<>(4);
          }
          int subEnd = lengthDelimited(tag, tagAt, end, "events");
          path.push("events", events.size());
          events.add(event(subEnd));
          path.pop();
        }
        case 12 -> b.droppedEventsCount(uint32(tag, tagAt, end, "droppedEventsCount"));
        case 13 -> {
          if (links == null) {
            links = new ArrayList<>(2);
          }
          int subEnd = lengthDelimited(tag, tagAt, end, "links");
          path.push("links", links.size());
          links.add(link(subEnd));
          path.pop();
        }
        case 14 -> b.droppedLinksCount(uint32(tag, tagAt, end, "droppedLinksCount"));
        case 15 -> {
          int subEnd = lengthDelimited(tag, tagAt, end, "status");
          path.push("status");
          while (pos < subEnd) {
            int at = pos;
            long t = readTag(subEnd);
            switch ((int) (t >>> 3)) {
              case 2 -> statusMessage = string(t, at, subEnd, "message");
              case 3 -> statusCode = statusCode(t, at, subEnd);
              default -> skip(t, at, subEnd); // 1 is the reserved deprecated_code
            }
          }
          path.pop();
        }
        case 16 -> b.flags(fixed32(tag, tagAt, end, "flags"));
        default -> skip(tag, tagAt, end);
      }
    }
    b.attributes(attrs.build()).droppedAttributesCount(dropped + attrs.empty);
    b.status(statusCode, statusMessage);
    if (events != null) {
      b.events(events);
    }
    if (links != null) {
      b.links(links);
    }
    return b;
  }

  private SpanEvent event(int end) {
    long time = 0;
    String name = "";
    AttrAcc attrs = new AttrAcc();
    int dropped = 0;
    while (pos < end) {
      int tagAt = pos;
      long tag = readTag(end);
      switch ((int) (tag >>> 3)) {
        case 1 -> time = fixed64(tag, tagAt, end, "timeUnixNano");
        case 2 -> name = string(tag, tagAt, end, "name");
        case 3 -> attribute(attrs, tag, tagAt, end);
        case 4 -> dropped = uint32(tag, tagAt, end, "droppedAttributesCount");
        default -> skip(tag, tagAt, end);
      }
    }
    return new SpanEvent(time, name, attrs.build(), dropped + attrs.empty);
  }

  private SpanLink link(int end) {
    TraceId traceId = TraceId.INVALID;
    SpanId spanId = SpanId.NONE;
    String traceState = "";
    AttrAcc attrs = new AttrAcc();
    int dropped = 0;
    int flags = 0;
    while (pos < end) {
      int tagAt = pos;
      long tag = readTag(end);
      switch ((int) (tag >>> 3)) {
        case 1 -> traceId = traceId(tag, tagAt, end, "traceId");
        case 2 -> spanId = spanId(tag, tagAt, end, "spanId");
        case 3 -> traceState = string(tag, tagAt, end, "traceState");
        case 4 -> attribute(attrs, tag, tagAt, end);
        case 5 -> dropped = uint32(tag, tagAt, end, "droppedAttributesCount");
        case 6 -> flags = fixed32(tag, tagAt, end, "flags");
        default -> skip(tag, tagAt, end);
      }
    }
    return new SpanLink(traceId, spanId, traceState, attrs.build(), dropped + attrs.empty, flags);
  }

  /** A KeyValue; null if its value is empty (OTLP's "no value", which the model cannot hold). */
  private Attribute keyValue(int end, int depth) {
    String key = "";
    AttributeValue value = null;
    while (pos < end) {
      int tagAt = pos;
      long tag = readTag(end);
      switch ((int) (tag >>> 3)) {
        case 1 -> key = key(tag, tagAt, end);
        case 2 -> {
          int subEnd = lengthDelimited(tag, tagAt, end, "value");
          path.push("value");
          value = anyValue(subEnd, depth, value);
          path.pop();
        }
        default -> skip(tag, tagAt, end);
      }
    }
    return value == null ? null : new Attribute(key, value);
  }

  /**
   * An AnyValue; {@code current} is the value of an earlier occurrence of the same field, merged
   * as protobuf merges a oneof: a later member replaces it, a later array or kvlist of the same
   * kind is appended to it. Null if no member is set.
   */
  private AttributeValue anyValue(int end, int depth, AttributeValue current) {
    if (depth > SpanCodec.MAX_VALUE_DEPTH) {
      throw error("attribute value nests arrays or kvlists deeper than " + SpanCodec.MAX_VALUE_DEPTH, pos, null);
    }
    AttributeValue v = current;
    while (pos < end) {
      int tagAt = pos;
      long tag = readTag(end);
      switch ((int) (tag >>> 3)) {
        case 1 -> v = new AttributeValue.StringValue(string(tag, tagAt, end, "stringValue"));
        case 2 -> v = AttributeValue.of(varint(tag, tagAt, end, "boolValue") != 0);
        case 3 -> v = new AttributeValue.LongValue(varint(tag, tagAt, end, "intValue"));
        case 4 -> v = new AttributeValue.DoubleValue(Double.longBitsToDouble(fixed64(tag, tagAt, end, "doubleValue")));
        case 5 -> {
          int subEnd = lengthDelimited(tag, tagAt, end, "arrayValue");
          path.push("arrayValue");
          List<AttributeValue> values = arrayValue(subEnd, depth + 1);
          path.pop();
          if (v instanceof AttributeValue.ArrayValue prev) {
            List<AttributeValue> merged = new ArrayList<>(prev.values());
            merged.addAll(values);
            values = merged;
          }
          v = new AttributeValue.ArrayValue(values);
        }
        case 6 -> {
          int subEnd = lengthDelimited(tag, tagAt, end, "kvlistValue");
          path.push("kvlistValue");
          List<Attribute> values = kvlistValue(subEnd, depth + 1);
          path.pop();
          if (v instanceof AttributeValue.KeyValueListValue prev) {
            List<Attribute> merged = new ArrayList<>(prev.values());
            merged.addAll(values);
            values = merged;
          }
          v = new AttributeValue.KeyValueListValue(values);
        }
        case 7 -> v = new AttributeValue.BytesValue(bytes(tag, tagAt, end, "bytesValue"));
        case 8 -> {
          // string_value_strindex: an index into a profiles string table; traces have none
          varint(tag, tagAt, end, "stringValueStrindex");
          v = null;
        }
        default -> skip(tag, tagAt, end);
      }
    }
    return v;
  }

  private List<AttributeValue> arrayValue(int end, int depth) {
    ArrayList<AttributeValue> values = new ArrayList<>();
    int n = 0;
    while (pos < end) {
      int tagAt = pos;
      long tag = readTag(end);
      if (tag >>> 3 == 1) {
        int subEnd = lengthDelimited(tag, tagAt, end, "values");
        path.push("values", n++);
        AttributeValue v = anyValue(subEnd, depth, null);
        path.pop();
        if (v != null) {
          values.add(v);
        }
      } else {
        skip(tag, tagAt, end);
      }
    }
    return values;
  }

  private List<Attribute> kvlistValue(int end, int depth) {
    ArrayList<Attribute> values = new ArrayList<>();
    int n = 0;
    while (pos < end) {
      int tagAt = pos;
      long tag = readTag(end);
      if (tag >>> 3 == 1) {
        int subEnd = lengthDelimited(tag, tagAt, end, "values");
        path.push("values", n++);
        Attribute a = keyValue(subEnd, depth);
        path.pop();
        if (a != null) {
          values.add(a);
        }
      } else {
        skip(tag, tagAt, end);
      }
    }
    return values;
  }

  // ---------------------------------------------------------------- fields

  private SpanKind kind(long tag, int tagAt, int end) {
    int code = (int) varint(tag, tagAt, end, "kind");
    if (code < 0 || code > 5) {
      throw error("span kind " + code + " is not one OTLP defines (0..5)", tagAt, "kind");
    }
    return SpanKind.fromCode(code);
  }

  private StatusCode statusCode(long tag, int tagAt, int end) {
    int code = (int) varint(tag, tagAt, end, "code");
    if (code < 0 || code > 2) {
      throw error("status code " + code + " is not one OTLP defines (0..2)", tagAt, "code");
    }
    return StatusCode.fromCode(code);
  }

  private TraceId traceId(long tag, int tagAt, int end, String field) {
    int n = length(tag, tagAt, end, field);
    if (n == 0) {
      return TraceId.INVALID;
    }
    if (n != TraceId.BYTES) {
      throw error(field + " must be 16 bytes (or empty), got " + n, tagAt, field);
    }
    TraceId id = TraceId.fromBytes(buf, pos);
    pos += n;
    return id;
  }

  private SpanId spanId(long tag, int tagAt, int end, String field) {
    int n = length(tag, tagAt, end, field);
    if (n == 0) {
      return SpanId.NONE;
    }
    if (n != SpanId.BYTES) {
      throw error(field + " must be 8 bytes (or empty), got " + n, tagAt, field);
    }
    SpanId id = SpanId.fromBytes(buf, pos);
    pos += n;
    return id;
  }

  private String string(long tag, int tagAt, int end, String field) {
    int n = length(tag, tagAt, end, field);
    String s = decodeUtf8(n, field);
    pos += n;
    return s;
  }

  private String key(long tag, int tagAt, int end) {
    int n = length(tag, tagAt, end, "key");
    String s = keys.get(buf, pos, n);
    if (s == null) {
      s = decodeUtf8(n, "key");
      keys.put(buf, pos, n, s);
    }
    pos += n;
    return s;
  }

  private String decodeUtf8(int n, String field) {
    int bad = Utf8.firstInvalid(buf, pos, pos + n);
    if (bad >= 0) {
      throw error("malformed UTF-8 in string", bad, field);
    }
    return new String(buf, pos, n, StandardCharsets.UTF_8);
  }

  private byte[] bytes(long tag, int tagAt, int end, String field) {
    int n = length(tag, tagAt, end, field);
    byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return b;
  }

  private long varint(long tag, int tagAt, int end, String field) {
    expectWireType(tag, VARINT, tagAt, field);
    return readVarint(end);
  }

  /** A uint32: protobuf keeps the low 32 bits of a longer varint, and so do we. */
  private int uint32(long tag, int tagAt, int end, String field) {
    return (int) varint(tag, tagAt, end, field);
  }

  private long fixed64(long tag, int tagAt, int end, String field) {
    expectWireType(tag, I64, tagAt, field);
    if (end - pos < 8) {
      throw error("truncated fixed64", pos, field);
    }
    long v = (long) LONG_LE.get(buf, pos);
    pos += 8;
    return v;
  }

  private int fixed32(long tag, int tagAt, int end, String field) {
    expectWireType(tag, I32, tagAt, field);
    if (end - pos < 4) {
      throw error("truncated fixed32", pos, field);
    }
    int v = (int) INT_LE.get(buf, pos);
    pos += 4;
    return v;
  }

  /** Checks the wire type is LEN and reads the length; returns the end of the field's bytes. */
  private int lengthDelimited(long tag, int tagAt, int end, String field) {
    int n = length(tag, tagAt, end, field);
    return pos + n;
  }

  private int length(long tag, int tagAt, int end, String field) {
    expectWireType(tag, LEN, tagAt, field);
    int at = pos;
    long n = readVarint(end);
    if (n < 0 || n > end - pos) {
      throw error("length " + Long.toUnsignedString(n) + " runs past the end of the enclosing message ("
          + (end - pos) + " bytes left)", at, field);
    }
    return (int) n;
  }

  private void expectWireType(long tag, int expected, int tagAt, String field) {
    int wt = (int) tag & 7;
    if (wt != expected) {
      throw error("wrong wire type " + wt + " for field " + (tag >>> 3) + " (expected " + expected + ")",
          tagAt, field);
    }
  }

  // ---------------------------------------------------------------- wire

  private long readTag(int end) {
    int at = pos;
    long tag;
    int b = buf[pos];
    if (b >= 0) {
      pos++;
      tag = b;
    } else {
      tag = readVarint(end);
    }
    if ((tag >>> 3) == 0 || (tag >>> 32) != 0) {
      throw error("invalid tag " + Long.toUnsignedString(tag) + " (field number "
          + Long.toUnsignedString(tag >>> 3) + ")", at, null);
    }
    return tag;
  }

  private long readVarint(int end) {
    int at = pos;
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw error("truncated varint", at, null);
      }
      byte b = buf[pos++];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw error("varint longer than 10 bytes", at, null);
  }

  private void skip(long tag, int tagAt, int end) {
    skip(tag, tagAt, end, 0);
  }

  private void skip(long tag, int tagAt, int end, int groupDepth) {
    int wt = (int) tag & 7;
    switch (wt) {
      case VARINT -> readVarint(end);
      case I64 -> skipBytes(8, end);
      case LEN -> {
        int at = pos;
        long n = readVarint(end);
        if (n < 0 || n > end - pos) {
          throw error("length " + Long.toUnsignedString(n) + " of unknown field " + (tag >>> 3)
              + " runs past the end of the enclosing message", at, null);
        }
        pos += (int) n;
      }
      case I32 -> skipBytes(4, end);
      case SGROUP -> {
        if (groupDepth >= MAX_GROUP_DEPTH) {
          throw error("unknown groups nested deeper than " + MAX_GROUP_DEPTH, tagAt, null);
        }
        long field = tag >>> 3;
        while (true) {
          if (pos >= end) {
            throw error("unterminated group (field " + field + ")", tagAt, null);
          }
          int at = pos;
          long t = readTag(end);
          if ((t & 7) == EGROUP) {
            if (t >>> 3 != field) {
              throw error("group end for field " + (t >>> 3) + " inside group " + field, at, null);
            }
            break;
          }
          skip(t, at, end, groupDepth + 1);
        }
      }
      case EGROUP -> throw error("unexpected group end (field " + (tag >>> 3) + ")", tagAt, null);
      default -> throw error("invalid wire type " + wt + " (field " + (tag >>> 3) + ")", tagAt, null);
    }
  }

  private void skipBytes(int n, int end) {
    if (end - pos < n) {
      throw error("truncated field: need " + n + " bytes, " + (end - pos) + " left", pos, null);
    }
    pos += n;
  }

  private OtlpFormatException error(String problem, int at, String leaf) {
    return new OtlpFormatException("OTLP protobuf: " + problem, at - base, path.render(leaf));
  }
}
