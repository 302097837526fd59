package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * An aggregate over a spanset: {@code count()}, {@code avg(f)}, {@code min(f)}, {@code max(f)},
 * {@code sum(f)}.
 *
 * @param function the function
 * @param field the aggregated expression; {@code null} exactly when {@code function} is COUNT
 * @param position the function name
 */
public record Aggregate(AggregateFunction function, FieldExpr field, Position position)
    implements ScalarExpr {
  /** Checks that {@code field} is null exactly for COUNT. */
  public Aggregate {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(position, "position");
    if ((function == AggregateFunction.COUNT) != (field == null)) {
      throw new IllegalArgumentException("count() takes no field, the other aggregates one");
    }
  }
}
