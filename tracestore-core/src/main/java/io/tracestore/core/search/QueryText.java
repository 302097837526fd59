package io.tracestore.core.search;

import io.tracestore.traceql.TraceQL;
import io.tracestore.traceql.ast.Aggregate;
import io.tracestore.traceql.ast.FieldExpr;
import io.tracestore.traceql.ast.GroupBy;
import io.tracestore.traceql.ast.Pipeline;
import io.tracestore.traceql.ast.Position;
import io.tracestore.traceql.ast.Query;
import java.util.List;

/**
 * The names results use for query parts, in TraceQL's canonical spelling: a field as written
 * ({@code span.http.route}, {@code resource.service.name}, {@code duration}), an aggregate
 * ({@code count()}, {@code avg(duration)}) and a grouping ({@code by(resource.service.name)}).
 * Stateless.
 */
final class QueryText {
  private QueryText() {}

  /** The canonical text of a field expression. */
  static String field(FieldExpr e) {
    String by = groupBy(e);
    return by.substring(3, by.length() - 1);
  }

  /** {@code by(<expression>)}. */
  static String groupBy(FieldExpr e) {
    Pipeline p = new Pipeline(List.of(new GroupBy(e, Position.NONE)), Position.NONE);
    return TraceQL.print(new Query(p, List.of(), Position.NONE));
  }

  /** {@code count()}, {@code avg(duration)}, ... */
  static String aggregate(Aggregate a) {
    return a.function().keyword() + "(" + (a.field() == null ? "" : field(a.field())) + ")";
  }
}
