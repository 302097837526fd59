package io.tracestore.api;

/**
 * Stored data failed a check (a checksum, a length, a format version): the message names the file
 * or object and the offset where known. Never thrown for a torn write at the end of a WAL, which
 * recovery truncates and logs.
 */
public class CorruptDataException extends StorageException {
  private static final long serialVersionUID = 1L;

  public CorruptDataException(String message) {
    super(message);
  }

  public CorruptDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
