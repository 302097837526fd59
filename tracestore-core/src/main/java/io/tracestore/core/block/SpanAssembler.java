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
 * parquet-java would assemble from Parquet records (dedicated columns folded back into their
 * attribute sets after the generic list's entries, service name first), without parquet-java's
 * record machinery. Equal resources and scopes are shared. One instance per read; not thread-safe.
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

  /** Leaf columns spans are not built from: trace-level values and the trace tree, worked out again on write. */
  private static final java.util.Set<String> NOT_READ = java.util.Set.of(NESTED_SET_LEFT, NESTED_SET_RIGHT, PARENT_INDEX,
      TRACE_ROOT_SERVICE, TRACE_ROOT_NAME, TRACE_START, TRACE_DURATION);

  /** Whether spans are built from leaf column {@code path} (dotted): the columns a read must decode. */
  static boolean reads(String path) {
    return !NOT_READ.contains(path);
  }

  /** A dedicated attribute column. */
  private record Dedicated(String key, ColumnVector column) {}

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
    service = required(SERVICE_NAME);
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
    List<Attribute> resourceExtra = new ArrayList<>(1 + resourceDedicated.size());
    String serviceName = string(service, row, null);
    if (serviceName != null) {
      resourceExtra.add(Attribute.of(Resource.SERVICE_NAME, serviceName));
    }
    addDedicated(resourceDedicated, row, resourceExtra);
    Resource resource = new Resource(resourceAttrs.attributes(row, resourceExtra), resourceDropped.ints()[row],
        string(resourceSchemaUrl, row, ""));
    resource = resources.computeIfAbsent(resource, r -> r);
    InstrumentationScope scope = new InstrumentationScope(string(scopeName, row, ""), string(scopeVersion, row, ""),
        scopeAttrs.attributes(row, List.of()), scopeDropped.ints()[row], string(scopeSchemaUrl, row, ""));
    scope = scopes.computeIfAbsent(scope, s -> s);
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

  private static void addDedicated(List<Dedicated> columns, int r, List<Attribute> out) {
    for (Dedicated d : columns) {
      ColumnVector v = d.column;
      if (!v.isSet(r)) {
        continue;
      }
      out.add(switch (v.kind()) {
        case STRING -> Attribute.of(d.key, v.dictionary()[v.ids()[r]]);
        case LONG -> Attribute.of(d.key, v.longs()[r]);
        case DOUBLE -> Attribute.of(d.key, v.doubles()[r]);
        case INT -> Attribute.of(d.key, v.ints()[r] != 0);
        default -> throw new CorruptDataException("dedicated column " + d.key + " of kind " + v.kind());
      });
    }
  }

  /** A generic attribute list: at the top level (one list per row) or inside events or links. */
  private static final class AttrList {
    private final AttributeListVectors list;

    AttrList(AttributeListVectors list) {
      this.list = list;
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

    private Attributes collect(int from, int to, List<Attribute> extra) {
      ColumnVector keys = list.keys();
      List<Attribute> items = null;
      for (int s = from; s < to; s++) {
        if (!keys.isSet(s)) {
          continue;
        }
        if (items == null) {
          items = new ArrayList<>(to - from + extra.size());
        }
        items.add(new Attribute(list.key(s), list.value(s)));
      }
      if (items == null) {
        return extra.isEmpty() ? Attributes.EMPTY : Attributes.of(extra);
      }
      items.addAll(extra);
      return Attributes.of(items);
    }
  }
}
