package io.tracestore.api;

import java.util.List;
import java.util.Objects;

/**
 * One span with everything OTLP carries for it, including its resource and instrumentation scope.
 * Immutable and thread-safe; no component is null (absent strings are empty, a root's parent is
 * {@link SpanId#NONE}). A span read back from a store equals the span written.
 *
 * <p>The constructor checks only nullness; the semantic checks (valid ids, {@code end >= start},
 * size limits) happen in {@code TraceStore.append}, which names the offending field.
 */
public record Span(
    TraceId traceId,
    SpanId spanId,
    SpanId parentSpanId,
    String traceState,
    int flags,
    String name,
    SpanKind kind,
    long startUnixNano,
    long endUnixNano,
    StatusCode statusCode,
    String statusMessage,
    Attributes attributes,
    int droppedAttributesCount,
    List<SpanEvent> events,
    int droppedEventsCount,
    List<SpanLink> links,
    int droppedLinksCount,
    Resource resource,
    InstrumentationScope scope) {

  public Span {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    Objects.requireNonNull(parentSpanId, "parentSpanId");
    Objects.requireNonNull(traceState, "traceState");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(statusCode, "statusCode");
    Objects.requireNonNull(statusMessage, "statusMessage");
    Objects.requireNonNull(attributes, "attributes");
    events = List.copyOf(events);
    links = List.copyOf(links);
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(scope, "scope");
  }

  /** A builder with everything empty or zero. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this span's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@code endUnixNano - startUnixNano}. */
  public long durationNanos() {
    return endUnixNano - startUnixNano;
  }

  /** True if the span has no parent. */
  public boolean isRoot() {
    return !parentSpanId.isValid();
  }

  /** The resource's {@code service.name}, or the empty string. */
  public String serviceName() {
    return resource.serviceName();
  }

  /** Builds spans; not thread-safe. Every field starts empty, zero or {@code UNSET}. */
  public static final class Builder {
    private TraceId traceId = TraceId.INVALID;
    private SpanId spanId = SpanId.NONE;
    private SpanId parentSpanId = SpanId.NONE;
    private String traceState = "";
    private int flags;
    private String name = "";
    private SpanKind kind = SpanKind.UNSPECIFIED;
    private long startUnixNano;
    private long endUnixNano;
    private StatusCode statusCode = StatusCode.UNSET;
    private String statusMessage = "";
    private Attributes attributes = Attributes.EMPTY;
    private int droppedAttributesCount;
    private List<SpanEvent> events = List.of();
    private int droppedEventsCount;
    private List<SpanLink> links = List.of();
    private int droppedLinksCount;
    private Resource resource = Resource.EMPTY;
    private InstrumentationScope scope = InstrumentationScope.EMPTY;

    private Builder() {}

    private Builder(Span s) {
      traceId = s.traceId;
      spanId = s.spanId;
      parentSpanId = s.parentSpanId;
      traceState = s.traceState;
      flags = s.flags;
      name = s.name;
      kind = s.kind;
      startUnixNano = s.startUnixNano;
      endUnixNano = s.endUnixNano;
      statusCode = s.statusCode;
      statusMessage = s.statusMessage;
      attributes = s.attributes;
      droppedAttributesCount = s.droppedAttributesCount;
      events = s.events;
      droppedEventsCount = s.droppedEventsCount;
      links = s.links;
      droppedLinksCount = s.droppedLinksCount;
      resource = s.resource;
      scope = s.scope;
    }

    public Builder traceId(TraceId v) { traceId = v; return this; }
    public Builder spanId(SpanId v) { spanId = v; return this; }
    public Builder parentSpanId(SpanId v) { parentSpanId = v; return this; }
    public Builder traceState(String v) { traceState = v; return this; }
    public Builder flags(int v) { flags = v; return this; }
    public Builder name(String v) { name = v; return this; }
    public Builder kind(SpanKind v) { kind = v; return this; }
    public Builder startUnixNano(long v) { startUnixNano = v; return this; }
    public Builder endUnixNano(long v) { endUnixNano = v; return this; }
    public Builder status(StatusCode code, String message) { statusCode = code; statusMessage = message; return this; }
    public Builder statusCode(StatusCode v) { statusCode = v; return this; }
    public Builder statusMessage(String v) { statusMessage = v; return this; }
    public Builder attributes(Attributes v) { attributes = v; return this; }
    public Builder droppedAttributesCount(int v) { droppedAttributesCount = v; return this; }
    public Builder events(List<SpanEvent> v) { events = v; return this; }
    public Builder droppedEventsCount(int v) { droppedEventsCount = v; return this; }
    public Builder links(List<SpanLink> v) { links = v; return this; }
    public Builder droppedLinksCount(int v) { droppedLinksCount = v; return this; }
    public Builder resource(Resource v) { resource = v; return this; }
    public Builder scope(InstrumentationScope v) { scope = v; return this; }

    public Span build() {
      return new Span(traceId, spanId, parentSpanId, traceState, flags, name, kind, startUnixNano,
          endUnixNano, statusCode, statusMessage, attributes, droppedAttributesCount, events,
          droppedEventsCount, links, droppedLinksCount, resource, scope);
    }
  }
}
