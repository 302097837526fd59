package io.tracestore.api;

/** A span's kind, with OTLP's integer codes. */
public enum SpanKind {
  UNSPECIFIED(0),
  INTERNAL(1),
  SERVER(2),
  CLIENT(3),
  PRODUCER(4),
  CONSUMER(5);

  private static final SpanKind[] BY_CODE = values();
  private final int code;

  SpanKind(int code) {
    this.code = code;
  }

  /** OTLP's integer for this kind, as stored in the {@code kind} column. */
  public int code() {
    return code;
  }

  /**
   * The kind with OTLP code {@code code}.
   *
   * @throws IllegalArgumentException for a code OTLP does not define
   */
  public static SpanKind fromCode(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      throw new IllegalArgumentException("unknown span kind code " + code + " (OTLP defines 0..5)");
    }
    return BY_CODE[code];
  }
}
