package io.tracestore.traceql.ast;

import java.util.List;
import java.util.Objects;

/**
 * A metrics first stage such as {@code rate() by (resource.service.name)} or {@code
 * quantile_over_time(duration, .5, .99)}.
 *
 * @param function the function
 * @param field the function argument; {@code null} exactly when the function takes none
 * @param quantiles the quantiles of {@code quantile_over_time} (non-empty there, empty otherwise);
 *     unmodifiable
 * @param by the grouping fields of {@code by (...)}, possibly empty; unmodifiable
 * @param position the function name
 */
public record MetricsAggregate(
    MetricsFunction function,
    FieldRef field,
    List<Double> quantiles,
    List<FieldRef> by,
    Position position)
    implements FirstStage {
  /** Checks the argument shape for the function and copies the lists. */
  public MetricsAggregate {
    Objects.requireNonNull(function, "function");
    quantiles = List.copyOf(quantiles);
    by = List.copyOf(by);
    Objects.requireNonNull(position, "position");
    if (function.takesField() != (field != null)) {
      throw new IllegalArgumentException(function.keyword() + ": wrong number of arguments");
    }
    if ((function == MetricsFunction.QUANTILE_OVER_TIME) == quantiles.isEmpty()) {
      throw new IllegalArgumentException("quantiles are given for quantile_over_time only");
    }
  }
}
