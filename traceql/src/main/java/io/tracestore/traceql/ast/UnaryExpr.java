package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * {@code -operand} or {@code !operand}. A minus written directly before a number or duration
 * literal is folded into a negative {@link Literal} instead.
 *
 * @param op the operator
 * @param operand the operand
 * @param position the operator
 */
public record UnaryExpr(UnaryOp op, FieldExpr operand, Position position) implements FieldExpr {
  /** Checks for nulls. */
  public UnaryExpr {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(operand, "operand");
    Objects.requireNonNull(position, "position");
  }
}
