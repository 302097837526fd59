package io.tracestore.core.block;

import io.tracestore.api.CorruptDataException;
import java.util.Arrays;

/**
 * Parquet's RLE/bit-packed hybrid, read in bulk: repetition and definition levels, dictionary ids,
 * RLE booleans. The input is a sequence of runs, each led by a ULEB128 header: an even header
 * {@code 2n} is a run of {@code n} copies of one value (held in {@code ceil(width/8)} bytes), an odd
 * header {@code 2g+1} is {@code 8g} values bit-packed LSB-first. An RLE run becomes one {@link
 * Arrays#fill}; a bit-packed run is unpacked 8 values at a time into a buffer and copied out.
 * Reads from the buffer's position on and moves it. Not thread-safe.
 */
final class RleBitPackedDecoder {
  private final PageBuffer in;
  private final int width;
  private boolean rle;
  private int left;
  private int value;
  private int[] packed = new int[0];
  private int packedPos;

  /** @param width bits per value, 0..32 */
  RleBitPackedDecoder(PageBuffer in, int width) {
    if (width < 0 || width > 32) {
      throw new CorruptDataException("RLE/bit-packed width " + width + " outside 0..32");
    }
    this.in = in;
    this.width = width;
  }

  /** Bits needed for values 0..max. */
  static int widthOf(int max) {
    return 32 - Integer.numberOfLeadingZeros(max);
  }

  /** The next {@code n} values into {@code dst[off..off+n)}. */
  void readInts(int[] dst, int off, int n) {
    while (n > 0) {
      if (left == 0) {
        nextRun();
        continue;
      }
      int k = Math.min(n, left);
      if (rle) {
        Arrays.fill(dst, off, off + k, value);
      } else {
        System.arraycopy(packed, packedPos, dst, off, k);
        packedPos += k;
      }
      left -= k;
      off += k;
      n -= k;
    }
  }

  /** The next {@code n} values, each narrowed to a byte (levels), into {@code dst[off..off+n)}. */
  void readBytes(byte[] dst, int off, int n) {
    while (n > 0) {
      if (left == 0) {
        nextRun();
        continue;
      }
      int k = Math.min(n, left);
      if (rle) {
        Arrays.fill(dst, off, off + k, (byte) value);
      } else {
        for (int i = 0; i < k; i++) {
          dst[off + i] = (byte) packed[packedPos + i];
        }
        packedPos += k;
      }
      left -= k;
      off += k;
      n -= k;
    }
  }

  private void nextRun() {
    if (in.remaining() <= 0) {
      throw new CorruptDataException("RLE/bit-packed data ends before its last value");
    }
    int header = in.readUnsignedVarInt();
    if ((header & 1) == 0) {
      rle = true;
      left = header >>> 1;
      value = in.readIntLE((width + 7) / 8);
      return;
    }
    int groups = header >>> 1;
    // a last group may be cut short (readers treat the missing bytes as 0), never more
    if (groups > (1 << 24) || (long) groups * width > in.remaining() + width) {
      throw new CorruptDataException("bit-packed run of " + groups + " groups of width " + width + " in " + in.remaining() + " bytes");
    }
    int values = groups * 8;
    if (packed.length < values) {
      packed = new int[Math.max(values, 2 * packed.length)];
    }
    int at = in.pos;
    for (int g = 0; g < groups; g++, at += width) {
      in.unpack8(at, width, packed, 8 * g);
    }
    in.pos = Math.min(at, in.end);
    rle = false;
    left = values;
    packedPos = 0;
  }
}
