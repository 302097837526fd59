package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * {@code lhs op rhs} between spanset expressions: logical ({@code && ||}) or structural.
 *
 * @param op the operator
 * @param lhs left operand
 * @param rhs right operand
 * @param position the operator
 */
public record SpansetOperation(SpansetOp op, SpansetExpr lhs, SpansetExpr rhs, Position position)
    implements SpansetExpr {
  /** Checks for nulls. */
  public SpansetOperation {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(lhs, "lhs");
    Objects.requireNonNull(rhs, "rhs");
    Objects.requireNonNull(position, "position");
  }
}
