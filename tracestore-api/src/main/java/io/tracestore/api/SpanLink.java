package io.tracestore.api;

import java.util.Objects;

/**
 * A link from a span to another span, possibly in another trace (OTLP's {@code Span.Link}).
 * Immutable; no component is null (an absent trace state is the empty string).
 */
public record SpanLink(
    TraceId traceId, SpanId spanId, String traceState, Attributes attributes, int droppedAttributesCount, int flags) {
  public SpanLink {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(traceState, "traceState");
    Objects.requireNonNull(attributes, "attributes");
  }

  public static SpanLink of(TraceId traceId, SpanId spanId, Attributes attributes) {
    return new SpanLink(traceId, spanId, "", attributes, 0, 0);
  }
}
