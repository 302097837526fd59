package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * Arithmetic ({@code + - * /}) between metrics queries and number literals: {@code ({ a } |
 * rate()) / ({ } | rate()) * 100}.
 *
 * @param op ADD, SUB, MUL or DIV
 * @param lhs left operand
 * @param rhs right operand
 * @param position the operator
 */
public record MetricsMath(ArithOp op, MetricsExpr lhs, MetricsExpr rhs, Position position)
    implements MetricsExpr {
  /** Checks for nulls and that {@code op} is one of {@code + - * /}. */
  public MetricsMath {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(lhs, "lhs");
    Objects.requireNonNull(rhs, "rhs");
    Objects.requireNonNull(position, "position");
    if (op == ArithOp.MOD || op == ArithOp.POW) {
      throw new IllegalArgumentException("metrics arithmetic allows + - * / only");
    }
  }
}
