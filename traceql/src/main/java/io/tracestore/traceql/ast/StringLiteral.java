package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * A string literal, from {@code "..."} (Go escapes) or a raw {@code `...`} string; holds the unescaped text.
 *
 * @param value the value
 * @param position first character of the literal (or of its minus sign)
 */
public record StringLiteral(String value, Position position) implements Literal {
  /** Checks for nulls. */
  public StringLiteral {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(position, "position");
  }

  /** Shorthand without position. */
  public static StringLiteral of(String value) {
    return new StringLiteral(value, Position.NONE);
  }

  @Override
  public ValueType type() {
    return ValueType.STRING;
  }
}
