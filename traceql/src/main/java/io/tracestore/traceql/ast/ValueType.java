package io.tracestore.traceql.ast;

/** Static type of a TraceQL value, as validation infers it. */
public enum ValueType {
  /** 64-bit signed integer. */
  INT,
  /** 64-bit float. */
  FLOAT,
  /** String. */
  STRING,
  /** Boolean. */
  BOOLEAN,
  /** Duration in nanoseconds. */
  DURATION,
  /** Span status ({@code ok}, {@code error}, {@code unset}). */
  STATUS,
  /** Span kind. */
  KIND,
  /** {@code nil}. */
  NIL,
  /** Not known before evaluation (attributes). */
  UNKNOWN;

  /** INT, FLOAT or DURATION. */
  public boolean isNumeric() {
    return this == INT || this == FLOAT || this == DURATION;
  }
}
