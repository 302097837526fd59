package io.tracestore.api;

/** A search ran past its request's timeout and was stopped. */
public class SearchTimeoutException extends TraceStoreException {
  private static final long serialVersionUID = 1L;

  public SearchTimeoutException(String message) {
    super(message);
  }
}
