package io.tracestore.api;

/**
 * An append would make one trace larger than the store's per-trace limit (counted over the spans
 * not yet cut into a block); nothing of the batch was stored. Never silently truncated.
 */
public class TraceTooLargeException extends LimitExceededException {
  private static final long serialVersionUID = 1L;
  private final TraceId traceId;

  public TraceTooLargeException(TraceId traceId, String message) {
    super(message);
    this.traceId = traceId;
  }

  /** The trace that would pass the limit. */
  public TraceId traceId() {
    return traceId;
  }
}
