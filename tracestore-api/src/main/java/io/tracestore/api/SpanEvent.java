package io.tracestore.api;

import java.util.Objects;

/** A timed event within a span (OTLP's {@code Span.Event}). Immutable; no component is null. */
public record SpanEvent(long timeUnixNano, String name, Attributes attributes, int droppedAttributesCount) {
  public SpanEvent {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(attributes, "attributes");
  }

  public static SpanEvent of(long timeUnixNano, String name, Attributes attributes) {
    return new SpanEvent(timeUnixNano, name, attributes, 0);
  }
}
