package io.tracestore.traceql;

import com.google.re2j.Pattern;
import io.tracestore.traceql.ast.Query;
import io.tracestore.traceql.parser.QueryParser;
import java.util.Objects;

/**
 * Entry point of the TraceQL front end: parse, validate and print queries.
 *
 * <pre>{@code
 * Query q = TraceQL.parse("{ resource.service.name = \"checkout\" && duration > 2s }");
 * String canonical = TraceQL.print(q);   // same as q.toString()
 * }</pre>
 *
 * <p>All methods are static, stateless and thread-safe. Inputs must not be null. Every rejection
 * is a {@link TraceQLException} whose {@link TraceQLException#kind() kind} tells syntax errors,
 * semantic errors, unsupported constructs and exceeded limits apart; no other exception escapes
 * for any input string. The language follows Grafana Tempo's TraceQL, including its operator
 * precedence (notably {@code &&} and {@code ||} share one precedence level and associate to the
 * left).
 */
public final class TraceQL {
  private TraceQL() {}

  /**
   * Parses and validates {@code query} with {@link TraceQLOptions#defaults() default limits}.
   *
   * @return the validated query, never null
   * @throws TraceQLException SYNTAX, INVALID, UNSUPPORTED or LIMIT
   */
  public static Query parse(String query) {
    return parse(query, TraceQLOptions.defaults());
  }

  /**
   * Parses and validates {@code query} with the given limits.
   *
   * @return the validated query, never null
   * @throws TraceQLException SYNTAX, INVALID, UNSUPPORTED or LIMIT
   */
  public static Query parse(String query, TraceQLOptions options) {
    Query q = QueryParser.parse(query, options);
    QueryValidator.validate(q, query);
    return q;
  }

  /**
   * Parses {@code query} without semantic validation, for tools (formatters, editors) that want
   * the syntax tree of queries that would fail validation or are unsupported.
   *
   * @return the query, never null
   * @throws TraceQLException SYNTAX or LIMIT
   */
  public static Query parseWithoutValidation(String query) {
    return parseWithoutValidation(query, TraceQLOptions.defaults());
  }

  /**
   * Parses {@code query} with the given limits, without semantic validation.
   *
   * @return the query, never null
   * @throws TraceQLException SYNTAX or LIMIT
   */
  public static Query parseWithoutValidation(String query, TraceQLOptions options) {
    return QueryParser.parse(query, options);
  }

  /**
   * Validates a query built by code or by {@link #parseWithoutValidation(String)}. Error messages
   * carry the nodes' positions but no source snippet.
   *
   * @throws TraceQLException INVALID or UNSUPPORTED
   */
  public static void validate(Query query) {
    QueryValidator.validate(Objects.requireNonNull(query, "query"), null);
  }

  /**
   * The canonical text of {@code query}. For every query produced by the parser, {@code
   * parse(print(q)).equals(q)}.
   */
  public static String print(Query query) {
    return QueryPrinter.print(Objects.requireNonNull(query, "query"));
  }

  /**
   * Compiles a TraceQL regular expression (the right side of {@code =~} and {@code !~}) with RE2/J,
   * whose matching time is linear in the input. TraceQL regexes are fully anchored: use {@link
   * com.google.re2j.Matcher#matches()} on the result.
   *
   * @throws com.google.re2j.PatternSyntaxException if the pattern is not valid RE2 syntax
   */
  public static Pattern regex(String pattern) {
    return Pattern.compile(Objects.requireNonNull(pattern, "pattern"));
  }
}
