package io.tracestore.api;

import java.util.Objects;

/**
 * The library that recorded spans (OTLP's {@code InstrumentationScope} plus its
 * {@code schema_url}). Immutable; no component is null (absent strings are empty).
 */
public record InstrumentationScope(
    String name, String version, Attributes attributes, int droppedAttributesCount, String schemaUrl) {
  /** The empty scope. */
  public static final InstrumentationScope EMPTY = new InstrumentationScope("", "", Attributes.EMPTY, 0, "");

  public InstrumentationScope {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(schemaUrl, "schemaUrl");
  }

  /** A scope with a name and version only. */
  public static InstrumentationScope of(String name, String version) {
    return new InstrumentationScope(name, version, Attributes.EMPTY, 0, "");
  }
}
