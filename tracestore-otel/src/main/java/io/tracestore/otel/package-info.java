/**
 * OpenTelemetry SDK integration: {@link io.tracestore.otel.TraceStoreSpanExporter} writes the
 * SDK's spans into a {@link io.tracestore.api.TraceStore}, and
 * {@link io.tracestore.otel.TraceStoreSpanExporterProvider} makes it available to SDK autoconfigure
 * as {@code otel.traces.exporter=tracestore}.
 */
package io.tracestore.otel;
