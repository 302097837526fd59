package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * A float literal, e.g. {@code 1.5}, {@code .95}, {@code 1e3}; always finite.
 *
 * @param value the value
 * @param position first character of the literal (or of its minus sign)
 */
public record FloatLiteral(double value, Position position) implements Literal {
  /** Checks for nulls. */
  public FloatLiteral {
    if (!Double.isFinite(value)) { throw new IllegalArgumentException("not finite: " + value); }
    Objects.requireNonNull(position, "position");
  }

  /** Shorthand without position. */
  public static FloatLiteral of(double value) {
    return new FloatLiteral(value, Position.NONE);
  }

  @Override
  public ValueType type() {
    return ValueType.FLOAT;
  }
}
