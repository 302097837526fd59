package io.tracestore.traceql.ast;

/** Post-processing of metrics series: {@link TopK} or a {@link MetricsFilter}. */
public sealed interface SecondStage extends Node permits TopK, MetricsFilter {}
