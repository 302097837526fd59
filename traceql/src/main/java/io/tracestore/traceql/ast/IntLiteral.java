package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * An integer literal (64-bit signed), e.g. {@code 42}, {@code -7}.
 *
 * @param value the value
 * @param position first character of the literal (or of its minus sign)
 */
public record IntLiteral(long value, Position position) implements Literal {
  /** Checks for nulls. */
  public IntLiteral {
    Objects.requireNonNull(position, "position");
  }

  /** Shorthand without position. */
  public static IntLiteral of(long value) {
    return new IntLiteral(value, Position.NONE);
  }

  @Override
  public ValueType type() {
    return ValueType.INT;
  }
}
