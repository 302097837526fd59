package io.tracestore.core.block;

import static io.tracestore.core.block.BlockSchema.*;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.InstrumentationScope;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanLink;
import io.tracestore.api.TraceId;
import io.tracestore.core.codec.SpanCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Shreds {@link SpanRow}s into the leaf columns of the block schema, calling parquet-java's
 * {@link ColumnWriter}s directly with explicit repetition and definition levels. It writes exactly
 * the values and levels that parquet-java's record API ({@code MessageColumnIO}) writes for the
 * same rows, without its per-field bookkeeping: absent optional values and empty attribute lists
 * are nulls, and a list with no element left after the dedicated columns took theirs is null, not
 * empty.
 *
 * <p>Levels of the schema: a top-level required leaf is (r 0, d 0); a top-level optional leaf is
 * d 1 when present. An attribute list ({@code optional group (LIST) { repeated group list { required
 * group element }}}) at depth {@code d0} has its element's required fields at d0 + 2 and optional
 * ones at d0 + 3; its first element repeats at the enclosing level, the next ones at its own.
 *
 * <p>Strings are UTF-8 encoded once per distinct value and block (the same {@link Binary} is passed
 * for every occurrence), and a resource's or scope's attributes are split into dedicated values and
 * the generic list once per instance. One instance per file; not thread-safe.
 */
final class SpanShredder {
  private final MessageType schema;
  private final DedicatedColumn[] dedicatedResource;
  private final DedicatedColumn[] dedicatedSpan;
  /** Index of a dedicated span column by key. */
  private final Map<String, Integer> dedicatedSpanIndex = new HashMap<>();
  private final Map<String, Integer> dedicatedResourceIndex = new HashMap<>();
  private final Map<String, Binary> utf8Cache = new HashMap<>();
  private final Map<Resource, Split> resourceSplits = new IdentityHashMap<>();
  private final Map<InstrumentationScope, ScopeStrings> scopeStrings = new IdentityHashMap<>();
  private SpanRow.TraceSummary lastSummary;
  private Binary lastRootService;
  private Binary lastRootName;
  private final byte[] id8 = new byte[8];
  private final byte[] id16 = new byte[16];
  private TraceId lastTraceId;
  private Binary lastTraceIdBinary;
  // per-span scratch for the split of span attributes
  private final Object[] spanValues;
  private int[] spanRest = new int[16];

  // leaf column writers of the current row group
  private ColumnWriter traceId;
  private ColumnWriter spanId;
  private ColumnWriter parentSpanId;
  private ColumnWriter name;
  private ColumnWriter kind;
  private ColumnWriter start;
  private ColumnWriter duration;
  private ColumnWriter statusCode;
  private ColumnWriter statusMessage;
  private ColumnWriter traceState;
  private ColumnWriter flags;
  private ColumnWriter nestedSetLeft;
  private ColumnWriter nestedSetRight;
  private ColumnWriter parentIndex;
  private ColumnWriter traceRootService;
  private ColumnWriter traceRootName;
  private ColumnWriter traceStart;
  private ColumnWriter traceDuration;
  private ColumnWriter serviceName;
  private ColumnWriter[] dedicatedResourceCols;
  private ColumnWriter resourceSchemaUrl;
  private ColumnWriter resourceDropped;
  private AttrColumns resourceAttrs;
  private ColumnWriter scopeName;
  private ColumnWriter scopeVersion;
  private ColumnWriter scopeSchemaUrl;
  private ColumnWriter scopeDropped;
  private AttrColumns scopeAttrs;
  private ColumnWriter[] dedicatedSpanCols;
  private AttrColumns spanAttrs;
  private ColumnWriter droppedAttributes;
  private ColumnWriter eventTime;
  private ColumnWriter eventName;
  private AttrColumns eventAttrs;
  private ColumnWriter eventDropped;
  private ColumnWriter droppedEvents;
  private ColumnWriter linkTraceId;
  private ColumnWriter linkSpanId;
  private ColumnWriter linkTraceState;
  private ColumnWriter linkFlags;
  private AttrColumns linkAttrs;
  private ColumnWriter linkDropped;
  private ColumnWriter droppedLinks;

  SpanShredder(MessageType schema, List<DedicatedColumn> dedicatedResource, List<DedicatedColumn> dedicatedSpan) {
    this.schema = schema;
    this.dedicatedResource = dedicatedResource.toArray(new DedicatedColumn[0]);
    this.dedicatedSpan = dedicatedSpan.toArray(new DedicatedColumn[0]);
    for (int i = 0; i < this.dedicatedSpan.length; i++) {
      dedicatedSpanIndex.put(this.dedicatedSpan[i].key(), i);
    }
    for (int i = 0; i < this.dedicatedResource.length; i++) {
      dedicatedResourceIndex.put(this.dedicatedResource[i].key(), i);
    }
    this.spanValues = new Object[this.dedicatedSpan.length];
  }

  /** Binds the column writers of a new row group. */
  void startRowGroup(ColumnWriteStore store) {
    traceId = col(store, TRACE_ID);
    spanId = col(store, SPAN_ID);
    parentSpanId = col(store, PARENT_SPAN_ID);
    name = col(store, NAME);
    kind = col(store, KIND);
    start = col(store, START);
    duration = col(store, DURATION);
    statusCode = col(store, STATUS_CODE);
    statusMessage = col(store, STATUS_MESSAGE);
    traceState = col(store, TRACE_STATE);
    flags = col(store, FLAGS);
    nestedSetLeft = col(store, NESTED_SET_LEFT);
    nestedSetRight = col(store, NESTED_SET_RIGHT);
    parentIndex = col(store, PARENT_INDEX);
    traceRootService = col(store, TRACE_ROOT_SERVICE);
    traceRootName = col(store, TRACE_ROOT_NAME);
    traceStart = col(store, TRACE_START);
    traceDuration = col(store, TRACE_DURATION);
    serviceName = col(store, SERVICE_NAME);
    dedicatedResourceCols = new ColumnWriter[dedicatedResource.length];
    for (int i = 0; i < dedicatedResource.length; i++) {
      dedicatedResourceCols[i] = col(store, RESOURCE_PREFIX + dedicatedResource[i].key());
    }
    resourceSchemaUrl = col(store, RESOURCE_SCHEMA_URL);
    resourceDropped = col(store, RESOURCE_DROPPED);
    resourceAttrs = new AttrColumns(store, 0, RESOURCE_ATTRS);
    scopeName = col(store, SCOPE_NAME);
    scopeVersion = col(store, SCOPE_VERSION);
    scopeSchemaUrl = col(store, SCOPE_SCHEMA_URL);
    scopeDropped = col(store, SCOPE_DROPPED);
    scopeAttrs = new AttrColumns(store, 0, SCOPE_ATTRS);
    dedicatedSpanCols = new ColumnWriter[dedicatedSpan.length];
    for (int i = 0; i < dedicatedSpan.length; i++) {
      dedicatedSpanCols[i] = col(store, SPAN_PREFIX + dedicatedSpan[i].key());
    }
    spanAttrs = new AttrColumns(store, 0, SPAN_ATTRS);
    droppedAttributes = col(store, DROPPED_ATTRIBUTES);
    eventTime = col(store, EVENTS, "list", "element", TIME);
    eventName = col(store, EVENTS, "list", "element", NAME);
    eventAttrs = new AttrColumns(store, 2, EVENTS, "list", "element", ATTRS);
    eventDropped = col(store, EVENTS, "list", "element", DROPPED_ATTRIBUTES);
    droppedEvents = col(store, DROPPED_EVENTS);
    linkTraceId = col(store, LINKS, "list", "element", TRACE_ID);
    linkSpanId = col(store, LINKS, "list", "element", SPAN_ID);
    linkTraceState = col(store, LINKS, "list", "element", TRACE_STATE);
    linkFlags = col(store, LINKS, "list", "element", FLAGS);
    linkAttrs = new AttrColumns(store, 2, LINKS, "list", "element", ATTRS);
    linkDropped = col(store, LINKS, "list", "element", DROPPED_ATTRIBUTES);
    droppedLinks = col(store, DROPPED_LINKS);
  }

  private ColumnWriter col(ColumnWriteStore store, String... path) {
    return store.getColumnWriter(schema.getColumnDescription(path));
  }

  /** Writes one row's values; the caller ends the record. */
  void write(SpanRow row) {
    Span s = row.span();
    traceId.write(traceIdBinary(s.traceId()), 0, 0);
    s.spanId().writeTo(id8, 0);
    spanId.write(Binary.fromReusedByteArray(id8), 0, 0);
    if (s.isRoot()) {
      parentSpanId.writeNull(0, 0);
    } else {
      s.parentSpanId().writeTo(id8, 0);
      parentSpanId.write(Binary.fromReusedByteArray(id8), 0, 1);
    }
    name.write(utf8(s.name()), 0, 0);
    kind.write(s.kind().code(), 0, 0);
    start.write(s.startUnixNano(), 0, 0);
    duration.write(s.durationNanos(), 0, 0);
    statusCode.write(s.statusCode().code(), 0, 0);
    optString(statusMessage, s.statusMessage());
    optString(traceState, s.traceState());
    flags.write(s.flags(), 0, 0);
    nestedSetLeft.write(row.nestedSetLeft(), 0, 0);
    nestedSetRight.write(row.nestedSetRight(), 0, 0);
    parentIndex.write(row.parentIndex(), 0, 0);
    SpanRow.TraceSummary t = row.trace();
    if (t != lastSummary) {
      lastSummary = t;
      lastRootService = utf8(t.rootService());
      lastRootName = utf8(t.rootName());
    }
    traceRootService.write(lastRootService, 0, 0);
    traceRootName.write(lastRootName, 0, 0);
    traceStart.write(t.startUnixNano(), 0, 0);
    traceDuration.write(t.durationNanos(), 0, 0);

    Resource r = s.resource();
    Split rs = resourceSplits.get(r);
    if (rs == null) {
      rs = splitResource(r);
      resourceSplits.put(r, rs);
    }
    if (rs.serviceName == null) {
      serviceName.writeNull(0, 0);
    } else {
      serviceName.write(rs.serviceName, 0, 0 + 1);
    }
    for (int d = 0; d < dedicatedResourceCols.length; d++) {
      dedicated(dedicatedResourceCols[d], dedicatedResource[d].type(), rs.dedicated[d]);
    }
    optBinary(resourceSchemaUrl, rs.schemaUrl);
    resourceDropped.write(r.droppedAttributesCount(), 0, 0);
    resourceAttrs.write(0, rs.attrs, rs.rest, rs.rest.length);

    InstrumentationScope sc = s.scope();
    ScopeStrings ss = scopeStrings.get(sc);
    if (ss == null) {
      ss = new ScopeStrings(optUtf8(sc.name()), optUtf8(sc.version()), optUtf8(sc.schemaUrl()), allIndexes(sc.attributes()));
      scopeStrings.put(sc, ss);
    }
    optBinary(scopeName, ss.name);
    optBinary(scopeVersion, ss.version);
    optBinary(scopeSchemaUrl, ss.schemaUrl);
    scopeDropped.write(sc.droppedAttributesCount(), 0, 0);
    scopeAttrs.write(0, sc.attributes(), ss.attrs, ss.attrs.length);

    Attributes sa = s.attributes();
    int restCount = splitSpan(sa);
    for (int d = 0; d < dedicatedSpanCols.length; d++) {
      dedicated(dedicatedSpanCols[d], dedicatedSpan[d].type(), spanValues[d]);
    }
    spanAttrs.write(0, sa, spanRest, restCount);
    droppedAttributes.write(s.droppedAttributesCount(), 0, 0);

    List<SpanEvent> events = s.events();
    if (events.isEmpty()) {
      eventTime.writeNull(0, 0);
      eventName.writeNull(0, 0);
      eventAttrs.writeNull(0, 0);
      eventDropped.writeNull(0, 0);
    } else {
      for (int i = 0, n = events.size(); i < n; i++) {
        SpanEvent e = events.get(i);
        int rl = i == 0 ? 0 : 1;
        eventTime.write(e.timeUnixNano(), rl, 2);
        eventName.write(utf8(e.name()), rl, 2);
        eventAttrs.writeAll(rl, e.attributes());
        eventDropped.write(e.droppedAttributesCount(), rl, 2);
      }
    }
    droppedEvents.write(s.droppedEventsCount(), 0, 0);

    List<SpanLink> links = s.links();
    if (links.isEmpty()) {
      linkTraceId.writeNull(0, 0);
      linkSpanId.writeNull(0, 0);
      linkTraceState.writeNull(0, 0);
      linkFlags.writeNull(0, 0);
      linkAttrs.writeNull(0, 0);
      linkDropped.writeNull(0, 0);
    } else {
      for (int i = 0, n = links.size(); i < n; i++) {
        SpanLink l = links.get(i);
        int rl = i == 0 ? 0 : 1;
        l.traceId().writeTo(id16, 0);
        linkTraceId.write(Binary.fromReusedByteArray(id16), rl, 2);
        l.spanId().writeTo(id8, 0);
        linkSpanId.write(Binary.fromReusedByteArray(id8), rl, 2);
        String ts = l.traceState();
        if (ts != null && !ts.isEmpty()) {
          linkTraceState.write(utf8(ts), rl, 3);
        } else {
          linkTraceState.writeNull(rl, 2);
        }
        linkFlags.write(l.flags(), rl, 2);
        linkAttrs.writeAll(rl, l.attributes());
        linkDropped.write(l.droppedAttributesCount(), rl, 2);
      }
    }
    droppedLinks.write(s.droppedLinksCount(), 0, 0);
  }

  /** The trace id as a constant binary, shared by the consecutive rows of one trace. */
  private Binary traceIdBinary(TraceId id) {
    if (!id.equals(lastTraceId)) {
      byte[] b = new byte[16];
      id.writeTo(b, 0);
      lastTraceId = id;
      lastTraceIdBinary = Binary.fromConstantByteArray(b);
    }
    return lastTraceIdBinary;
  }

  /** The UTF-8 of a string that is absent when null or empty, else null. */
  private Binary optUtf8(String value) {
    return value != null && !value.isEmpty() ? utf8(value) : null;
  }

  private static void optBinary(ColumnWriter c, Binary value) {
    if (value != null) {
      c.write(value, 0, 1);
    } else {
      c.writeNull(0, 0);
    }
  }

  private void optString(ColumnWriter c, String value) {
    if (value != null && !value.isEmpty()) {
      c.write(utf8(value), 0, 1);
    } else {
      c.writeNull(0, 0);
    }
  }

  /** Writes a dedicated column's value (an {@link AttributeValue} of the column's type) or null. */
  private void dedicated(ColumnWriter c, AttributeValue.Type type, Object v) {
    if (v == null) {
      c.writeNull(0, 0);
      return;
    }
    switch (type) {
      case STRING -> c.write((Binary) v, 0, 1);
      case LONG -> c.write(((AttributeValue.LongValue) v).value(), 0, 1);
      case DOUBLE -> c.write(((AttributeValue.DoubleValue) v).value(), 0, 1);
      case BOOLEAN -> c.write(((AttributeValue.BooleanValue) v).value(), 0, 1);
      default -> throw new IllegalStateException("dedicated column of type " + type);
    }
  }

  /**
   * A resource's or scope's attributes split once per instance: the values of the dedicated columns
   * (a {@link Binary} for a string column, else the {@link AttributeValue}) and the indexes of the
   * attributes left for the generic list.
   */
  private record Split(Binary serviceName, Object[] dedicated, Attributes attrs, int[] rest, Binary schemaUrl) {}

  /** A scope's strings, encoded once per instance, and the indexes of all its attributes. */
  private record ScopeStrings(Binary name, Binary version, Binary schemaUrl, int[] attrs) {}

  private Split splitResource(Resource r) {
    Attributes a = r.attributes();
    Object[] values = new Object[dedicatedResource.length];
    Binary service = null;
    int[] rest = new int[a.size()];
    int n = 0;
    for (int i = 0; i < a.size(); i++) {
      String key = a.key(i);
      AttributeValue v = a.value(i);
      if (key.equals(Resource.SERVICE_NAME) && v instanceof AttributeValue.StringValue sv) {
        service = utf8(sv.value());
        continue;
      }
      Integer d = dedicatedResourceIndex.get(key);
      if (d != null && dedicatedResource[d].holds(v)) {
        values[d] = dedicatedValue(v);
      } else {
        rest[n++] = i;
      }
    }
    return new Split(service, values, a, java.util.Arrays.copyOf(rest, n), optUtf8(r.schemaUrl()));
  }

  private static int[] allIndexes(Attributes a) {
    int[] all = new int[a.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return all;
  }

  /** Fills {@link #spanValues} and {@link #spanRest} for a span's attributes; returns the rest's size. */
  private int splitSpan(Attributes a) {
    java.util.Arrays.fill(spanValues, null);
    int size = a.size();
    if (spanRest.length < size) {
      spanRest = new int[Math.max(size, spanRest.length * 2)];
    }
    int n = 0;
    for (int i = 0; i < size; i++) {
      String key = a.key(i);
      Integer d = dedicatedSpanIndex.get(key);
      AttributeValue v = a.value(i);
      if (d != null && dedicatedSpan[d].holds(v)) {
        spanValues[d] = dedicatedValue(v);
      } else {
        spanRest[n++] = i;
      }
    }
    return n;
  }

  private Object dedicatedValue(AttributeValue v) {
    return v instanceof AttributeValue.StringValue sv ? utf8(sv.value()) : v;
  }

  /**
   * The UTF-8 bytes of {@code s}, encoded once per distinct string and block. A small direct-mapped
   * table of string instances seen lately answers first: it stays in the processor's caches, where
   * a lookup in the block-wide map (hundreds of thousands of strings in a big block) mostly misses.
   */
  Binary utf8(String s) {
    int slot = s.hashCode() & (RECENT - 1);
    if (recentStrings[slot] == s) {
      return recentUtf8[slot];
    }
    Binary b = utf8Cache.get(s);
    if (b == null) {
      b = Binary.fromConstantByteArray(s.getBytes(StandardCharsets.UTF_8));
      if (s.length() <= 256) {
        if (utf8Cache.size() >= 1 << 18) {
          utf8Cache.clear();
        }
        utf8Cache.put(s, b);
      }
    }
    recentStrings[slot] = s;
    recentUtf8[slot] = b;
    return b;
  }

  /** Slots of the direct-mapped table of recent strings (a power of two). */
  private static final int RECENT = 4096;
  private final String[] recentStrings = new String[RECENT];
  private final Binary[] recentUtf8 = new Binary[RECENT];

  /** The seven leaves of one attribute list, at definition depth {@code d0} (0 at the top level). */
  private final class AttrColumns {
    private final ColumnWriter key;
    private final ColumnWriter type;
    private final ColumnWriter str;
    private final ColumnWriter integer;
    private final ColumnWriter dbl;
    private final ColumnWriter bool;
    private final ColumnWriter raw;
    /** Definition level of an element's required fields. */
    private final int dElem;
    /** Repetition level of this list's second and later elements. */
    private final int rNext;

    AttrColumns(ColumnWriteStore store, int d0, String... path) {
      String[] p = java.util.Arrays.copyOf(path, path.length + 3);
      p[path.length] = "list";
      p[path.length + 1] = "element";
      key = leaf(store, p, KEY);
      type = leaf(store, p, TYPE);
      str = leaf(store, p, STR);
      integer = leaf(store, p, INT);
      dbl = leaf(store, p, DBL);
      bool = leaf(store, p, BOOL);
      raw = leaf(store, p, RAW);
      dElem = d0 + 2;
      rNext = d0 == 0 ? 1 : 2;
    }

    private ColumnWriter leaf(ColumnWriteStore store, String[] p, String field) {
      p[p.length - 1] = field;
      return col(store, p);
    }

    /** A null list at repetition level {@code r}, defined up to its parent ({@code d}). */
    void writeNull(int r, int d) {
      key.writeNull(r, d);
      type.writeNull(r, d);
      str.writeNull(r, d);
      integer.writeNull(r, d);
      dbl.writeNull(r, d);
      bool.writeNull(r, d);
      raw.writeNull(r, d);
    }

    private void writeNull(int r) {
      writeNull(r, dElem - 2);
    }

    /** All of {@code attrs} (null when empty), the first element at repetition level {@code r}. */
    void writeAll(int r, Attributes attrs) {
      int n = attrs.size();
      if (n == 0) {
        writeNull(r);
        return;
      }
      for (int i = 0; i < n; i++) {
        element(i == 0 ? r : rNext, attrs.key(i), attrs.value(i));
      }
    }

    /** The attributes of {@code attrs} at {@code indexes[0..n)} (null when n is 0). */
    void write(int r, Attributes attrs, int[] indexes, int n) {
      if (n == 0) {
        writeNull(r);
        return;
      }
      for (int i = 0; i < n; i++) {
        int k = indexes[i];
        element(i == 0 ? r : rNext, attrs.key(k), attrs.value(k));
      }
    }

    private void element(int r, String k, AttributeValue v) {
      int d = dElem;
      key.write(utf8(k), r, d);
      AttributeValue.Type t = v.type();
      type.write(t.code(), r, d);
      if (t == AttributeValue.Type.STRING) {
        str.write(utf8(((AttributeValue.StringValue) v).value()), r, d + 1);
      } else {
        str.writeNull(r, d);
      }
      if (t == AttributeValue.Type.LONG) {
        integer.write(((AttributeValue.LongValue) v).value(), r, d + 1);
      } else {
        integer.writeNull(r, d);
      }
      if (t == AttributeValue.Type.DOUBLE) {
        dbl.write(((AttributeValue.DoubleValue) v).value(), r, d + 1);
      } else {
        dbl.writeNull(r, d);
      }
      if (t == AttributeValue.Type.BOOLEAN) {
        bool.write(((AttributeValue.BooleanValue) v).value(), r, d + 1);
      } else {
        bool.writeNull(r, d);
      }
      if (t == AttributeValue.Type.BYTES) {
        raw.write(Binary.fromConstantByteArray(((AttributeValue.BytesValue) v).value()), r, d + 1);
      } else if (t == AttributeValue.Type.ARRAY || t == AttributeValue.Type.KVLIST) {
        raw.write(Binary.fromConstantByteArray(SpanCodec.encodeValue(v)), r, d + 1);
      } else {
        raw.writeNull(r, d);
      }
    }
  }
}
