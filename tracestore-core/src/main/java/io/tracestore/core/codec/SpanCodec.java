package io.tracestore.core.codec;

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
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * TraceStore's compact, lossless binary encoding of span batches (the WAL record payload) and of
 * single attribute values (the {@code raw} field of a block's generic attributes for arrays and
 * kvlists). Resources and scopes shared by spans of a batch are written once. Stateless and
 * thread-safe.
 *
 * <p>Decoding is defensive: malformed input raises {@link DecodeException} with the offset, never
 * another exception, and no declared length or count can make it allocate more than the input.
 */
public final class SpanCodec {
  /** Format version of a batch. */
  static final int BATCH_VERSION = 1;
  /** Deepest nesting of arrays and kvlists accepted when decoding. */
  public static final int MAX_VALUE_DEPTH = 32;

  private SpanCodec() {}

  /** Appends the encoding of {@code spans} to {@code out}. */
  public static void encodeBatch(List<Span> spans, ByteSink out) {
    Map<Resource, Integer> resources = new IdentityHashMap<>();
    Map<InstrumentationScope, Integer> scopes = new IdentityHashMap<>();
    List<Resource> resourceList = new ArrayList<>();
    List<InstrumentationScope> scopeList = new ArrayList<>();
    for (Span s : spans) {
      if (resources.putIfAbsent(s.resource(), resourceList.size()) == null) {
        resourceList.add(s.resource());
      }
      if (scopes.putIfAbsent(s.scope(), scopeList.size()) == null) {
        scopeList.add(s.scope());
      }
    }
    out.writeByte(BATCH_VERSION);
    out.writeVarInt(resourceList.size());
    for (Resource r : resourceList) {
      writeAttributes(r.attributes(), out);
      out.writeVarInt(r.droppedAttributesCount());
      out.writeString(r.schemaUrl());
    }
    out.writeVarInt(scopeList.size());
    for (InstrumentationScope sc : scopeList) {
      out.writeString(sc.name());
      out.writeString(sc.version());
      writeAttributes(sc.attributes(), out);
      out.writeVarInt(sc.droppedAttributesCount());
      out.writeString(sc.schemaUrl());
    }
    out.writeVarInt(spans.size());
    for (Span s : spans) {
      out.writeLong(s.traceId().high());
      out.writeLong(s.traceId().low());
      out.writeLong(s.spanId().value());
      out.writeLong(s.parentSpanId().value());
      out.writeString(s.traceState());
      out.writeVarInt(s.flags());
      out.writeString(s.name());
      out.writeByte(s.kind().code());
      out.writeLong(s.startUnixNano());
      out.writeLong(s.endUnixNano());
      out.writeByte(s.statusCode().code());
      out.writeString(s.statusMessage());
      writeAttributes(s.attributes(), out);
      out.writeVarInt(s.droppedAttributesCount());
      out.writeVarInt(s.events().size());
      for (SpanEvent e : s.events()) {
        out.writeLong(e.timeUnixNano());
        out.writeString(e.name());
        writeAttributes(e.attributes(), out);
        out.writeVarInt(e.droppedAttributesCount());
      }
      out.writeVarInt(s.droppedEventsCount());
      out.writeVarInt(s.links().size());
      for (SpanLink l : s.links()) {
        out.writeLong(l.traceId().high());
        out.writeLong(l.traceId().low());
        out.writeLong(l.spanId().value());
        out.writeString(l.traceState());
        writeAttributes(l.attributes(), out);
        out.writeVarInt(l.droppedAttributesCount());
        out.writeVarInt(l.flags());
      }
      out.writeVarInt(s.droppedLinksCount());
      out.writeVarInt(resources.get(s.resource()));
      out.writeVarInt(scopes.get(s.scope()));
    }
  }

  /** Decodes a whole batch. */
  public static List<Span> decodeBatch(byte[] data, int off, int len) {
    ByteSource in = new ByteSource(data, off, len);
    int version = in.readByte();
    if (version != BATCH_VERSION) {
      throw new DecodeException("unknown span batch version " + version + " at offset " + off);
    }
    int nResources = in.readCount(2);
    Resource[] resources = new Resource[nResources];
    for (int i = 0; i < nResources; i++) {
      Attributes attrs = readAttributes(in);
      resources[i] = new Resource(attrs, in.readVarInt(), in.readString());
    }
    int nScopes = in.readCount(5);
    InstrumentationScope[] scopes = new InstrumentationScope[nScopes];
    for (int i = 0; i < nScopes; i++) {
      String name = in.readString();
      String version2 = in.readString();
      Attributes attrs = readAttributes(in);
      scopes[i] = new InstrumentationScope(name, version2, attrs, in.readVarInt(), in.readString());
    }
    int nSpans = in.readCount(60);
    List<Span> spans = new ArrayList<>(nSpans);
    for (int i = 0; i < nSpans; i++) {
      Span.Builder b = Span.builder();
      b.traceId(TraceId.of(in.readLong(), in.readLong()));
      b.spanId(SpanId.of(in.readLong()));
      b.parentSpanId(SpanId.of(in.readLong()));
      b.traceState(in.readString());
      b.flags(in.readVarInt());
      b.name(in.readString());
      b.kind(kind(in));
      b.startUnixNano(in.readLong());
      b.endUnixNano(in.readLong());
      b.statusCode(status(in));
      b.statusMessage(in.readString());
      b.attributes(readAttributes(in));
      b.droppedAttributesCount(in.readVarInt());
      int nEvents = in.readCount(11);
      List<SpanEvent> events = new ArrayList<>(nEvents);
      for (int e = 0; e < nEvents; e++) {
        long t = in.readLong();
        String name = in.readString();
        Attributes attrs = readAttributes(in);
        events.add(new SpanEvent(t, name, attrs, in.readVarInt()));
      }
      b.events(events);
      b.droppedEventsCount(in.readVarInt());
      int nLinks = in.readCount(28);
      List<SpanLink> links = new ArrayList<>(nLinks);
      for (int l = 0; l < nLinks; l++) {
        TraceId tid = TraceId.of(in.readLong(), in.readLong());
        SpanId sid = SpanId.of(in.readLong());
        String ts = in.readString();
        Attributes attrs = readAttributes(in);
        links.add(new SpanLink(tid, sid, ts, attrs, in.readVarInt(), in.readVarInt()));
      }
      b.links(links);
      b.droppedLinksCount(in.readVarInt());
      b.resource(index(resources, in.readVarInt(), "resource", in));
      b.scope(index(scopes, in.readVarInt(), "scope", in));
      spans.add(b.build());
    }
    if (in.remaining() != 0) {
      throw new DecodeException(in.remaining() + " trailing bytes after span batch at offset " + in.position());
    }
    return spans;
  }

  private static <T> T index(T[] table, int i, String what, ByteSource in) {
    if (i < 0 || i >= table.length) {
      throw new DecodeException(what + " index " + i + " out of range at offset " + in.position());
    }
    return table[i];
  }

  private static SpanKind kind(ByteSource in) {
    int c = in.readByte();
    if (c > 5) {
      throw new DecodeException("bad span kind " + c + " at offset " + (in.position() - 1));
    }
    return SpanKind.fromCode(c);
  }

  private static StatusCode status(ByteSource in) {
    int c = in.readByte();
    if (c > 2) {
      throw new DecodeException("bad status code " + c + " at offset " + (in.position() - 1));
    }
    return StatusCode.fromCode(c);
  }

  static void writeAttributes(Attributes attrs, ByteSink out) {
    int n = attrs.size();
    out.writeVarInt(n);
    for (int i = 0; i < n; i++) {
      out.writeString(attrs.key(i));
      writeValue(attrs.value(i), out);
    }
  }

  static Attributes readAttributes(ByteSource in) {
    int n = in.readCount(2);
    if (n == 0) {
      return Attributes.EMPTY;
    }
    List<Attribute> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String key = in.readString();
      list.add(new Attribute(key, readValue(in, 0)));
    }
    try {
      return Attributes.of(list);
    } catch (IllegalArgumentException e) {
      throw new DecodeException(e.getMessage() + " before offset " + in.position());
    }
  }

  /** Appends one value's encoding. */
  public static void writeValue(AttributeValue v, ByteSink out) {
    out.writeByte(v.type().code());
    switch (v.type()) {
      case STRING -> out.writeString(((AttributeValue.StringValue) v).value());
      case LONG -> out.writeZigZag(((AttributeValue.LongValue) v).value());
      case DOUBLE -> out.writeLong(Double.doubleToRawLongBits(((AttributeValue.DoubleValue) v).value()));
      case BOOLEAN -> out.writeByte(((AttributeValue.BooleanValue) v).value() ? 1 : 0);
      case BYTES -> out.writeLengthPrefixed(((AttributeValue.BytesValue) v).value());
      case ARRAY -> {
        List<AttributeValue> values = ((AttributeValue.ArrayValue) v).values();
        out.writeVarInt(values.size());
        for (AttributeValue e : values) {
          writeValue(e, out);
        }
      }
      case KVLIST -> {
        List<Attribute> values = ((AttributeValue.KeyValueListValue) v).values();
        out.writeVarInt(values.size());
        for (Attribute e : values) {
          out.writeString(e.key());
          writeValue(e.value(), out);
        }
      }
    }
  }

  /** Encodes one value to a fresh array. */
  public static byte[] encodeValue(AttributeValue v) {
    ByteSink sink = new ByteSink(32);
    writeValue(v, sink);
    return sink.toByteArray();
  }

  /** Decodes what {@link #encodeValue} wrote. */
  public static AttributeValue decodeValue(byte[] data) {
    ByteSource in = new ByteSource(data, 0, data.length);
    AttributeValue v = readValue(in, 0);
    if (in.remaining() != 0) {
      throw new DecodeException(in.remaining() + " trailing bytes after attribute value");
    }
    return v;
  }

  static AttributeValue readValue(ByteSource in, int depth) {
    if (depth > MAX_VALUE_DEPTH) {
      throw new DecodeException("attribute value nested deeper than " + MAX_VALUE_DEPTH + " at offset " + in.position());
    }
    int at = in.position();
    int type = in.readByte();
    return switch (type) {
      case 0 -> AttributeValue.of(in.readString());
      case 1 -> AttributeValue.of(in.readZigZag());
      case 2 -> AttributeValue.of(Double.longBitsToDouble(in.readLong()));
      case 3 -> AttributeValue.of(in.readByte() != 0);
      case 4 -> AttributeValue.of(in.readLengthPrefixed());
      case 5 -> {
        int n = in.readCount(2);
        List<AttributeValue> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          values.add(readValue(in, depth + 1));
        }
        yield AttributeValue.ofArray(values);
      }
      case 6 -> {
        int n = in.readCount(3);
        List<Attribute> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          String key = in.readString();
          values.add(new Attribute(key, readValue(in, depth + 1)));
        }
        yield AttributeValue.ofKeyValues(values);
      }
      default -> throw new DecodeException("unknown attribute type " + type + " at offset " + at);
    };
  }
}
