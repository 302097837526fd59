package io.tracestore.testing;

/**
 * Which part of the simulated online shop a {@link WorkloadGenerator} exercises.
 *
 * <p>Both topologies use the same services, resources and instrumentation; they differ in which
 * front-end routes arrive and so in how deep and wide the traces are.
 */
public enum Topology {
  /**
   * The whole shop: browsing, cart, search, checkout (which fans out to cart, product-catalog,
   * currency, shipping, payment and email and publishes an order event to Kafka that accounting and
   * fraud-detection consume in traces of their own). Traces average roughly 20 spans.
   */
  ONLINE_SHOP,
  /**
   * Browsing only ({@code GET /}, {@code GET /product/{id}}, {@code GET /search}): frontend,
   * product-catalog, recommendation, currency, postgres and redis. Small traces, no messaging.
   */
  BROWSE_ONLY
}
