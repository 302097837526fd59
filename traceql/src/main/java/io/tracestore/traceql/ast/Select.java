package io.tracestore.traceql.ast;

import java.util.List;
import java.util.Objects;

/**
 * {@code select(a, b, ...)}: asks for extra fields to be returned with matched spans.
 *
 * @param fields the fields, at least one; unmodifiable
 * @param position the {@code select} keyword
 */
public record Select(List<FieldRef> fields, Position position) implements PipelineStage {
  /** Copies {@code fields} and checks it is not empty. */
  public Select {
    fields = List.copyOf(fields);
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("select() needs at least one field");
    }
    Objects.requireNonNull(position, "position");
  }
}
