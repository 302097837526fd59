package io.tracestore.core.block;

import io.tracestore.api.CorruptDataException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A byte range {@code [pos, end)} of a decompressed page, read front to back: little-endian ints,
 * the ULEB128 / zig-zag varints Parquet uses, and LSB-first bit-packed groups of 8 values (the
 * packing of the RLE/bit-packed hybrid and of DELTA_BINARY_PACKED miniblocks).
 *
 * <p>Bit unpacking reads a whole little-endian {@code long} per value through a heap {@link
 * ByteBuffer} (which the JIT turns into one unaligned load) and shifts the value out; near the end
 * of the backing array it switches to a byte-at-a-time loop that reads bytes past {@code end} as 0.
 * Not thread-safe.
 */
final class PageBuffer {
  final byte[] array;
  /** The whole of {@link #array}, little-endian: absolute indices are array indices. */
  final ByteBuffer le;
  int pos;
  final int end;

  PageBuffer(byte[] array, int offset, int length) {
    this(array, ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN), offset, offset + length);
  }

  private PageBuffer(byte[] array, ByteBuffer le, int pos, int end) {
    if (pos < 0 || end > array.length || pos > end) {
      throw new CorruptDataException("page range [" + pos + ", " + end + ") outside its " + array.length + " bytes");
    }
    this.array = array;
    this.le = le;
    this.pos = pos;
    this.end = end;
  }

  static PageBuffer of(ChunkPages.Bytes b) {
    return new PageBuffer(b.array(), b.offset(), b.length());
  }

  int remaining() {
    return end - pos;
  }

  /** Fails unless {@code n} more bytes follow. */
  void require(long n) {
    if (n < 0 || n > end - pos) {
      throw new CorruptDataException("page data ends early: " + n + " bytes needed at offset " + pos + ", " + (end - pos) + " left");
    }
  }

  /** The next {@code length} bytes as a buffer of their own; this one moves past them. */
  PageBuffer slice(int length) {
    require(length);
    PageBuffer s = new PageBuffer(array, le, pos, pos + length);
    pos += length;
    return s;
  }

  /** A buffer over the same bytes from the same position, moving on its own. */
  PageBuffer duplicate() {
    return new PageBuffer(array, le, pos, end);
  }

  int readByte() {
    require(1);
    return array[pos++] & 0xff;
  }

  int readIntLE() {
    require(4);
    int v = le.getInt(pos);
    pos += 4;
    return v;
  }

  /** A little-endian unsigned value of {@code bytes} (0..4) bytes, as the RLE runs hold it. */
  int readIntLE(int bytes) {
    require(bytes);
    int v = 0;
    for (int i = 0; i < bytes; i++) {
      v |= (array[pos + i] & 0xff) << (8 * i);
    }
    pos += bytes;
    return v;
  }

  int readUnsignedVarInt() {
    long v = readUnsignedVarLong();
    if (v > Integer.MAX_VALUE) {
      throw new CorruptDataException("varint " + v + " out of range at offset " + pos);
    }
    return (int) v;
  }

  long readUnsignedVarLong() {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      v |= (long) (b & 0x7f) << shift;
      if (b < 0x80) {
        return v;
      }
    }
    throw new CorruptDataException("varint longer than 10 bytes at offset " + pos);
  }

  long readZigZagVarLong() {
    long v = readUnsignedVarLong();
    return (v >>> 1) ^ -(v & 1);
  }

  /**
   * Unpacks the 8 values of {@code width} bits (0..32) packed LSB-first into the {@code width}
   * bytes at absolute index {@code at}, into {@code out[o..o+8)}. Does not move {@link #pos}.
   */
  void unpack8(int at, int width, int[] out, int o) {
    if (width == 0) {
      Arrays.fill(out, o, o + 8, 0);
    } else if (at + width + 8 > array.length) { // near the end of the array: bytes past the end read as 0
      long mask = (1L << width) - 1;
      for (int i = 0, bit = 0; i < 8; i++, bit += width) {
        out[o + i] = (int) ((wordAt(at + (bit >>> 3)) >>> (bit & 7)) & mask);
      }
    } else if (width <= 8) {
      long word = le.getLong(at); // all 8 values lie in these 8 bytes
      int mask = (1 << width) - 1;
      for (int i = 0; i < 8; i++) {
        out[o + i] = (int) (word >>> (i * width)) & mask;
      }
    } else {
      long mask = (1L << width) - 1;
      for (int i = 0, bit = 0; i < 8; i++, bit += width) {
        out[o + i] = (int) ((le.getLong(at + (bit >>> 3)) >>> (bit & 7)) & mask);
      }
    }
  }

  /** As {@link #unpack8(int, int, int[], int)} for widths 0..64. */
  void unpack8(int at, int width, long[] out, int o) {
    if (width == 0) {
      Arrays.fill(out, o, o + 8, 0L);
    } else if (at + width + 9 > array.length) { // near the end of the array: bytes past the end read as 0
      long mask = width == 64 ? -1L : (1L << width) - 1;
      for (int i = 0, bit = 0; i < 8; i++, bit += width) {
        int idx = at + (bit >>> 3);
        int shift = bit & 7;
        long v = wordAt(idx) >>> shift;
        if (shift + width > 64) {
          v |= (wordAt(idx + 8) & 0xff) << (64 - shift);
        }
        out[o + i] = v & mask;
      }
    } else {
      long mask = width == 64 ? -1L : (1L << width) - 1;
      for (int i = 0, bit = 0; i < 8; i++, bit += width) {
        int idx = at + (bit >>> 3);
        int shift = bit & 7;
        long v = le.getLong(idx) >>> shift;
        if (shift + width > 64) {
          v |= (long) (array[idx + 8] & 0xff) << (64 - shift);
        }
        out[o + i] = v & mask;
      }
    }
  }

  /**
   * The little-endian long of the 8 bytes at absolute index {@code idx}; near the end of the
   * array, bytes at or past {@link #end} read as 0.
   */
  long longAt(int idx) {
    return idx + 8 <= array.length ? le.getLong(idx) : wordAt(idx);
  }

  /** The little-endian long of the 8 bytes at {@code idx}, bytes at or past {@link #end} as 0. */
  private long wordAt(int idx) {
    long v = 0;
    for (int i = 0, last = Math.min(8, end - idx); i < last; i++) {
      v |= (array[idx + i] & 0xffL) << (8 * i);
    }
    return v;
  }
}
