package io.tracestore.traceql.ast;

/** The metrics function after a spanset pipeline: a {@link MetricsAggregate} or {@link Compare}. */
public sealed interface FirstStage extends Node permits MetricsAggregate, Compare {}
