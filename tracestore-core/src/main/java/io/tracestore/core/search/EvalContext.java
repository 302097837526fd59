package io.tracestore.core.search;

import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanLink;

/**
 * What a compiled field expression is evaluated against: a span of a trace and, for {@code event.}
 * and {@code link.} fields, the event and link currently bound (null when none). Mutable and reused
 * across spans; not thread-safe.
 */
final class EvalContext {
  TraceView trace;
  Span span;
  int index;
  SpanEvent event;
  SpanLink link;

  void at(int i) {
    index = i;
    span = trace.span(i);
    event = null;
    link = null;
  }
}
