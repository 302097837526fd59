package io.tracestore.traceql.ast;

/** One stage of a {@link Pipeline}. */
public sealed interface PipelineStage extends Node
    permits SpansetExpr, ScalarFilter, GroupBy, Coalesce, Select {}
