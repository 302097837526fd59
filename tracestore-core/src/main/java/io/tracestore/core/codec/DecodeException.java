package io.tracestore.core.codec;

import io.tracestore.api.CorruptDataException;

/** Encoded bytes are malformed; the message gives the offset. */
public final class DecodeException extends CorruptDataException {
  private static final long serialVersionUID = 1L;

  public DecodeException(String message) {
    super(message);
  }
}
