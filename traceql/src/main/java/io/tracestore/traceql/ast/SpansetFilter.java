package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * {@code { expression }}: selects the spans for which {@code expression} is true. The empty
 * filter {@code {}} is represented with {@code expression = BoolLiteral(true)}.
 *
 * @param expression the condition, never null
 * @param position the opening brace
 */
public record SpansetFilter(FieldExpr expression, Position position) implements SpansetExpr {
  /** Checks for nulls. */
  public SpansetFilter {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(position, "position");
  }
}
