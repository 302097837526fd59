package io.tracestore.traceql.ast;

import java.util.List;
import java.util.Objects;

/**
 * {@code pipeline | first-stage [second stages]}, e.g. {@code { status = error } | rate() by
 * (resource.service.name) | topk(5)} or {@code { } | count_over_time() > 10}.
 *
 * @param pipeline the spanset pipeline feeding the metrics function
 * @param firstStage the function turning spans into series
 * @param secondStages {@code topk}/{@code bottomk} and series filters, in order; unmodifiable
 * @param position start of the pipeline
 */
public record MetricsQuery(
    Pipeline pipeline, FirstStage firstStage, List<SecondStage> secondStages, Position position)
    implements QueryBody, MetricsExpr {
  /** Checks for nulls and copies the list. */
  public MetricsQuery {
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(firstStage, "firstStage");
    secondStages = List.copyOf(secondStages);
    Objects.requireNonNull(position, "position");
  }
}
