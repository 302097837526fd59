package io.tracestore.traceql.ast;

import java.util.List;
import java.util.Objects;

/**
 * Stages separated by {@code |}, evaluated left to right: {@code { a } | count() > 2 | by(.x)}.
 *
 * <p>Immutable; {@code stages} is an unmodifiable, non-empty list.
 *
 * @param stages the stages, at least one
 * @param position start of the first stage
 */
public record Pipeline(List<PipelineStage> stages, Position position) implements QueryBody {
  /** Copies {@code stages} and checks it is not empty. */
  public Pipeline {
    stages = List.copyOf(stages);
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("a pipeline has at least one stage");
    }
    Objects.requireNonNull(position, "position");
  }
}
