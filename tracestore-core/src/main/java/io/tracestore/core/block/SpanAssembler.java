package io.tracestore.core.block;

import static io.tracestore.core.block.BlockSchema.*;

import io.tracestore.api.Attribute;
import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.CorruptDataException;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;

/**
 * Builds whole {@link Span}s from the decoded columns of a {@link RowGroupSlice} (or any vectors
 * of every leaf column over the same rows): the same spans
 * parquet-java would assemble from Parquet records (dedicated columns, the service name among
 * them, merged back into their attribute sets in key order), without parquet-java's record
 * machinery. Equal resources and scopes are shared, and so are the string values of one
 * dictionary entry: a row whose resource (or scope) columns hold the same ids and numbers as an
 * earlier row's gets that row's resource without building one (a compaction reads every span of its
 * inputs this way). One instance per row group read; not thread-safe.
 */
final class SpanAssembler {
  private final java.util.function.Function<String, ColumnVector> columns;
  private final ColumnVector traceId;
  private final ColumnVector spanId;
  private final ColumnVector parent;
  private final ColumnVector name;
  private final ColumnVector kind;
  private final ColumnVector start;
  private final ColumnVector duration;
  private final ColumnVector status;
  private final ColumnVector statusMessage;
  private final ColumnVector traceState;
  private final ColumnVector flags;
  private final ColumnVector service;
  private final List<Dedicated> resourceDedicated = new ArrayList<>();
  private final List<Dedicated> spanDedicated = new ArrayList<>();
  private final ColumnVector resourceSchemaUrl;
  private final ColumnVector resourceDropped;
  private final AttrList resourceAttrs;
  private final ColumnVector scopeName;
  private final ColumnVector scopeVersion;
  private final ColumnVector scopeSchemaUrl;
  private final ColumnVector scopeDropped;
  private final AttrList scopeAttrs;
  private final AttrList spanAttrs;
  private final ColumnVector dropped;
  private final ColumnVector eventTime;
  private final ColumnVector eventName;
  private final ColumnVector eventDropped;
  private final AttrList eventAttrs;
  private final ColumnVector droppedEvents;
  private final ColumnVector linkTraceId;
  private final ColumnVector linkSpanId;
  private final ColumnVector linkTraceState;
  private final ColumnVector linkFlags;
  private final ColumnVector linkDropped;
  private final AttrList linkAttrs;
  private final ColumnVector droppedLinks;
  private final Map<Resource, Resource> resources = new HashMap<>();
  private final Map<InstrumentationScope, InstrumentationScope> scopes = new HashMap<>();
  private final RowMemo resourceRows;
  private final RowMemo scopeRows;

  /** Leaf columns spans are not built from: trace-level values and the trace tree, worked out again on write. */
  private static final java.util.Set<String> NOT_READ = java.util.Set.of(NESTED_SET_LEFT, NESTED_SET_RIGHT, PARENT_INDEX,
      TRACE_ROOT_SERVICE, TRACE_ROOT_NAME, TRACE_START, TRACE_DURATION);

  /** Whether spans are built from leaf column {@code path} (dotted): the columns a read must decode. */
  static boolean reads(String path) {
    return !NOT_READ.contains(path);
  }

  /** A dedicated attribute column; its string values are made once per dictionary entry. */
  private static final class Dedicated {
    final String key;
    final ColumnVector column;
    private final StringValues strings;

    Dedicated(String key, ColumnVector column) {
      this.key = key;
      this.column = column;
      this.strings = column.kind() == ColumnVector.Kind.STRING ? new StringValues(column) : null;
    }

    /** The attribute of slot {@code r}, which must be set. */
    Attribute attribute(int r) {
      ColumnVector v = column;
      return switch (v.kind()) {
        case STRING -> new Attribute(key, strings.get(r));
        case LONG -> Attribute.of(key, v.longs()[r]);
        case DOUBLE -> Attribute.of(key, v.doubles()[r]);
        case INT -> Attribute.of(key, v.ints()[r] != 0);
        default -> throw new CorruptDataException("dedicated column " + key + " of kind " + v.kind());
      };
    }
  }

  /** Spans from {@code columns} (dotted leaf path to vector) of a block with leaf columns {@code schemaColumns}. */
  SpanAssembler(java.util.function.Function<String, ColumnVector> columns, List<ColumnDescriptor> schemaColumns) {
    this.columns = columns;
    for (ColumnDescriptor c : schemaColumns) {
      String[] path = c.getPath();
      if (path.length == 1 && path[0].startsWith(RESOURCE_PREFIX)) {
        resourceDedicated.add(new Dedicated(path[0].substring(RESOURCE_PREFIX.length()), required(path[0])));
      } else if (path.length == 1 && path[0].startsWith(SPAN_PREFIX)) {
        spanDedicated.add(new Dedicated(path[0].substring(SPAN_PREFIX.length()), required(path[0])));
      }
    }
    service = required(SERVICE_NAME);
    // in key order, the service name among them, so that each merges into its sorted attribute list
    resourceDedicated.add(new Dedicated(Resource.SERVICE_NAME, service));
    java.util.Comparator<Dedicated> byKey = java.util.Comparator.comparing(d -> d.key);
    resourceDedicated.sort(byKey);
    spanDedicated.sort(byKey);
    traceId = columns.apply(TRACE_ID); // null: every span's trace id is given to span(row, id)
    spanId = required(SPAN_ID);
    parent = required(PARENT_SPAN_ID);
    name = required(NAME);
    kind = required(KIND);
    start = required(START);
    duration = required(DURATION);
    status = required(STATUS_CODE);
    statusMessage = required(STATUS_MESSAGE);
    traceState = required(TRACE_STATE);
    flags = required(FLAGS);
    resourceSchemaUrl = required(RESOURCE_SCHEMA_URL);
    resourceDropped = required(RESOURCE_DROPPED);
    resourceAttrs = attrList(RESOURCE_ATTRS + ".list.element.");
    scopeName = required(SCOPE_NAME);
    scopeVersion = required(SCOPE_VERSION);
    scopeSchemaUrl = required(SCOPE_SCHEMA_URL);
    scopeDropped = required(SCOPE_DROPPED);
    scopeAttrs = attrList(SCOPE_ATTRS + ".list.element.");
    spanAttrs = attrList(SPAN_ATTRS + ".list.element.");
    dropped = required(DROPPED_ATTRIBUTES);
    String event = EVENTS + ".list.element.";
    eventTime = required(event + TIME);
    eventName = required(event + NAME);
    eventDropped = required(event + DROPPED_ATTRIBUTES);
    eventAttrs = attrList(event + ATTRS + ".list.element.");
    droppedEvents = required(DROPPED_EVENTS);
    String link = LINKS + ".list.element.";
    linkTraceId = required(link + TRACE_ID);
    linkSpanId = required(link + SPAN_ID);
    linkTraceState = required(link + TRACE_STATE);
    linkFlags = required(link + FLAGS);
    linkDropped = required(link + DROPPED_ATTRIBUTES);
    linkAttrs = attrList(link + ATTRS + ".list.element.");
    droppedLinks = required(DROPPED_LINKS);
    List<ColumnVector> resourceColumns = new ArrayList<>(List.of(resourceDropped, resourceSchemaUrl));
    resourceDedicated.forEach(d -> resourceColumns.add(d.column));
    resourceRows = new RowMemo(resourceColumns.toArray(new ColumnVector[0]), resourceAttrs.list);
    scopeRows = new RowMemo(new ColumnVector[] {scopeName, scopeVersion, scopeSchemaUrl, scopeDropped}, scopeAttrs.list);
  }

  private ColumnVector required(String path) {
    ColumnVector c = columns.apply(path);
    if (c == null) {
      throw new CorruptDataException("a block without column " + path);
    }
    return c;
  }

  private AttrList attrList(String prefix) {
    return new AttrList(AttributeListVectors.read(prefix, this::required));
  }

  /**
   * The span in row {@code row} of the vectors, of trace {@code traceId} if not null (else as the
   * trace id column says).
   *
   * @throws CorruptDataException if the id is null and the vectors have no trace id column
   */
  Span span(int row, TraceId traceId) {
    long resourceHash = resourceRows.hash(row);
    Resource resource = (Resource) resourceRows.get(row, resourceHash);
    if (resource == null) {
      List<Attribute> resourceExtra = new ArrayList<>(resourceDedicated.size());
      addDedicated(resourceDedicated, row, resourceExtra);
      resource = new Resource(resourceAttrs.attributes(row, resourceExtra), resourceDropped.ints()[row],
          string(resourceSchemaUrl, row, ""));
      resource = resources.computeIfAbsent(resource, r -> r);
      resourceRows.put(row, resourceHash, resource);
    }
    long scopeHash = scopeRows.hash(row);
    InstrumentationScope scope = (InstrumentationScope) scopeRows.get(row, scopeHash);
    if (scope == null) {
      scope = new InstrumentationScope(string(scopeName, row, ""), string(scopeVersion, row, ""),
          scopeAttrs.attributes(row, List.of()), scopeDropped.ints()[row], string(scopeSchemaUrl, row, ""));
      scope = scopes.computeIfAbsent(scope, s -> s);
      scopeRows.put(row, scopeHash, scope);
    }
    List<Attribute> spanExtra = new ArrayList<>(spanDedicated.size());
    addDedicated(spanDedicated, row, spanExtra);
    long startNanos = start.longs()[row];
    if (traceId == null) {
      if (this.traceId == null) {
        throw new CorruptDataException("a block without column " + TRACE_ID);
      }
      traceId = TraceId.of(this.traceId.longs()[2 * row], this.traceId.longs()[2 * row + 1]);
    }
    return new Span(
        traceId,
        SpanId.of(spanId.longs()[row]),
        parent.isSet(row) ? SpanId.of(parent.longs()[row]) : SpanId.NONE,
        string(traceState, row, ""), flags.ints()[row], string(name, row, ""),
        SpanKind.fromCode(kind.ints()[row]), startNanos, startNanos + duration.longs()[row],
        StatusCode.fromCode(status.ints()[row]), string(statusMessage, row, ""),
        spanAttrs.attributes(row, spanExtra), dropped.ints()[row],
        events(row), droppedEvents.ints()[row], links(row), droppedLinks.ints()[row], resource, scope);
  }

  private List<SpanEvent> events(int row) {
    int[] starts = eventTime.rowStarts();
    List<SpanEvent> out = null;
    for (int s = starts[row], e = 0; s < starts[row + 1]; s++, e++) {
      if (!eventTime.isSet(s)) {
        continue; // the marker slot of an empty or missing list
      }
      if (out == null) {
        out = new ArrayList<>(starts[row + 1] - starts[row]);
      }
      out.add(new SpanEvent(eventTime.longs()[s], string(eventName, s, ""), eventAttrs.nested(row, e), eventDropped.ints()[s]));
    }
    return out == null ? List.of() : List.copyOf(out);
  }

  private List<SpanLink> links(int row) {
    int[] starts = linkTraceId.rowStarts();
    List<SpanLink> out = null;
    for (int s = starts[row], e = 0; s < starts[row + 1]; s++, e++) {
      if (!linkTraceId.isSet(s)) {
        continue;
      }
      if (out == null) {
        out = new ArrayList<>(starts[row + 1] - starts[row]);
      }
      out.add(new SpanLink(TraceId.of(linkTraceId.longs()[2 * s], linkTraceId.longs()[2 * s + 1]), SpanId.of(linkSpanId.longs()[s]),
          string(linkTraceState, s, ""), linkAttrs.nested(row, e), linkDropped.ints()[s], linkFlags.ints()[s]));
    }
    return out == null ? List.of() : List.copyOf(out);
  }

  private static String string(ColumnVector v, int slot, String missing) {
    return v.isSet(slot) ? v.dictionary()[v.ids()[slot]] : missing;
  }

  /** Adds the set dedicated values of row {@code r} to {@code out}, in the (key) order of {@code columns}. */
  private static void addDedicated(List<Dedicated> columns, int r, List<Attribute> out) {
    for (Dedicated d : columns) {
      if (d.column.isSet(r)) {
        out.add(d.attribute(r));
      }
    }
  }

  /** The string values of a string vector, each made once per dictionary entry. */
  private static final class StringValues {
    private final ColumnVector vector;
    private final AttributeValue[] made;

    StringValues(ColumnVector vector) {
      this.vector = vector;
      this.made = new AttributeValue[vector.dictionary() == null ? 0 : vector.dictionary().length];
    }

    /** The value of slot {@code slot}, which must be set. */
    AttributeValue get(int slot) {
      int id = vector.ids()[slot];
      AttributeValue v = made[id];
      if (v == null) {
        v = AttributeValue.of(vector.dictionary()[id]);
        made[id] = v;
      }
      return v;
    }
  }

  /** A generic attribute list: at the top level (one list per row) or inside events or links. */
  private static final class AttrList {
    private final AttributeListVectors list;
    private final StringValues strings;

    AttrList(AttributeListVectors list) {
      this.list = list;
      this.strings = new StringValues(list.str());
    }

    /** The value of element {@code s}; string values are shared per dictionary entry. */
    private AttributeValue value(int s) {
      if (list.types().ints()[s] == AttributeValue.Type.STRING.code() && list.str().isSet(s)) {
        return strings.get(s);
      }
      return list.value(s);
    }

    /** The attributes of a top-level list in row {@code row}, then {@code extra}. */
    Attributes attributes(int row, List<Attribute> extra) {
      int[] starts = list.keys().rowStarts();
      return collect(starts[row], starts[row + 1], extra);
    }

    /** The attributes of element {@code element} (an event or link) of row {@code row}. */
    Attributes nested(int row, int element) {
      ColumnVector keys = list.keys();
      int[] starts = keys.rowStarts();
      int s = starts[row];
      int end = starts[row + 1];
      // a slot with repetition level <= 1 starts the next element of the outer list
      for (int seen = 0; seen < element; ) {
        s++;
        if (s >= end) {
          throw new CorruptDataException("an attribute list with fewer elements than its parent list");
        }
        if (keys.repetition(s) <= 1) {
          seen++;
        }
      }
      int e = s + 1;
      while (e < end && keys.repetition(e) == 2) {
        e++;
      }
      return collect(s, e, List.of());
    }

    /**
     * The elements in slots {@code [from, to)} and {@code extra} (in key order), merged: a block
     * stores each list in key order, so the result is usually sorted as it is built.
     */
    private Attributes collect(int from, int to, List<Attribute> extra) {
      ColumnVector keys = list.keys();
      List<Attribute> items = null;
      int x = 0;
      for (int s = from; s < to; s++) {
        if (!keys.isSet(s)) {
          continue;
        }
        if (items == null) {
          items = new ArrayList<>(to - from + extra.size());
        }
        String key = list.key(s);
        while (x < extra.size() && extra.get(x).key().compareTo(key) < 0) {
          items.add(extra.get(x++));
        }
        items.add(new Attribute(key, value(s)));
      }
      if (items == null) {
        return extra.isEmpty() ? Attributes.EMPTY : Attributes.of(extra);
      }
      for (; x < extra.size(); x++) {
        items.add(extra.get(x));
      }
      return Attributes.of(items);
    }
  }

  /**
   * The objects made for earlier rows of this row group, found again for a row whose columns hold
   * the same values: equal dictionary ids, numbers and bytes in every single-valued column, and the
   * same elements in the attribute list. Equal ids mean equal strings within one row group, so a
   * row found here would build an object equal to the one kept. Direct-mapped by a hash of the
   * row's values; a colliding row replaces the one kept.
   */
  private static final class RowMemo {
    private static final int SLOTS = 256;
    private final ColumnVector[] columns;
    private final AttributeListVectors list;
    private final ColumnVector[] listColumns;
    private final long[] hashes = new long[SLOTS];
    private final int[] rows = new int[SLOTS];
    private final Object[] made = new Object[SLOTS];

    RowMemo(ColumnVector[] columns, AttributeListVectors list) {
      this.columns = columns;
      this.list = list;
      this.listColumns = new ColumnVector[] {list.keys(), list.types(), list.str(), list.integer(), list.dbl(), list.bool(), list.raw()};
    }

    long hash(int row) {
      long h = 1;
      for (ColumnVector c : columns) {
        h = h * 31 + bits(c, row);
      }
      int[] starts = list.keys().rowStarts();
      for (int s = starts[row]; s < starts[row + 1]; s++) {
        for (ColumnVector c : listColumns) {
          h = h * 31 + bits(c, s);
        }
      }
      return h;
    }

    /** The object kept for a row like {@code row} (of hash {@code hash}), or null. */
    Object get(int row, long hash) {
      int slot = slot(hash);
      Object o = made[slot];
      return o != null && hashes[slot] == hash && same(rows[slot], row) ? o : null;
    }

    void put(int row, long hash, Object o) {
      int slot = slot(hash);
      hashes[slot] = hash;
      rows[slot] = row;
      made[slot] = o;
    }

    private static int slot(long hash) {
      return (int) (hash ^ (hash >>> 29) ^ (hash >>> 47)) & (SLOTS - 1);
    }

    private boolean same(int a, int b) {
      for (ColumnVector c : columns) {
        if (!same(c, a, b)) {
          return false;
        }
      }
      int[] starts = list.keys().rowStarts();
      int n = starts[a + 1] - starts[a];
      if (n != starts[b + 1] - starts[b]) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        for (ColumnVector c : listColumns) {
          if (!same(c, starts[a] + i, starts[b] + i)) {
            return false;
          }
        }
      }
      return true;
    }

    private static long bits(ColumnVector c, int i) {
      if (!c.isSet(i)) {
        return 0x9E3779B97F4A7C15L;
      }
      return switch (c.kind()) {
        case STRING -> c.ids()[i];
        case LONG, ID64 -> c.longs()[i];
        case ID128 -> c.longs()[2 * i] * 31 + c.longs()[2 * i + 1];
        case INT -> c.ints()[i];
        case DOUBLE -> Double.doubleToRawLongBits(c.doubles()[i]);
        case BYTES -> java.util.Arrays.hashCode(c.bytes()[i]);
        case LEVELS_ONLY -> 0;
      };
    }

    private static boolean same(ColumnVector c, int a, int b) {
      boolean set = c.isSet(a);
      if (set != c.isSet(b)) {
        return false;
      }
      if (!set) {
        return true;
      }
      return switch (c.kind()) {
        case STRING -> c.ids()[a] == c.ids()[b];
        case LONG, ID64 -> c.longs()[a] == c.longs()[b];
        case ID128 -> c.longs()[2 * a] == c.longs()[2 * b] && c.longs()[2 * a + 1] == c.longs()[2 * b + 1];
        case INT -> c.ints()[a] == c.ints()[b];
        case DOUBLE -> Double.doubleToRawLongBits(c.doubles()[a]) == Double.doubleToRawLongBits(c.doubles()[b]);
        case BYTES -> java.util.Arrays.equals(c.bytes()[a], c.bytes()[b]);
        case LEVELS_ONLY -> true;
      };
    }
  }
}
