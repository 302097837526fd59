package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * {@code true} or {@code false}.
 *
 * @param value the value
 * @param position first character of the literal (or of its minus sign)
 */
public record BoolLiteral(boolean value, Position position) implements Literal {
  /** Checks for nulls. */
  public BoolLiteral {
    Objects.requireNonNull(position, "position");
  }

  /** Shorthand without position. */
  public static BoolLiteral of(boolean value) {
    return new BoolLiteral(value, Position.NONE);
  }

  @Override
  public ValueType type() {
    return ValueType.BOOLEAN;
  }
}
