package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * {@code nil}: only allowed directly as an operand of {@code =} or {@code !=} ({@code .a != nil}
 * tests that the attribute exists).
 *
 * @param position the keyword
 */
public record NilLiteral(Position position) implements Literal {
  /** Checks for nulls. */
  public NilLiteral {
    Objects.requireNonNull(position, "position");
  }

  @Override
  public ValueType type() {
    return ValueType.NIL;
  }
}
