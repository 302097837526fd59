package io.tracestore.api;

import java.util.Objects;

/**
 * A 16-byte trace id, as OpenTelemetry defines it. Immutable and thread-safe.
 *
 * <p>Ids order as unsigned big-endian byte strings, the order of the {@code trace_id} column in a
 * block. The all-zero id is representable (decoders meet it) but {@link #isValid() invalid}:
 * {@code TraceStore.append} rejects spans that carry it.
 */
public final class TraceId implements Comparable<TraceId> {
  /** Number of bytes in a trace id. */
  public static final int BYTES = 16;
  /** The all-zero, invalid id. */
  public static final TraceId INVALID = new TraceId(0, 0);

  private final long high;
  private final long low;

  private TraceId(long high, long low) {
    this.high = high;
    this.low = low;
  }

  /** The id whose first 8 bytes are {@code high} and last 8 are {@code low}, big-endian. */
  public static TraceId of(long high, long low) {
    return (high == 0 && low == 0) ? INVALID : new TraceId(high, low);
  }

  /**
   * Parses 32 hex digits, upper or lower case.
   *
   * @throws IllegalArgumentException naming the problem if the text is not exactly 32 hex digits
   */
  public static TraceId fromHex(CharSequence hex) {
    Objects.requireNonNull(hex, "hex");
    if (hex.length() != 2 * BYTES) {
      throw new IllegalArgumentException(
          "trace id must be 32 hex digits, got " + hex.length() + " characters: \"" + hex + "\"");
    }
    return of(Hex.parseLong(hex, 0, "trace id"), Hex.parseLong(hex, 16, "trace id"));
  }

  /**
   * Reads 16 bytes of {@code bytes}.
   *
   * @throws IllegalArgumentException if {@code bytes} is not exactly 16 bytes long
   */
  public static TraceId fromBytes(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("trace id must be 16 bytes, got " + bytes.length);
    }
    return fromBytes(bytes, 0);
  }

  /** Reads 16 bytes of {@code bytes} starting at {@code offset}. */
  public static TraceId fromBytes(byte[] bytes, int offset) {
    Objects.checkFromIndexSize(offset, BYTES, bytes.length);
    return of(Hex.readLong(bytes, offset), Hex.readLong(bytes, offset + 8));
  }

  /** The first 8 bytes, big-endian. */
  public long high() {
    return high;
  }

  /** The last 8 bytes, big-endian. */
  public long low() {
    return low;
  }

  /** False for the all-zero id. */
  public boolean isValid() {
    return high != 0 || low != 0;
  }

  /** A fresh 16-byte array. */
  public byte[] toBytes() {
    byte[] b = new byte[BYTES];
    writeTo(b, 0);
    return b;
  }

  /** Writes the 16 bytes into {@code dst} at {@code offset}. */
  public void writeTo(byte[] dst, int offset) {
    Hex.writeLong(high, dst, offset);
    Hex.writeLong(low, dst, offset + 8);
  }

  /** 32 lower-case hex digits. */
  public String toHex() {
    StringBuilder sb = new StringBuilder(32);
    Hex.appendLong(sb, high);
    Hex.appendLong(sb, low);
    return sb.toString();
  }

  @Override
  public int compareTo(TraceId o) {
    int c = Long.compareUnsigned(high, o.high);
    return c != 0 ? c : Long.compareUnsigned(low, o.low);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TraceId t && t.high == high && t.low == low;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(high * 31 + low);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
