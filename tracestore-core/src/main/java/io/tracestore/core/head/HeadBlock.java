package io.tracestore.core.head;

import io.tracestore.api.Span;
import io.tracestore.api.TraceId;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory spans not yet in a block, grouped by trace. Reads may run concurrently with one
 * writer; {@link #add} and {@link #take} are called under the store's append lock. A read takes no
 * lock and copies no span list: it gets an immutable view of a trace's spans as they were when it
 * looked (spans are only ever appended to a trace here, and a trace leaves whole).
 */
public final class HeadBlock {
  private final Map<TraceId, TraceBuffer> traces = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong spans = new AtomicLong();
  private volatile long oldestAppendNanos = Long.MAX_VALUE;

  /**
   * Spans of one trace and when the trace last grew. One writer at a time (the append lock);
   * readers see a prefix of the spans: {@link #size} is written after the slot it covers, and a
   * grown array after the copy holding every slot written so far.
   */
  private static final class TraceBuffer extends SpanSummary {
    private volatile Span[] spans = new Span[4];
    private volatile int size;
    private volatile long bytes;
    private volatile long lastAppendNanos;

    void add(Span s, long spanBytes) {
      add(s); // the summary, before the span is visible
      Span[] a = spans;
      int n = size;
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
        a[n] = s;
        spans = a;
      } else {
        a[n] = s;
      }
      size = n + 1;
      bytes += spanBytes; // one writer
    }

    /** The spans appended so far, as an immutable view. */
    List<Span> snapshot() {
      int n = size; // before the array: an array read after it holds at least n spans
      return new Prefix(spans, n, this);
    }
  }

  /**
   * The first {@code size} spans of an array whose first {@code size} slots never change, and the
   * summary of (at least) them.
   */
  static final class Prefix extends AbstractList<Span> implements RandomAccess {
    private final Span[] spans;
    private final int size;
    private final SpanSummary summary;

    Prefix(Span[] spans, int size, SpanSummary summary) {
      this.spans = spans;
      this.size = size;
      this.summary = summary;
    }

    SpanSummary summary() {
      return summary;
    }

    @Override
    public Span get(int index) {
      Objects.checkIndex(index, size);
      return spans[index];
    }

    @Override
    public int size() {
      return size;
    }
  }

  /** Adds spans; {@code sizes[i]} is the estimated size of {@code spans.get(i)}. */
  public void add(List<Span> batch, long[] sizes, long nowNanos) {
    long total = 0;
    TraceBuffer last = null;
    TraceId lastId = null;
    for (int i = 0; i < batch.size(); i++) {
      Span s = batch.get(i);
      TraceBuffer t;
      if (s.traceId().equals(lastId)) {
        t = last;
      } else {
        t = traces.computeIfAbsent(s.traceId(), k -> new TraceBuffer());
        t.lastAppendNanos = nowNanos;
        last = t;
        lastId = s.traceId();
      }
      t.add(s, sizes[i]);
      total += sizes[i];
    }
    bytes.addAndGet(total);
    spans.addAndGet(batch.size());
    if (oldestAppendNanos == Long.MAX_VALUE && !batch.isEmpty()) {
      oldestAppendNanos = nowNanos;
    }
  }

  /** The spans held for {@code traceId} (possibly empty), as an immutable view. */
  public List<Span> get(TraceId traceId) {
    TraceBuffer t = traces.get(traceId);
    return t == null ? List.of() : t.snapshot();
  }

  /** Calls {@code visitor} with an immutable view of each trace's spans. */
  public void forEachTrace(java.util.function.BiConsumer<TraceId, List<Span>> visitor) {
    for (Map.Entry<TraceId, TraceBuffer> e : traces.entrySet()) {
      visitor.accept(e.getKey(), e.getValue().snapshot());
    }
  }

  /** Estimated bytes held for one trace (0 if none). */
  public long traceBytes(TraceId traceId) {
    TraceBuffer t = traces.get(traceId);
    return t == null ? 0 : t.bytes;
  }

  /** True if spans of {@code traceId} are held. */
  public boolean contains(TraceId traceId) {
    return traces.containsKey(traceId);
  }

  /** Estimated encoded bytes held. */
  public long bytes() {
    return bytes.get();
  }

  /** Spans held. */
  public long spanCount() {
    return spans.get();
  }

  /** Traces held. */
  public int traceCount() {
    return traces.size();
  }

  /** {@link System#nanoTime} of the first append since the head was last emptied, or MAX_VALUE. */
  public long oldestAppendNanos() {
    return oldestAppendNanos;
  }

  /**
   * What {@link #take} removed: the spans of each trace taken (views that keep their {@link
   * SpanSummary}), and the spans left behind.
   */
  public record Taken(Map<TraceId, List<Span>> traces, List<Span> remaining) {}

  /**
   * Takes the traces that have not grown since {@code idleBeforeNanos} (all traces if
   * {@code all}), returning their spans and the spans left behind. The head still holds them
   * until {@link #remove}.
   */
  public Taken take(boolean all, long idleBeforeNanos) {
    Map<TraceId, List<Span>> taken = new HashMap<>();
    List<Span> remaining = new ArrayList<>();
    for (Map.Entry<TraceId, TraceBuffer> e : traces.entrySet()) {
      TraceBuffer t = e.getValue();
      if (all || t.lastAppendNanos < idleBeforeNanos) {
        taken.put(e.getKey(), t.snapshot());
      } else {
        remaining.addAll(t.snapshot());
      }
    }
    return new Taken(taken, remaining);
  }

  /** Forgets the given traces (after they were made readable elsewhere). */
  public void remove(java.util.Collection<TraceId> taken, long nowNanos) {
    long removedBytes = 0;
    long removedSpans = 0;
    for (TraceId id : taken) {
      TraceBuffer t = traces.remove(id);
      if (t != null) {
        removedBytes += t.bytes;
        removedSpans += t.size;
      }
    }
    bytes.addAndGet(-removedBytes);
    spans.addAndGet(-removedSpans);
    oldestAppendNanos = traces.isEmpty() ? Long.MAX_VALUE : nowNanos;
  }
}
