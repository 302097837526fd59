package io.tracestore.api;

/** Reading or writing the underlying storage failed; the cause holds the I/O error. */
public class StorageException extends TraceStoreException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
