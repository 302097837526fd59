/**
 * Test support: {@link io.tracestore.testing.WorkloadGenerator}, a seeded, deterministic generator
 * of realistic microservice traces (configured by {@link io.tracestore.testing.WorkloadConfig}) for
 * tests, JMH benchmarks and the demo.
 */
package io.tracestore.testing;
