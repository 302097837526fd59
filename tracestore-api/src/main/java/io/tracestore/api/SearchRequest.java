package io.tracestore.api;

import java.time.Duration;
import java.util.Objects;

/**
 * A TraceQL search: the query, the time range the matching traces must overlap, and how much to
 * return. Immutable.
 *
 * @param query TraceQL text, e.g. {@code { resource.service.name = "checkout" && status = error }}
 * @param startUnixNano only traces with a span ending at or after this instant (0 = no bound)
 * @param endUnixNano only traces with a span starting at or before this instant ({@code Long.MAX_VALUE} = no bound)
 * @param limit most traces returned (the newest by start time); 0 = no limit
 * @param spansPerSpanSet most spans listed per span set (its {@code matched} count is exact); 0 = all
 * @param timeout the search fails with {@link SearchTimeoutException} once it has run this long
 */
public record SearchRequest(String query, long startUnixNano, long endUnixNano, int limit, int spansPerSpanSet, Duration timeout) {
  /** Traces returned when no limit is given (Tempo's default). */
  public static final int DEFAULT_LIMIT = 20;
  /** Spans listed per span set when not given (Tempo's default). */
  public static final int DEFAULT_SPANS_PER_SPAN_SET = 3;
  /** How long a search may run when not given. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  public SearchRequest {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(timeout, "timeout");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0 (0 = no limit), got " + limit);
    }
    if (spansPerSpanSet < 0) {
      throw new IllegalArgumentException("spansPerSpanSet must be >= 0 (0 = all), got " + spansPerSpanSet);
    }
    if (startUnixNano > endUnixNano) {
      throw new IllegalArgumentException("start " + startUnixNano + " is after end " + endUnixNano);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
  }

  /** The query over all time with the default limits. */
  public static SearchRequest of(String query) {
    return new SearchRequest(query, 0, Long.MAX_VALUE, DEFAULT_LIMIT, DEFAULT_SPANS_PER_SPAN_SET, DEFAULT_TIMEOUT);
  }

  public SearchRequest withTimeRange(long startUnixNano, long endUnixNano) {
    return new SearchRequest(query, startUnixNano, endUnixNano, limit, spansPerSpanSet, timeout);
  }

  public SearchRequest withLimit(int limit) {
    return new SearchRequest(query, startUnixNano, endUnixNano, limit, spansPerSpanSet, timeout);
  }

  public SearchRequest withSpansPerSpanSet(int spansPerSpanSet) {
    return new SearchRequest(query, startUnixNano, endUnixNano, limit, spansPerSpanSet, timeout);
  }

  public SearchRequest withTimeout(Duration timeout) {
    return new SearchRequest(query, startUnixNano, endUnixNano, limit, spansPerSpanSet, timeout);
  }
}
