package io.tracestore.traceql.ast;

/** The scope prefix of an {@link Attribute}. */
public enum AttributeScope {
  /** {@code .name}: span or resource attribute (span first). */
  NONE(""),
  /** {@code span.name}. */
  SPAN("span"),
  /** {@code resource.name}. */
  RESOURCE("resource"),
  /** {@code event.name}: attribute of a span event. */
  EVENT("event"),
  /** {@code link.name}: attribute of a span link. */
  LINK("link"),
  /** {@code instrumentation.name}: attribute of the instrumentation scope. */
  INSTRUMENTATION("instrumentation");

  private final String keyword;

  AttributeScope(String keyword) {
    this.keyword = keyword;
  }

  /** The keyword as written before the dot, empty for {@link #NONE}. */
  public String keyword() {
    return keyword;
  }
}
