package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * {@code coalesce()}: merges the spansets of a trace back into one.
 *
 * @param position the {@code coalesce} keyword
 */
public record Coalesce(Position position) implements PipelineStage {
  /** Checks for nulls. */
  public Coalesce {
    Objects.requireNonNull(position, "position");
  }
}
