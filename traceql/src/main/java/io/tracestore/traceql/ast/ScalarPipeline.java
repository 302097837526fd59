package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * {@code (pipeline | aggregate)} used as a scalar at the root of a query, e.g. {@code ({ a } |
 * count()) > 3}. Parsed as Tempo does; validation reports it as unsupported.
 *
 * @param pipeline the spanset pipeline
 * @param aggregate the aggregate applied to its result
 * @param position the opening parenthesis
 */
public record ScalarPipeline(Pipeline pipeline, Aggregate aggregate, Position position)
    implements ScalarExpr {
  /** Checks for nulls. */
  public ScalarPipeline {
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(aggregate, "aggregate");
    Objects.requireNonNull(position, "position");
  }
}
