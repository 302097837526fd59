package io.tracestore.benchmarks;

import java.util.Set;

/**
 * The queries of {@link SearchVsDuckDbBenchmark}: each TraceQL query with the DuckDB SQL that
 * returns the same traces over the same {@code data.parquet} files (a view {@code spans} over
 * {@code read_parquet(glob, union_by_name = true)}).
 *
 * <p>Search queries return what TraceStore's search returns at trace level: the newest {@code
 * limit} matching traces by trace start (ties by trace id), with root service, root name and
 * duration. The SQL relies on each trace living whole in one block (as {@link SearchDataset}
 * writes them): the block's trace-level columns are then the trace's, and its nested-set numbers
 * cover the whole trace.
 *
 * <p>An attribute's value is in its dedicated column ({@code "span.<key>"}) in blocks that gave the
 * key one, and otherwise in the generic list {@code span_attrs}; blocks choose their dedicated
 * columns themselves. So the SQL reads the column alone when every file has it (the format then
 * never puts a value of the column's type in the list), the list alone when no file has it, and
 * {@code coalesce(column, list lookup)} otherwise. Only the value type the workload uses for the
 * key is looked up.
 */
public enum SearchVsDuckDbQuery {
  /** (a) Slow checkout errors: the query. */
  A_SLOW_ERRORS("{ resource.service.name = \"checkout\" && duration > 2s && status = error }") {
    @Override
    String sql(Columns columns, int limit) {
      return filter("service_name = 'checkout' AND duration_nano > 2000000000 AND status_code = 2", limit);
    }
  },
  /** (b) Traces with more than two 5xx spans. */
  B_COUNT("{ span.http.status_code >= 500 } | count() > 2") {
    @Override
    String sql(Columns columns, int limit) {
      return "SELECT " + TRACE_FIELDS + " FROM spans WHERE " + attr(columns, "http.status_code", INT) + " >= 500"
          + " GROUP BY trace_id HAVING count(*) > 2" + order(limit);
    }
  },
  /** (c) Traces whose checkout spans average more than 100 ms. */
  C_AVG("{ resource.service.name = \"checkout\" } | avg(duration) > 100ms") {
    @Override
    String sql(Columns columns, int limit) {
      return "SELECT " + TRACE_FIELDS + " FROM spans WHERE service_name = 'checkout'"
          + " GROUP BY trace_id HAVING avg(duration_nano) > 100000000" + order(limit);
    }
  },
  /** (d) Trace by id: {@code findTrace} against {@code SELECT * ... WHERE trace_id = ?}. */
  D_TRACE_BY_ID(null) {
    @Override
    String sql(Columns columns, int limit) {
      return "SELECT * FROM spans WHERE trace_id = ?";
    }
  },
  /** (e) A failed checkout span whose parent is a frontend span. */
  E_CHILD("{ resource.service.name = \"frontend\" } > { resource.service.name = \"checkout\" && status = error }") {
    @Override
    String sql(Columns columns, int limit) {
      return structural("p.span_id = c.parent_span_id", limit);
    }
  },
  /** (e2) A failed checkout span below a frontend span, at any depth. */
  E2_DESCENDANT("{ resource.service.name = \"frontend\" } >> { resource.service.name = \"checkout\" && status = error }") {
    @Override
    String sql(Columns columns, int limit) {
      return structural("p.nested_set_left < c.nested_set_left AND c.nested_set_right < p.nested_set_right", limit);
    }
  },
  /**
   * (f) Server spans of the cart routes. The workload has no {@code /api/...} routes; its {@code
   * http.route}s are {@code /cart}, {@code /cart/{userId}}, {@code /product/{id}}, ...
   */
  F_ROUTE_REGEX("{ span.http.route =~ \"/cart.*\" && kind = server }") {
    @Override
    String sql(Columns columns, int limit) {
      return filter("kind = 2 AND regexp_full_match(" + attr(columns, "http.route", STR) + ", '/cart.*')", limit);
    }
  },
  /** (g) Equality on an attribute that no block gives a dedicated column (about 1 % of spans). */
  G_GENERIC_EQ("{ span.app.payment.card_type = \"amex\" }") {
    @Override
    String sql(Columns columns, int limit) {
      return filter(attr(columns, "app.payment.card_type", STR) + " = 'amex'", limit);
    }
  },
  /** (h) Substring regex on a high-cardinality string (one 32-hex-digit session id per trace). */
  H_SUBSTRING_REGEX("{ span.session.id =~ \".*abc.*\" }") {
    @Override
    String sql(Columns columns, int limit) {
      return filter("regexp_full_match(" + attr(columns, "session.id", STR) + ", '.*abc.*')", limit);
    }
  };

  /** The trace-level fields of a result, one row per trace. */
  static final String TRACE_FIELDS = "trace_id, max(trace_start_unix_nano) AS start,"
      + " any_value(trace_root_service) AS root_service, any_value(trace_root_name) AS root_name,"
      + " max(trace_duration_nano) AS duration";

  private static final int STR = 0;
  private static final int INT = 1;

  /** TraceQL text; null for the trace-by-id lookup. */
  final String traceQl;

  SearchVsDuckDbQuery(String traceQl) {
    this.traceQl = traceQl;
  }

  /**
   * The SQL for this query over the view {@code spans} whose columns are {@code columns}: trace-level
   * rows, newest trace start first, at most {@code limit} (0 = all).
   */
  abstract String sql(Columns columns, int limit);

  private static String filter(String predicate, int limit) {
    return "SELECT " + TRACE_FIELDS + " FROM spans WHERE " + predicate + " GROUP BY trace_id" + order(limit);
  }

  /** Traces with a failed checkout span {@code c} and a frontend span {@code p} related by {@code on}. */
  private static String structural(String on, int limit) {
    return "SELECT c.trace_id, max(c.trace_start_unix_nano) AS start,"
        + " any_value(c.trace_root_service) AS root_service, any_value(c.trace_root_name) AS root_name,"
        + " max(c.trace_duration_nano) AS duration"
        + " FROM spans c JOIN spans p ON p.trace_id = c.trace_id AND " + on
        + " WHERE p.service_name = 'frontend' AND c.service_name = 'checkout' AND c.status_code = 2"
        + " GROUP BY c.trace_id" + order(limit);
  }

  private static String order(int limit) {
    return " ORDER BY start DESC, trace_id" + (limit > 0 ? " LIMIT " + limit : "");
  }

  /** A span attribute's value of the given generic {@code type}: 0 string, 1 int. */
  private static String attr(Columns columns, String key, int type) {
    String field = type == STR ? "str" : "int";
    String generic = "list_filter(span_attrs, lambda a: a.key = '" + key + "' AND a.type = " + type + ")[1]." + field;
    String column = "span." + key;
    if (columns.inEveryFile().contains(column)) {
      return "\"" + column + "\"";
    }
    return columns.inSomeFile().contains(column) ? "coalesce(\"" + column + "\", " + generic + ")" : generic;
  }

  /**
   * The columns of the files a query reads.
   *
   * @param inEveryFile columns every file has
   * @param inSomeFile columns at least one file has
   */
  record Columns(Set<String> inEveryFile, Set<String> inSomeFile) {}
}
