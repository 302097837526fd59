package io.tracestore.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer with varint and UTF-8 writers. Not thread-safe. */
public final class ByteSink {
  private byte[] buf;
  private int size;

  public ByteSink(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  private void ensure(int extra) {
    if (size + extra > buf.length) {
      long wanted = Math.max((long) buf.length * 2, (long) size + extra);
      if (wanted > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("encoded data exceeds 2 GiB");
      }
      buf = Arrays.copyOf(buf, (int) wanted);
    }
  }

  public int size() {
    return size;
  }

  /** Forgets the content, keeping the capacity. */
  public void reset() {
    size = 0;
  }

  public void writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  public void writeBytes(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  /** Unsigned LEB128. */
  public void writeVarLong(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
  }

  public void writeVarInt(int v) {
    writeVarLong(v & 0xFFFFFFFFL);
  }

  /** Zig-zag LEB128, for values that may be negative. */
  public void writeZigZag(long v) {
    writeVarLong((v << 1) ^ (v >> 63));
  }

  public void writeLong(long v) {
    ensure(8);
    for (int i = 7; i >= 0; i--) {
      buf[size + i] = (byte) v;
      v >>>= 8;
    }
    size += 8;
  }

  public void writeInt(int v) {
    ensure(4);
    buf[size] = (byte) (v >>> 24);
    buf[size + 1] = (byte) (v >>> 16);
    buf[size + 2] = (byte) (v >>> 8);
    buf[size + 3] = (byte) v;
    size += 4;
  }

  /** Overwrites 4 bytes at {@code pos} (which must already be written). */
  public void setInt(int pos, int v) {
    buf[pos] = (byte) (v >>> 24);
    buf[pos + 1] = (byte) (v >>> 16);
    buf[pos + 2] = (byte) (v >>> 8);
    buf[pos + 3] = (byte) v;
  }

  /** Length-prefixed UTF-8. The caller guarantees well-formed UTF-16 (validation does). */
  public void writeString(String s) {
    int n = s.length();
    boolean ascii = true;
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      writeVarInt(n);
      ensure(n);
      s.getBytes(0, n, buf, size); // deprecated but exact for ASCII, and fastest
      size += n;
    } else {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      writeVarInt(b.length);
      writeBytes(b, 0, b.length);
    }
  }

  public void writeLengthPrefixed(byte[] b) {
    writeVarInt(b.length);
    writeBytes(b, 0, b.length);
  }

  /** The backing array; valid up to {@link #size()}. */
  public byte[] array() {
    return buf;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
