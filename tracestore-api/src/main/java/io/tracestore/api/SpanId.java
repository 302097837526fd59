package io.tracestore.api;

import java.util.Objects;

/**
 * An 8-byte span id. Immutable and thread-safe.
 *
 * <p>The all-zero id {@link #NONE} stands for "no span": it is the parent id of a root span. It is
 * not a valid id for a span itself.
 */
public final class SpanId implements Comparable<SpanId> {
  /** Number of bytes in a span id. */
  public static final int BYTES = 8;
  /** The all-zero id: no span (the parent of a root). */
  public static final SpanId NONE = new SpanId(0);

  private final long value;

  private SpanId(long value) {
    this.value = value;
  }

  /** The id whose 8 big-endian bytes are {@code value}. */
  public static SpanId of(long value) {
    return value == 0 ? NONE : new SpanId(value);
  }

  /**
   * Parses 16 hex digits, upper or lower case.
   *
   * @throws IllegalArgumentException naming the problem if the text is not exactly 16 hex digits
   */
  public static SpanId fromHex(CharSequence hex) {
    Objects.requireNonNull(hex, "hex");
    if (hex.length() != 2 * BYTES) {
      throw new IllegalArgumentException(
          "span id must be 16 hex digits, got " + hex.length() + " characters: \"" + hex + "\"");
    }
    return of(Hex.parseLong(hex, 0, "span id"));
  }

  /**
   * Reads exactly 8 bytes.
   *
   * @throws IllegalArgumentException if {@code bytes} is not exactly 8 bytes long
   */
  public static SpanId fromBytes(byte[] bytes) {
    if (bytes.length != BYTES) {
      throw new IllegalArgumentException("span id must be 8 bytes, got " + bytes.length);
    }
    return fromBytes(bytes, 0);
  }

  /** Reads 8 bytes of {@code bytes} starting at {@code offset}. */
  public static SpanId fromBytes(byte[] bytes, int offset) {
    Objects.checkFromIndexSize(offset, BYTES, bytes.length);
    return of(Hex.readLong(bytes, offset));
  }

  /** The 8 bytes as a big-endian long. */
  public long value() {
    return value;
  }

  /** False for {@link #NONE}. */
  public boolean isValid() {
    return value != 0;
  }

  /** A fresh 8-byte array. */
  public byte[] toBytes() {
    byte[] b = new byte[BYTES];
    Hex.writeLong(value, b, 0);
    return b;
  }

  /** Writes the 8 bytes into {@code dst} at {@code offset}. */
  public void writeTo(byte[] dst, int offset) {
    Hex.writeLong(value, dst, offset);
  }

  /** 16 lower-case hex digits. */
  public String toHex() {
    StringBuilder sb = new StringBuilder(16);
    Hex.appendLong(sb, value);
    return sb.toString();
  }

  @Override
  public int compareTo(SpanId o) {
    return Long.compareUnsigned(value, o.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpanId s && s.value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  @Override
  public String toString() {
    return toHex();
  }
}
