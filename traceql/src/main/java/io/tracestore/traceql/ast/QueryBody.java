package io.tracestore.traceql.ast;

/**
 * What a {@link Query} computes: a spanset {@link Pipeline}, a {@link MetricsQuery}, or
 * arithmetic between metrics queries ({@link MetricsMathQuery}).
 */
public sealed interface QueryBody extends Node permits Pipeline, MetricsQuery, MetricsMathQuery {}
