package io.tracestore.core.codec;

import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link ByteSink} wrote. Every read checks bounds and throws {@link DecodeException}
 * with the offset on malformed input; never an index exception, never an allocation larger than the
 * remaining input. Not thread-safe.
 */
public final class ByteSource {
  private final byte[] buf;
  private final int end;
  private int pos;

  public ByteSource(byte[] buf, int off, int len) {
    this.buf = buf;
    this.pos = off;
    this.end = off + len;
  }

  public int position() {
    return pos;
  }

  public int remaining() {
    return end - pos;
  }

  private void need(int n) {
    if (n < 0 || end - pos < n) {
      throw new DecodeException("truncated input: need " + n + " bytes at offset " + pos + ", have " + (end - pos));
    }
  }

  public int readByte() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  public long readVarLong() {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(1);
      byte b = buf[pos++];
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new DecodeException("varint longer than 10 bytes at offset " + pos);
  }

  public int readVarInt() {
    long v = readVarLong();
    if ((v >>> 32) != 0) {
      throw new DecodeException("varint " + v + " does not fit 32 bits at offset " + pos);
    }
    return (int) v;
  }

  /** A non-negative length no larger than the remaining input. */
  public int readLength() {
    int at = pos;
    int n = readVarInt();
    if (n < 0 || n > end - pos) {
      throw new DecodeException("length " + (n & 0xFFFFFFFFL) + " at offset " + at + " runs past the end");
    }
    return n;
  }

  /** A count of items each at least {@code minItemBytes} long, checked against the remaining input. */
  public int readCount(int minItemBytes) {
    int at = pos;
    int n = readVarInt();
    if (n < 0 || (long) n * Math.max(1, minItemBytes) > end - pos) {
      throw new DecodeException("count " + (n & 0xFFFFFFFFL) + " at offset " + at + " exceeds the input");
    }
    return n;
  }

  public long readZigZag() {
    long v = readVarLong();
    return (v >>> 1) ^ -(v & 1);
  }

  public long readLong() {
    need(8);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[pos++] & 0xFF);
    }
    return v;
  }

  public int readInt() {
    need(4);
    int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
    pos += 4;
    return v;
  }

  public String readString() {
    int n = readLength();
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  public byte[] readLengthPrefixed() {
    int n = readLength();
    byte[] b = new byte[n];
    System.arraycopy(buf, pos, b, 0, n);
    pos += n;
    return b;
  }
}
