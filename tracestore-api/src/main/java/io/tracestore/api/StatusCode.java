package io.tracestore.api;

/** A span's status code, with OTLP's integer codes: 0 unset, 1 ok, 2 error. */
public enum StatusCode {
  UNSET(0),
  OK(1),
  ERROR(2);

  private static final StatusCode[] BY_CODE = values();
  private final int code;

  StatusCode(int code) {
    this.code = code;
  }

  /** OTLP's integer for this status, as stored in the {@code status_code} column. */
  public int code() {
    return code;
  }

  /**
   * The status with OTLP code {@code code}.
   *
   * @throws IllegalArgumentException for a code OTLP does not define
   */
  public static StatusCode fromCode(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      throw new IllegalArgumentException("unknown status code " + code + " (OTLP defines 0..2)");
    }
    return BY_CODE[code];
  }
}
