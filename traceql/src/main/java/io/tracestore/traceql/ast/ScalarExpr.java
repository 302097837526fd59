package io.tracestore.traceql.ast;

/**
 * A numeric expression over a spanset: aggregates, number and duration literals, arithmetic, and
 * (at the root only) parenthesised scalar pipelines.
 */
public sealed interface ScalarExpr extends Node
    permits Aggregate, ScalarBinary, Literal, ScalarPipeline {}
