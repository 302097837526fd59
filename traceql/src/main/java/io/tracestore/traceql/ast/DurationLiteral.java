package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * A duration literal such as {@code 1s}, {@code 1h30m}, {@code 1.5ms}, {@code 2d}; held in
 * nanoseconds (signed 64-bit, so about ±292 years).
 *
 * @param nanos the duration in nanoseconds
 * @param position first character of the literal (or of its minus sign)
 */
public record DurationLiteral(long nanos, Position position) implements Literal {
  /** Checks for nulls. */
  public DurationLiteral {
    Objects.requireNonNull(position, "position");
  }

  /** Shorthand without position. */
  public static DurationLiteral of(long nanos) {
    return new DurationLiteral(nanos, Position.NONE);
  }

  @Override
  public ValueType type() {
    return ValueType.DURATION;
  }
}
