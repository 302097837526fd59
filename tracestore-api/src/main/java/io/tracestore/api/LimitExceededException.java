package io.tracestore.api;

/**
 * An append was refused because it would pass one of the store's configured limits; nothing of
 * the batch was stored. The message names the limit and its value.
 */
public class LimitExceededException extends TraceStoreException {
  private static final long serialVersionUID = 1L;

  public LimitExceededException(String message) {
    super(message);
  }
}
