package io.tracestore.junit5;

import io.tracestore.api.TraceStore;

/**
 * Entry point of the TraceQL assertions:
 *
 * <pre>{@code
 * import static io.tracestore.junit5.TraceStoreAssertions.assertThat;
 *
 * assertThat(store)
 *     .hasTraceMatching("{ name = \"GET /cart\" } >> { status = error }")
 *     .hasNoSpanMatching("{ span.db.statement =~ \".*DROP.*\" }")
 *     .hasSpanCountMatching("{ name = \"SELECT\" }", 3);
 * }</pre>
 *
 * Stateless and thread-safe.
 */
public final class TraceStoreAssertions {
  private TraceStoreAssertions() {}

  /** Assertions on the spans in {@code store}. */
  public static TraceStoreAssert assertThat(TraceStore store) {
    return new TraceStoreAssert(store);
  }
}
