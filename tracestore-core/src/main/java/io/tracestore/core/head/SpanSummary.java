package io.tracestore.core.head;

import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import java.util.List;
import java.util.function.Predicate;

/**
 * Bounds over the spans of one trace in the head, kept as they are appended, so a search can rule
 * a trace out without reading its spans: the smallest and largest duration, the status codes and
 * kinds present, and the distinct {@link Resource} instances (up to {@link #MAX_RESOURCES}; the
 * spans of one service in one request share one instance).
 *
 * <p>One writer (the store's append lock) and any number of readers, without locks. A reader gets a
 * summary of at least the spans of any view of the trace it took before (every field is written
 * before the span becomes visible), possibly of more: the bounds only ever widen, so they may let
 * a trace through that its view does not need, never rule out one it needs.
 */
public class SpanSummary {
  /** Distinct resources remembered; with more, {@link #mayHaveResource} knows none of them. */
  public static final int MAX_RESOURCES = 4;

  private volatile long minDurationNanos = Long.MAX_VALUE;
  private volatile long maxDurationNanos = Long.MIN_VALUE;
  private volatile int statusCodes;
  private volatile int kinds;
  private final Resource[] resources = new Resource[MAX_RESOURCES];
  /** Resources held, or -1 once there were more than {@link #MAX_RESOURCES}. */
  private volatile int resourceCount;

  SpanSummary() {} // the head's trace buffers extend it

  /** The summary of a trace's spans as the head hands them out, or null for any other list. */
  public static SpanSummary of(List<Span> spans) {
    return spans instanceof HeadBlock.Prefix p ? p.summary() : null;
  }

  /** Widens the bounds to cover {@code s}. Called by the one writer, before {@code s} is visible. */
  void add(Span s) {
    long d = s.durationNanos();
    if (d < minDurationNanos) {
      minDurationNanos = d;
    }
    if (d > maxDurationNanos) {
      maxDurationNanos = d;
    }
    int status = 1 << s.statusCode().code();
    if ((statusCodes & status) == 0) {
      statusCodes |= status;
    }
    int kind = 1 << s.kind().code();
    if ((kinds & kind) == 0) {
      kinds |= kind;
    }
    int n = resourceCount;
    if (n < 0) {
      return;
    }
    Resource r = s.resource();
    for (int i = 0; i < n; i++) {
      if (resources[i] == r) {
        return;
      }
    }
    if (n == MAX_RESOURCES) {
      resourceCount = -1;
    } else {
      resources[n] = r; // before the count that publishes it
      resourceCount = n + 1;
    }
  }

  /** The smallest duration of the spans (MAX_VALUE if none). */
  public long minDurationNanos() {
    return minDurationNanos;
  }

  /** The largest duration of the spans (MIN_VALUE if none). */
  public long maxDurationNanos() {
    return maxDurationNanos;
  }

  /** Bit {@code 1 << code} for each {@link io.tracestore.api.StatusCode#code()} present. */
  public int statusCodes() {
    return statusCodes;
  }

  /** Bit {@code 1 << code} for each {@link io.tracestore.api.SpanKind#code()} present. */
  public int kinds() {
    return kinds;
  }

  /**
   * True if a resource of the spans may pass {@code test}: one of them does, or there are more
   * than {@link #MAX_RESOURCES} distinct ones (then they are not known). False for no spans.
   */
  public boolean mayHaveResource(Predicate<Resource> test) {
    int n = resourceCount;
    if (n < 0) {
      return true;
    }
    for (int i = 0; i < n; i++) {
      if (test.test(resources[i])) {
        return true;
      }
    }
    return false;
  }
}
