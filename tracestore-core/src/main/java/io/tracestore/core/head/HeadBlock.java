package io.tracestore.core.head;

import io.tracestore.api.Span;
import io.tracestore.api.TraceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory spans not yet in a block, grouped by trace. Reads may run concurrently with one
 * writer; {@link #add} and {@link #take} are called under the store's append lock.
 */
public final class HeadBlock {
  private final Map<TraceId, TraceBuffer> traces = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong spans = new AtomicLong();
  private volatile long oldestAppendNanos = Long.MAX_VALUE;

  /** Spans of one trace and when the trace last grew. */
  private static final class TraceBuffer {
    private final List<Span> spans = new ArrayList<>(4);
    private long bytes;
    private volatile long lastAppendNanos;

    synchronized void add(Span s, long size) {
      spans.add(s);
      bytes += size;
    }

    synchronized List<Span> snapshot() {
      return new ArrayList<>(spans);
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

  /** The spans held for {@code traceId} (possibly empty), as a copy. */
  public List<Span> get(TraceId traceId) {
    TraceBuffer t = traces.get(traceId);
    return t == null ? List.of() : t.snapshot();
  }

  /** Calls {@code visitor} with a copy of each trace's spans. */
  public void forEachTrace(java.util.function.BiConsumer<TraceId, List<Span>> visitor) {
    for (Map.Entry<TraceId, TraceBuffer> e : traces.entrySet()) {
      visitor.accept(e.getKey(), e.getValue().snapshot());
    }
  }

  /** Estimated bytes held for one trace (0 if none). */
  public long traceBytes(TraceId traceId) {
    TraceBuffer t = traces.get(traceId);
    if (t == null) {
      return 0;
    }
    synchronized (t) {
      return t.bytes;
    }
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

  /** What {@link #take} removed. */
  public record Taken(List<Span> spans, List<Span> remaining) {}

  /**
   * Removes the traces that have not grown since {@code idleBeforeNanos} (all traces if
   * {@code all}), returning their spans and the spans left behind.
   */
  public Taken take(boolean all, long idleBeforeNanos) {
    List<Span> taken = new ArrayList<>();
    List<Span> remaining = new ArrayList<>();
    for (Map.Entry<TraceId, TraceBuffer> e : traces.entrySet()) {
      TraceBuffer t = e.getValue();
      synchronized (t) {
        if (all || t.lastAppendNanos < idleBeforeNanos) {
          taken.addAll(t.spans);
        } else {
          remaining.addAll(t.spans);
        }
      }
    }
    return new Taken(taken, remaining);
  }

  /** Forgets the given traces (after they were made readable elsewhere). */
  public void remove(List<Span> taken, long nowNanos) {
    long removedBytes = 0;
    long removedSpans = 0;
    TraceId lastId = null;
    for (Span s : taken) {
      if (s.traceId().equals(lastId)) {
        continue;
      }
      lastId = s.traceId();
      TraceBuffer t = traces.remove(s.traceId());
      if (t != null) {
        synchronized (t) {
          removedBytes += t.bytes;
          removedSpans += t.spans.size();
        }
      }
    }
    bytes.addAndGet(-removedBytes);
    spans.addAndGet(-removedSpans);
    oldestAppendNanos = traces.isEmpty() ? Long.MAX_VALUE : nowNanos;
  }
}
