package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * Arithmetic between scalar expressions: {@code count() + 1}, {@code (..|count()) / (..|count())}.
 *
 * @param op the operator
 * @param lhs left operand
 * @param rhs right operand
 * @param position the operator
 */
public record ScalarBinary(ArithOp op, ScalarExpr lhs, ScalarExpr rhs, Position position)
    implements ScalarExpr {
  /** Checks for nulls. */
  public ScalarBinary {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(lhs, "lhs");
    Objects.requireNonNull(rhs, "rhs");
    Objects.requireNonNull(position, "position");
  }
}
