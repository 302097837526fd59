package io.tracestore.traceql.ast;

/**
 * An operand of metrics arithmetic: a (parenthesised) {@link MetricsQuery}, a number literal, or
 * another {@link MetricsMath}.
 */
public sealed interface MetricsExpr extends Node permits MetricsQuery, MetricsMath, Literal {}
