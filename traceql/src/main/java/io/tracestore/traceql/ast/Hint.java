package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * One {@code name=value} of a {@code with(...)} clause, e.g. {@code sample=0.1}.
 *
 * @param name the hint name
 * @param value the hint value
 * @param position the hint name
 */
public record Hint(String name, Literal value, Position position) implements Node {
  /** Checks for nulls. */
  public Hint {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(position, "position");
  }
}
