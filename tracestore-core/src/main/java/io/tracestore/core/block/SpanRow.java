package io.tracestore.core.block;

import io.tracestore.api.Span;

/**
 * A span with the per-row values a block derives for it: its nested-set interval and parent row
 * within its trace's run, and the trace-level fields repeated on every row of the trace.
 */
record SpanRow(Span span, int nestedSetLeft, int nestedSetRight, int parentIndex, TraceSummary trace) {

  /** Trace-level fields shared by every row of one trace. */
  record TraceSummary(String rootService, String rootName, long startUnixNano, long durationNanos) {}
}
