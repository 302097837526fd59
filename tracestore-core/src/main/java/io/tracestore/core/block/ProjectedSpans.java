package io.tracestore.core.block;

import io.tracestore.api.Attribute;
import io.tracestore.api.AttributeValue;
import io.tracestore.api.CorruptDataException;
import io.tracestore.api.Attributes;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.SpanKind;
import io.tracestore.api.StatusCode;
import io.tracestore.api.TraceId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds spans of chosen traces from decoded column vectors instead of Parquet records: only the
 * fields a search evaluates and reports (ids, parent, name, kind, start, end, status, service name)
 * and the attributes of the keys it names (and service.name of any type), from dedicated columns
 * and the generic lists. Events,
 * links, the scope and other attributes are left empty, so such spans are only for queries that do
 * not read them. Because the vectors come from a cache, repeated searches decode no pages. Stateless.
 */
public final class ProjectedSpans {
  /** Where the vectors come from (a cache, typically). */
  @FunctionalInterface
  public interface VectorSource {
    /** Column {@code column} of row group {@code rowGroup}, or null if the block has none. */
    ColumnVector get(int rowGroup, String column);
  }

  private ProjectedSpans() {}

  /**
   * The spans of traces {@code traces} (indices into the block's directory, ascending), one list per
   * trace, with the span attributes of {@code spanKeys} and resource attributes of {@code
   * resourceKeys} (service.name always).
   */
  public static List<List<Span>> read(BlockReader block, int[] traces, Set<String> spanKeys, Set<String> resourceKeys,
      VectorSource source) {
    TraceDirectory dir = block.directory();
    int groups = block.rowGroupCount();
    long[] groupStart = new long[groups + 1];
    for (int g = 0; g < groups; g++) {
      groupStart[g + 1] = groupStart[g] + block.meta().rowGroups().get(g).rowCount();
    }
    Map<Integer, Group> loaded = new HashMap<>();
    List<List<Span>> out = new ArrayList<>(traces.length);
    int g = 0;
    for (int t : traces) {
      TraceId id = dir.traceId(t);
      List<Span> spans = new ArrayList<>((int) (dir.firstRow(t + 1) - dir.firstRow(t)));
      for (long row = dir.firstRow(t), end = dir.firstRow(t + 1); row < end; row++) {
        while (groupStart[g + 1] <= row) {
          g++;
        }
        while (groupStart[g] > row) {
          g--;
        }
        int rg = g;
        Group group = loaded.computeIfAbsent(rg, k -> new Group(block, k, spanKeys, resourceKeys, source));
        spans.add(group.span(id, (int) (row - groupStart[rg])));
      }
      out.add(spans);
    }
    return out;
  }

  /** The vectors of one row group. */
  private static final class Group {
    final ColumnVector spanId;
    final ColumnVector parent;
    final ColumnVector name;
    final ColumnVector kind;
    final ColumnVector start;
    final ColumnVector duration;
    final ColumnVector status;
    final ColumnVector statusMessage;
    final ColumnVector service;
    final Attrs spanAttrs;
    final Attrs resourceAttrs;

    Group(BlockReader block, int rg, Set<String> spanKeys, Set<String> resourceKeys, VectorSource source) {
      spanId = source.get(rg, BlockSchema.SPAN_ID);
      parent = source.get(rg, BlockSchema.PARENT_SPAN_ID);
      name = source.get(rg, BlockSchema.NAME);
      kind = source.get(rg, BlockSchema.KIND);
      start = source.get(rg, BlockSchema.START);
      duration = source.get(rg, BlockSchema.DURATION);
      status = source.get(rg, BlockSchema.STATUS_CODE);
      statusMessage = source.get(rg, BlockSchema.STATUS_MESSAGE);
      service = source.get(rg, BlockSchema.SERVICE_NAME);
      spanAttrs = new Attrs(rg, spanKeys, block.meta().dedicatedSpanColumns(), BlockSchema.SPAN_PREFIX, BlockSchema.SPAN_ATTRS, source);
      // service.name of another type than string is in the generic list: read it so the span's
      // service name (reported as the trace's root service) is what a whole decode gives
      Set<String> resource = new java.util.HashSet<>(resourceKeys);
      resource.add(Resource.SERVICE_NAME);
      resourceAttrs = new Attrs(rg, resource, block.meta().dedicatedResourceColumns(), BlockSchema.RESOURCE_PREFIX,
          BlockSchema.RESOURCE_ATTRS, source);
    }

    Span span(TraceId trace, int r) {
      List<Attribute> res = new ArrayList<>(resourceAttrs.count() + 1);
      if (service != null && service.isSet(r)) {
        res.add(new Attribute(Resource.SERVICE_NAME, AttributeValue.of(service.dictionary()[service.ids()[r]])));
      }
      resourceAttrs.addTo(r, res);
      List<Attribute> attrs = new ArrayList<>(spanAttrs.count());
      spanAttrs.addTo(r, attrs);
      long s = start.longs()[r];
      return Span.builder()
          .traceId(trace)
          .spanId(SpanId.of(spanId.longs()[r]))
          .parentSpanId(parent.isSet(r) ? SpanId.of(parent.longs()[r]) : SpanId.NONE)
          .name(name.dictionary()[name.ids()[r]])
          .kind(SpanKind.fromCode(kind.ints()[r]))
          .startUnixNano(s)
          .endUnixNano(s + duration.longs()[r])
          .status(StatusCode.fromCode(status.ints()[r]),
              statusMessage != null && statusMessage.isSet(r) ? statusMessage.dictionary()[statusMessage.ids()[r]] : "")
          .attributes(attrs.isEmpty() ? Attributes.EMPTY : Attributes.of(attrs))
          .resource(res.isEmpty() ? Resource.EMPTY : Resource.of(Attributes.of(res)))
          .build();
    }
  }

  /** The named keys of one scope: their dedicated columns and the generic list. */
  private static final class Attrs {
    private final List<String> dedicatedKeys = new ArrayList<>();
    private final List<ColumnVector> dedicated = new ArrayList<>();
    private final Set<String> keys;
    private AttributeListVectors list;
    private boolean[] wanted;

    Attrs(int rg, Set<String> keys, List<DedicatedColumn> columns, String prefix, String list, VectorSource source) {
      this.keys = keys;
      if (keys.isEmpty()) {
        return;
      }
      for (DedicatedColumn c : columns) {
        if (keys.contains(c.key())) {
          ColumnVector v = source.get(rg, prefix + c.key());
          if (v != null) {
            dedicatedKeys.add(c.key());
            dedicated.add(v);
          }
        }
      }
      ColumnVector listKey = source.get(rg, list + ".list.element." + BlockSchema.KEY);
      if (listKey == null) {
        return;
      }
      String[] dict = listKey.dictionary();
      wanted = new boolean[dict.length];
      boolean any = false;
      for (int i = 0; i < dict.length; i++) {
        wanted[i] = keys.contains(dict[i]);
        any |= wanted[i];
      }
      if (any) {
        this.list = AttributeListVectors.read(list + ".list.element.", column -> source.get(rg, column));
      }
    }

    int count() {
      return keys.size();
    }

    void addTo(int r, List<Attribute> out) {
      for (int d = 0; d < dedicated.size(); d++) {
        ColumnVector v = dedicated.get(d);
        if (v.isSet(r)) {
          AttributeValue value = switch (v.kind()) {
            case STRING -> AttributeValue.of(v.dictionary()[v.ids()[r]]);
            case LONG -> AttributeValue.of(v.longs()[r]);
            case DOUBLE -> AttributeValue.of(v.doubles()[r]);
            case INT -> AttributeValue.of(v.ints()[r] != 0);
            default -> throw new CorruptDataException("dedicated column " + dedicatedKeys.get(d) + " of kind " + v.kind());
          };
          out.add(new Attribute(dedicatedKeys.get(d), value));
        }
      }
      if (list == null) {
        return;
      }
      int[] starts = list.keys().rowStarts();
      int[] ids = list.keys().ids();
      for (int e = starts[r], end = starts[r + 1]; e < end; e++) {
        int id = ids[e];
        if (id >= 0 && wanted[id]) {
          out.add(new Attribute(list.key(e), list.value(e)));
        }
      }
    }
  }
}
