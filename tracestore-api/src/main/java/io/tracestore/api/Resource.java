package io.tracestore.api;

import java.util.Objects;

/**
 * The entity that produced spans (OTLP's {@code Resource} plus its {@code schema_url}). Immutable;
 * no component is null (an absent schema URL is the empty string).
 *
 * <p>Spans of one batch usually share one instance; sharing is what keeps a head block small.
 */
public record Resource(Attributes attributes, int droppedAttributesCount, String schemaUrl) {
  /** The well-known key of the service name. */
  public static final String SERVICE_NAME = "service.name";
  /** No attributes, no schema. */
  public static final Resource EMPTY = new Resource(Attributes.EMPTY, 0, "");

  public Resource {
    Objects.requireNonNull(attributes, "attributes");
    Objects.requireNonNull(schemaUrl, "schemaUrl");
  }

  /** A resource with these attributes, nothing dropped, no schema URL. */
  public static Resource of(Attributes attributes) {
    return new Resource(attributes, 0, "");
  }

  /** {@code service.name} if present and a string, else the empty string. */
  public String serviceName() {
    String s = attributes.getString(SERVICE_NAME);
    return s == null ? "" : s;
  }
}
