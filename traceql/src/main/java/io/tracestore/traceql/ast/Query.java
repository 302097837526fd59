package io.tracestore.traceql.ast;

import io.tracestore.traceql.TraceQL;
import java.util.List;
import java.util.Objects;

/**
 * The root of a parsed TraceQL query: a body and the query hints given with {@code with(...)}.
 *
 * <p>Immutable and thread-safe; {@code hints} is an unmodifiable list, never null. {@link
 * #toString()} returns the canonical text, which parses back to an equal {@code Query}.
 *
 * @param body what the query computes
 * @param hints {@code with(name=value, ...)} hints in written order (several {@code with} clauses
 *     are merged)
 * @param position start of the query
 */
public record Query(QueryBody body, List<Hint> hints, Position position) implements Node {
  /** Checks for nulls and copies {@code hints}. */
  public Query {
    Objects.requireNonNull(body, "body");
    hints = List.copyOf(hints);
    Objects.requireNonNull(position, "position");
  }

  /** True if this is a metrics query (its body is {@link MetricsQuery} or {@link MetricsMathQuery}). */
  public boolean isMetrics() {
    return !(body instanceof Pipeline);
  }

  /** The canonical TraceQL text of this query, as {@link TraceQL#print(Query)}. */
  @Override
  public String toString() {
    return TraceQL.print(this);
  }
}
