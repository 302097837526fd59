package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * A status literal: {@code ok}, {@code error}, {@code unset}.
 *
 * @param value the value
 * @param position first character of the literal (or of its minus sign)
 */
public record StatusLiteral(io.tracestore.api.StatusCode value, Position position) implements Literal {
  /** Checks for nulls. */
  public StatusLiteral {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(position, "position");
  }

  /** Shorthand without position. */
  public static StatusLiteral of(io.tracestore.api.StatusCode value) {
    return new StatusLiteral(value, Position.NONE);
  }

  @Override
  public ValueType type() {
    return ValueType.STATUS;
  }
}
