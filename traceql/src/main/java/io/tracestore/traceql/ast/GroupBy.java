package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * {@code by(expression)}: splits each spanset into groups by the value of {@code expression}.
 *
 * @param expression the grouping expression
 * @param position the {@code by} keyword
 */
public record GroupBy(FieldExpr expression, Position position) implements PipelineStage {
  /** Checks for nulls. */
  public GroupBy {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(position, "position");
  }
}
