package io.tracestore.api;

/** The base of every exception TraceStore throws on purpose. Unchecked. */
public class TraceStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TraceStoreException(String message) {
    super(message);
  }

  public TraceStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
