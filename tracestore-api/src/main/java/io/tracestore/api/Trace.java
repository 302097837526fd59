package io.tracestore.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * All stored spans of one trace, ordered by start time (then span id), each span once. Immutable
 * and thread-safe.
 *
 * <p>The tree helpers treat a span whose parent is absent from the trace as an {@link #orphans()
 * orphan}: it is neither a root nor anyone's child.
 */
public final class Trace {
  private static final Comparator<Span> ORDER =
      Comparator.comparingLong(Span::startUnixNano).thenComparing(Span::spanId);

  private final TraceId traceId;
  private final List<Span> spans;
  private final Map<SpanId, Span> byId;
  private final Map<SpanId, List<Span>> children;

  /**
   * A trace of {@code spans}, sorted into start order.
   *
   * @throws IllegalArgumentException if a span belongs to another trace or two spans share a span id
   */
  public Trace(TraceId traceId, List<Span> spans) {
    this.traceId = Objects.requireNonNull(traceId, "traceId");
    List<Span> sorted = new ArrayList<>(spans);
    sorted.sort(ORDER);
    this.spans = List.copyOf(sorted);
    this.byId = new HashMap<>(sorted.size() * 2);
    this.children = new HashMap<>();
    for (Span s : this.spans) {
      if (!s.traceId().equals(traceId)) {
        throw new IllegalArgumentException("span " + s.spanId() + " belongs to trace " + s.traceId() + ", not " + traceId);
      }
      if (byId.putIfAbsent(s.spanId(), s) != null) {
        throw new IllegalArgumentException("span id " + s.spanId() + " appears twice in trace " + traceId);
      }
    }
    for (Span s : this.spans) {
      if (!s.isRoot() && byId.containsKey(s.parentSpanId())) {
        children.computeIfAbsent(s.parentSpanId(), k -> new ArrayList<>()).add(s);
      }
    }
  }

  public TraceId traceId() {
    return traceId;
  }

  /** The spans in start-time order. */
  public List<Span> spans() {
    return spans;
  }

  /** The span with this id, or null. */
  public Span span(SpanId id) {
    return byId.get(id);
  }

  /** Spans without a parent, in start order. */
  public List<Span> roots() {
    return spans.stream().filter(Span::isRoot).toList();
  }

  /** Spans whose parent id is set but whose parent is not in this trace, in start order. */
  public List<Span> orphans() {
    return spans.stream().filter(s -> !s.isRoot() && !byId.containsKey(s.parentSpanId())).toList();
  }

  /** The direct children of {@code parent}, in start order. */
  public List<Span> children(SpanId parent) {
    return List.copyOf(children.getOrDefault(parent, List.of()));
  }

  /** The earliest start of any span, or 0 for an empty trace. */
  public long startUnixNano() {
    return spans.isEmpty() ? 0 : spans.get(0).startUnixNano();
  }

  /** The latest end of any span, or 0 for an empty trace. */
  public long endUnixNano() {
    long end = 0;
    for (Span s : spans) {
      end = Math.max(end, s.endUnixNano());
    }
    return end;
  }

  /** From the earliest start to the latest end. */
  public long durationNanos() {
    return spans.isEmpty() ? 0 : endUnixNano() - startUnixNano();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Trace t && t.traceId.equals(traceId) && t.spans.equals(spans);
  }

  @Override
  public int hashCode() {
    return traceId.hashCode() * 31 + spans.hashCode();
  }

  @Override
  public String toString() {
    return "Trace[" + traceId + ", " + spans.size() + " spans]";
  }
}
