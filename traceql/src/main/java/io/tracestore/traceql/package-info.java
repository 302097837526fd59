/**
 * TraceQL front end: {@link io.tracestore.traceql.TraceQL} parses, validates and prints queries;
 * {@link io.tracestore.traceql.TraceQLException} reports every rejection with a kind, line and
 * column; {@link io.tracestore.traceql.TraceQLOptions} bounds what untrusted input may cost.
 *
 * <p>Everything here is thread-safe and never returns null. The syntax tree lives in {@link
 * io.tracestore.traceql.ast}; {@code io.tracestore.traceql.parser} is internal (generated ANTLR
 * code and the tree builder) and may change without notice.
 */
package io.tracestore.traceql;
