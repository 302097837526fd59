package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * A parenthesised pipeline used as an operand of a {@link SpansetOperation}: {@code ({ a } |
 * count() > 1)}.
 *
 * @param pipeline the pipeline
 * @param position the opening parenthesis
 */
public record WrappedPipeline(Pipeline pipeline, Position position) implements SpansetExpr {
  /** Checks for nulls. */
  public WrappedPipeline {
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(position, "position");
  }
}
