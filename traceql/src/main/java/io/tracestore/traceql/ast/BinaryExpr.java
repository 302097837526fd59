package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * {@code lhs op rhs} inside a field expression: arithmetic, comparison, regex match, {@code &&},
 * {@code ||}.
 *
 * @param op the operator
 * @param lhs left operand
 * @param rhs right operand
 * @param position the operator
 */
public record BinaryExpr(BinaryOp op, FieldExpr lhs, FieldExpr rhs, Position position)
    implements FieldExpr {
  /** Checks for nulls. */
  public BinaryExpr {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(lhs, "lhs");
    Objects.requireNonNull(rhs, "rhs");
    Objects.requireNonNull(position, "position");
  }
}
