package io.tracestore.api;

import java.time.Duration;

/**
 * An append was refused by the store's ingestion rate limit; nothing of the batch was stored.
 * Retry after {@link #retryAfter()}.
 */
public class RateLimitedException extends LimitExceededException {
  private static final long serialVersionUID = 1L;
  private final Duration retryAfter;

  public RateLimitedException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = retryAfter;
  }

  /** How long until the same batch would be accepted at the configured rate. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
