package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * A span-kind literal: {@code unspecified internal server client producer consumer}.
 *
 * @param value the value
 * @param position first character of the literal (or of its minus sign)
 */
public record KindLiteral(io.tracestore.api.SpanKind value, Position position) implements Literal {
  /** Checks for nulls. */
  public KindLiteral {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(position, "position");
  }

  /** Shorthand without position. */
  public static KindLiteral of(io.tracestore.api.SpanKind value) {
    return new KindLiteral(value, Position.NONE);
  }

  @Override
  public ValueType type() {
    return ValueType.KIND;
  }
}
