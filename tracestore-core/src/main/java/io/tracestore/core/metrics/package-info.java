/**
 * The store's self-observability: {@link io.tracestore.core.metrics.StoreMetrics} reports counters,
 * gauges and a latency histogram named {@code tracestore.*} through the OpenTelemetry metrics API
 * (a no-op unless the application installs an SDK). Instrument names are listed in
 * {@code docs/operations.md}.
 */
package io.tracestore.core.metrics;
