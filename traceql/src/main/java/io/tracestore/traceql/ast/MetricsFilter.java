package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * A comparison applied to metrics series values, e.g. the {@code > 10} of {@code { } | rate() >
 * 10}.
 *
 * @param op the comparison
 * @param value a constant: a number or duration literal, or arithmetic between number literals
 * @param position the comparison operator
 */
public record MetricsFilter(CompareOp op, ScalarExpr value, Position position)
    implements SecondStage {
  /** Checks for nulls. */
  public MetricsFilter {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(position, "position");
  }
}
