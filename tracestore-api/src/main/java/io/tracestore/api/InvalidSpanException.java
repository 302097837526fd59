package io.tracestore.api;

/**
 * A span was refused: the message names the span (trace id, span id, position in the batch) and
 * the field. When {@code append} throws it, nothing of that batch was stored.
 */
public class InvalidSpanException extends TraceStoreException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public InvalidSpanException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The offending field, e.g. {@code "spanId"} or {@code "attributes[http.url]"}. */
  public String field() {
    return field;
  }
}
