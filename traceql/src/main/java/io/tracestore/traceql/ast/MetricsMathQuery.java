package io.tracestore.traceql.ast;

import java.util.List;
import java.util.Objects;

/**
 * A query whose body is arithmetic between metrics queries, followed by optional second stages
 * applied to the result: {@code ({ a } | rate()) + ({ b } | rate()) | topk(5) > 10}.
 *
 * @param expression the arithmetic; contains at least one {@link MetricsQuery}
 * @param secondStages stages applied to the result, in order; unmodifiable
 * @param position start of the expression
 */
public record MetricsMathQuery(
    MetricsMath expression, List<SecondStage> secondStages, Position position)
    implements QueryBody {
  /** Checks for nulls and copies the list. */
  public MetricsMathQuery {
    Objects.requireNonNull(expression, "expression");
    secondStages = List.copyOf(secondStages);
    Objects.requireNonNull(position, "position");
  }
}
