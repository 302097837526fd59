package io.tracestore.traceql.ast;

/**
 * Any node of a TraceQL abstract syntax tree.
 *
 * <p>All implementations are immutable records (lists are unmodifiable copies), safe to share
 * between threads, and never hold {@code null} components unless a component's documentation says
 * so. Equality is structural and ignores {@link Position source positions}.
 */
public sealed interface Node
    permits Query, QueryBody, PipelineStage, FieldExpr, ScalarExpr, MetricsExpr, FirstStage,
        SecondStage, Hint {
  /** Where the node was written; {@link Position#NONE} for nodes built by code. */
  Position position();
}
