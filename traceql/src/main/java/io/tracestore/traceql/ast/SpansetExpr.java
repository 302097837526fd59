package io.tracestore.traceql.ast;

/**
 * An expression producing spansets: a filter {@code { ... }}, an operation between two spanset
 * expressions ({@code &&}, {@code ||}, structural operators), or a parenthesised pipeline used as
 * an operand ({@code ({ a } | count() > 1) >> ({ b })}).
 */
public sealed interface SpansetExpr extends PipelineStage
    permits SpansetFilter, SpansetOperation, WrappedPipeline {}
