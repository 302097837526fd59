package io.tracestore.core.block;

import static io.tracestore.core.block.BlockSchema.*;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.InstrumentationScope;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanLink;
import io.tracestore.core.codec.SpanCodec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/** Writes {@link SpanRow}s as rows of the block schema. One instance per file; not thread-safe. */
final class SpanWriteSupport extends WriteSupport<SpanRow> {
  private final MessageType schema;
  private final DedicatedColumn[] dedicatedResource;
  private final DedicatedColumn[] dedicatedSpan;
  private final int firstDedicatedResource;
  private final int firstDedicatedSpan;
  private final Map<String, String> extraMetadata;
  private RecordConsumer out;
  private final byte[] id16 = new byte[16];
  private final byte[] id8 = new byte[8];

  SpanWriteSupport(List<DedicatedColumn> dedicatedResource, List<DedicatedColumn> dedicatedSpan, Map<String, String> extraMetadata) {
    this.schema = BlockSchema.schema(dedicatedResource, dedicatedSpan);
    this.dedicatedResource = dedicatedResource.toArray(new DedicatedColumn[0]);
    this.dedicatedSpan = dedicatedSpan.toArray(new DedicatedColumn[0]);
    this.firstDedicatedResource = schema.getFieldIndex(SERVICE_NAME) + 1;
    this.firstDedicatedSpan = schema.getFieldIndex(SCOPE_ATTRS) + 1;
    this.extraMetadata = extraMetadata;
  }

  MessageType schema() {
    return schema;
  }

  @Override
  public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
    return new WriteContext(schema, extraMetadata);
  }

  @Override
  public WriteContext init(ParquetConfiguration configuration) {
    return new WriteContext(schema, extraMetadata);
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.out = recordConsumer;
  }

  @Override
  public void write(SpanRow row) {
    Span s = row.span();
    RecordConsumer o = out;
    o.startMessage();
    int f = 0;
    s.traceId().writeTo(id16, 0);
    fixed(f++, TRACE_ID, id16);
    s.spanId().writeTo(id8, 0);
    fixed(f++, SPAN_ID, id8);
    if (s.isRoot()) {
      f++;
    } else {
      s.parentSpanId().writeTo(id8, 0);
      fixed(f++, PARENT_SPAN_ID, id8);
    }
    string(f++, NAME, s.name());
    integer(f++, KIND, s.kind().code());
    int64(f++, START, s.startUnixNano());
    int64(f++, DURATION, s.durationNanos());
    integer(f++, STATUS_CODE, s.statusCode().code());
    optString(f++, STATUS_MESSAGE, s.statusMessage());
    optString(f++, TRACE_STATE, s.traceState());
    integer(f++, FLAGS, s.flags());
    integer(f++, NESTED_SET_LEFT, row.nestedSetLeft());
    integer(f++, NESTED_SET_RIGHT, row.nestedSetRight());
    integer(f++, PARENT_INDEX, row.parentIndex());
    string(f++, TRACE_ROOT_SERVICE, row.trace().rootService());
    string(f++, TRACE_ROOT_NAME, row.trace().rootName());
    int64(f++, TRACE_START, row.trace().startUnixNano());
    int64(f++, TRACE_DURATION, row.trace().durationNanos());

    Resource r = s.resource();
    Attributes ra = r.attributes();
    nullableString(f++, SERVICE_NAME, ra.getString(Resource.SERVICE_NAME));
    for (int d = 0; d < dedicatedResource.length; d++) {
      dedicated(firstDedicatedResource + d, RESOURCE_PREFIX, dedicatedResource[d], ra);
    }
    f = firstDedicatedResource + dedicatedResource.length;
    optString(f++, RESOURCE_SCHEMA_URL, r.schemaUrl());
    integer(f++, RESOURCE_DROPPED, r.droppedAttributesCount());
    attrList(f++, RESOURCE_ATTRS, ra, dedicatedResource, true);

    InstrumentationScope sc = s.scope();
    optString(f++, SCOPE_NAME, sc.name());
    optString(f++, SCOPE_VERSION, sc.version());
    optString(f++, SCOPE_SCHEMA_URL, sc.schemaUrl());
    integer(f++, SCOPE_DROPPED, sc.droppedAttributesCount());
    attrList(f++, SCOPE_ATTRS, sc.attributes(), null, false);

    Attributes sa = s.attributes();
    for (int d = 0; d < dedicatedSpan.length; d++) {
      dedicated(firstDedicatedSpan + d, SPAN_PREFIX, dedicatedSpan[d], sa);
    }
    f = firstDedicatedSpan + dedicatedSpan.length;
    attrList(f++, SPAN_ATTRS, sa, dedicatedSpan, false);
    integer(f++, DROPPED_ATTRIBUTES, s.droppedAttributesCount());

    if (!s.events().isEmpty()) {
      o.startField(EVENTS, f);
      o.startGroup();
      o.startField("list", 0);
      for (SpanEvent e : s.events()) {
        o.startGroup();
        o.startField("element", 0);
        o.startGroup();
        int g = 0;
        int64(g++, TIME, e.timeUnixNano());
        string(g++, NAME, e.name());
        attrList(g++, ATTRS, e.attributes(), null, false);
        integer(g, DROPPED_ATTRIBUTES, e.droppedAttributesCount());
        o.endGroup();
        o.endField("element", 0);
        o.endGroup();
      }
      o.endField("list", 0);
      o.endGroup();
      o.endField(EVENTS, f);
    }
    f++;
    integer(f++, DROPPED_EVENTS, s.droppedEventsCount());

    if (!s.links().isEmpty()) {
      o.startField(LINKS, f);
      o.startGroup();
      o.startField("list", 0);
      for (SpanLink l : s.links()) {
        o.startGroup();
        o.startField("element", 0);
        o.startGroup();
        int g = 0;
        l.traceId().writeTo(id16, 0);
        fixed(g++, TRACE_ID, id16);
        l.spanId().writeTo(id8, 0);
        fixed(g++, SPAN_ID, id8);
        optString(g++, TRACE_STATE, l.traceState());
        integer(g++, FLAGS, l.flags());
        attrList(g++, ATTRS, l.attributes(), null, false);
        integer(g, DROPPED_ATTRIBUTES, l.droppedAttributesCount());
        o.endGroup();
        o.endField("element", 0);
        o.endGroup();
      }
      o.endField("list", 0);
      o.endGroup();
      o.endField(LINKS, f);
    }
    f++;
    integer(f, DROPPED_LINKS, s.droppedLinksCount());
    o.endMessage();
  }

  /** Writes the value of a dedicated column's key if it has the column's type; else leaves it null. */
  private void dedicated(int index, String prefix, DedicatedColumn c, Attributes attrs) {
    AttributeValue v = attrs.get(c.key()).orElse(null);
    if (v == null || !c.holds(v)) {
      return;
    }
    String field = prefix + c.key();
    switch (c.type()) {
      case STRING -> string(index, field, ((AttributeValue.StringValue) v).value());
      case LONG -> int64(index, field, ((AttributeValue.LongValue) v).value());
      case DOUBLE -> {
        out.startField(field, index);
        out.addDouble(((AttributeValue.DoubleValue) v).value());
        out.endField(field, index);
      }
      case BOOLEAN -> {
        out.startField(field, index);
        out.addBoolean(((AttributeValue.BooleanValue) v).value());
        out.endField(field, index);
      }
      default -> throw new IllegalStateException("dedicated column of type " + c.type());
    }
  }

  /**
   * Writes the attributes not held in dedicated columns. A key is held in a dedicated column (and
   * skipped here) only when its value has the column's type; {@code service.name} likewise, as a
   * string, for resources.
   */
  private void attrList(int index, String field, Attributes attrs, DedicatedColumn[] dedicated, boolean isResource) {
    int n = attrs.size();
    boolean any = false;
    for (int i = 0; i < n; i++) {
      String key = attrs.key(i);
      AttributeValue v = attrs.value(i);
      if (isDedicated(key, v, dedicated, isResource)) {
        continue;
      }
      if (!any) {
        out.startField(field, index);
        out.startGroup();
        out.startField("list", 0);
        any = true;
      }
      out.startGroup();
      out.startField("element", 0);
      out.startGroup();
      string(0, KEY, key);
      integer(1, TYPE, v.type().code());
      switch (v.type()) {
        case STRING -> string(2, STR, ((AttributeValue.StringValue) v).value());
        case LONG -> int64(3, INT, ((AttributeValue.LongValue) v).value());
        case DOUBLE -> {
          out.startField(DBL, 4);
          out.addDouble(((AttributeValue.DoubleValue) v).value());
          out.endField(DBL, 4);
        }
        case BOOLEAN -> {
          out.startField(BOOL, 5);
          out.addBoolean(((AttributeValue.BooleanValue) v).value());
          out.endField(BOOL, 5);
        }
        case BYTES -> raw(((AttributeValue.BytesValue) v).value());
        case ARRAY, KVLIST -> raw(SpanCodec.encodeValue(v));
      }
      out.endGroup();
      out.endField("element", 0);
      out.endGroup();
    }
    if (any) {
      out.endField("list", 0);
      out.endGroup();
      out.endField(field, index);
    }
  }

  private static boolean isDedicated(String key, AttributeValue v, DedicatedColumn[] dedicated, boolean isResource) {
    if (isResource && key.equals(Resource.SERVICE_NAME)) {
      return v instanceof AttributeValue.StringValue;
    }
    if (dedicated != null) {
      for (DedicatedColumn d : dedicated) {
        if (d.key().equals(key)) {
          return d.holds(v);
        }
      }
    }
    return false;
  }

  private void raw(byte[] bytes) {
    out.startField(RAW, 6);
    out.addBinary(Binary.fromConstantByteArray(bytes));
    out.endField(RAW, 6);
  }

  private final Map<String, Binary> binaryCache = new HashMap<>();

  private Binary utf8(String s) {
    if (s.length() > 64) {
      return Binary.fromString(s);
    }
    Binary b = binaryCache.get(s);
    if (b == null) {
      if (binaryCache.size() > 100_000) {
        binaryCache.clear();
      }
      b = Binary.fromConstantByteArray(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      binaryCache.put(s, b);
    }
    return b;
  }

  private void string(int index, String field, String value) {
    out.startField(field, index);
    out.addBinary(utf8(value));
    out.endField(field, index);
  }

  private void optString(int index, String field, String value) {
    if (value != null && !value.isEmpty()) {
      string(index, field, value);
    }
  }

  /** Writes a string, including the empty string; null means absent. */
  private void nullableString(int index, String field, String value) {
    if (value != null) {
      string(index, field, value);
    }
  }

  private void fixed(int index, String field, byte[] value) {
    out.startField(field, index);
    out.addBinary(Binary.fromReusedByteArray(value));
    out.endField(field, index);
  }

  private void integer(int index, String field, int value) {
    out.startField(field, index);
    out.addInteger(value);
    out.endField(field, index);
  }

  private void int64(int index, String field, long value) {
    out.startField(field, index);
    out.addLong(value);
    out.endField(field, index);
  }
}
