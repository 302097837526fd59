package io.tracestore.core.otlp;

import io.tracestore.api.CorruptDataException;

/**
 * OTLP input (protobuf, JSON or gzip) is malformed. The message names the problem, the byte offset
 * in the input where it was found (when known) and, for span data, the path of the offending field
 * in OTLP/JSON terms, e.g. {@code resourceSpans[0].scopeSpans[1].spans[3].traceId}.
 *
 * <p>This is the only exception the OTLP decoders throw for bad input, whatever is wrong with it.
 * Immutable.
 */
public final class OtlpFormatException extends CorruptDataException {
  private static final long serialVersionUID = 1L;

  private final long offset;
  private final String path;

  /**
   * @param problem what is wrong, without the location
   * @param offset byte offset in the input, or -1 if unknown
   * @param path field path, or the empty string if unknown
   */
  public OtlpFormatException(String problem, long offset, String path) {
    this(problem, offset, path, null);
  }

  /** As {@link #OtlpFormatException(String, long, String)}, with the underlying cause. */
  public OtlpFormatException(String problem, long offset, String path, Throwable cause) {
    super(compose(problem, offset, path), cause);
    this.offset = offset;
    this.path = path == null ? "" : path;
  }

  private static String compose(String problem, long offset, String path) {
    StringBuilder sb = new StringBuilder(problem);
    if (path != null && !path.isEmpty()) {
      sb.append(" at ").append(path);
    }
    if (offset >= 0) {
      sb.append(path != null && !path.isEmpty() ? ", byte offset " : " at byte offset ").append(offset);
    }
    return sb.toString();
  }

  /** The byte offset in the (decompressed) input where the problem was found, or -1 if unknown. */
  public long offset() {
    return offset;
  }

  /** The path of the offending field, e.g. {@code resourceSpans[0].scopeSpans[0].spans[2].spanId}, or "". */
  public String path() {
    return path;
  }
}
