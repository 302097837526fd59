package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * An attribute reference: {@code .http.method}, {@code span.foo}, {@code resource."a b"}, {@code
 * parent.span.x}.
 *
 * @param scope where the attribute is looked up ({@link AttributeScope#NONE} for {@code .name})
 * @param parent true for the {@code parent.} forms (validation reports them as unsupported)
 * @param name the attribute name, unescaped (may contain any character; may be empty only if
 *     written as {@code .""})
 * @param position the first character of the scope
 */
public record Attribute(AttributeScope scope, boolean parent, String name, Position position)
    implements FieldRef {
  /** Checks for nulls and that {@code parent} is only combined with NONE, SPAN or RESOURCE. */
  public Attribute {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(position, "position");
    if (parent
        && scope != AttributeScope.NONE
        && scope != AttributeScope.SPAN
        && scope != AttributeScope.RESOURCE) {
      throw new IllegalArgumentException("parent. only combines with span. and resource.");
    }
  }

  /** Shorthand for a scoped, non-parent attribute without position. */
  public static Attribute of(AttributeScope scope, String name) {
    return new Attribute(scope, false, name, Position.NONE);
  }
}
