/**
 * Testing instrumented code with TraceStore: {@link io.tracestore.junit5.TraceStoreExtension} gives
 * each JUnit 5 test an OpenTelemetry SDK exporting into a fresh in-memory store, and
 * {@link io.tracestore.junit5.TraceStoreAssertions} asserts on the stored spans with TraceQL.
 */
package io.tracestore.junit5;
