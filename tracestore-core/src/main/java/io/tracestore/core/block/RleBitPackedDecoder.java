package io.tracestore.core.block;

import io.tracestore.api.CorruptDataException;
import java.util.Arrays;

/**
 * Parquet's RLE/bit-packed hybrid, read in bulk: repetition and definition levels, dictionary ids,
 * RLE booleans. The input is a sequence of runs, each led by a ULEB128 header: an even header
 * {@code 2n} is a run of {@code n} copies of one value (held in {@code ceil(width/8)} bytes), an odd
 * header {@code 2g+1} is {@code 8g} values bit-packed LSB-first. An RLE run becomes one {@link
 * Arrays#fill}; a bit-packed run is unpacked 8 values (one group) at a time, only the groups that
 * are read, so {@link #skip} and {@link #count} pass over runs without unpacking them where they can.
 * Reads from the buffer's position on and moves it. Not thread-safe.
 */
final class RleBitPackedDecoder {
  /** By width (0..8): the lowest bit of each field of a word of {@code step} values. */
  private static final long[] FIRST_BITS = new long[9];

  static {
    for (int w = 1; w <= 8; w++) {
      int step = 64 % w == 0 ? 64 / w : 8;
      for (int i = 0; i < step; i++) {
        FIRST_BITS[w] |= 1L << (i * w);
      }
    }
  }

  private final PageBuffer in;
  private final int width;
  private boolean rle;
  private int left;
  private int value;
  // the current bit-packed run: its first byte, the index of its next value, and one unpacked group
  private int packedAt;
  private int packedIndex;
  private final int[] group = new int[8];
  private int groupLoaded = -1;
  /**
   * Values compared a word at a time (widths up to 8): a word's worth (64 / width) for widths that
   * divide 64, else a group's (8).
   */
  private final int step;
  /** The lowest bit of each value's field in such a word. */
  private final long firstBits;

  /** @param width bits per value, 0..32 */
  RleBitPackedDecoder(PageBuffer in, int width) {
    if (width < 0 || width > 32) {
      throw new CorruptDataException("RLE/bit-packed width " + width + " outside 0..32");
    }
    this.in = in;
    this.width = width;
    this.step = width > 0 && 64 % width == 0 ? 64 / width : 8;
    this.firstBits = width <= 8 ? FIRST_BITS[width] : 0;
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
        readPacked(dst, off, k);
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
        for (int i = 0; i < k; ) {
          int[] g = group(packedIndex);
          int o = packedIndex & 7;
          int take = Math.min(8 - o, k - i);
          for (int j = 0; j < take; j++) {
            dst[off + i + j] = (byte) g[o + j];
          }
          packedIndex += take;
          i += take;
        }
      }
      left -= k;
      off += k;
      n -= k;
    }
  }

  /** Passes over the next {@code n} values. */
  void skip(int n) {
    while (n > 0) {
      if (left == 0) {
        nextRun();
        continue;
      }
      int k = Math.min(n, left);
      if (!rle) {
        packedIndex += k;
      }
      left -= k;
      n -= k;
    }
  }

  /** Passes over the next {@code n} values and returns how many of them equal {@code v}. */
  int count(int n, int v) {
    int equal = 0;
    while (n > 0) {
      if (left == 0) {
        nextRun();
        continue;
      }
      int k = Math.min(n, left);
      if (rle) {
        equal += value == v ? k : 0;
      } else if (wordWise(v)) { // a word of values at a time
        long pattern = v * firstBits;
        for (int idx = packedIndex, end = packedIndex + k; idx < end; ) {
          int m = Math.min(step - idx % step, end - idx);
          equal += Long.bitCount(matching(idx, m, pattern));
          idx += m;
        }
        packedIndex += k;
      } else {
        for (int i = 0; i < k; ) {
          int[] g = group(packedIndex);
          int o = packedIndex & 7;
          int take = Math.min(8 - o, k - i);
          for (int j = 0; j < take; j++) {
            equal += g[o + j] == v ? 1 : 0;
          }
          packedIndex += take;
          i += take;
        }
      }
      left -= k;
      n -= k;
    }
    return equal;
  }

  /**
   * Passes over values up to and including the {@code matches}-th one equal to {@code v} and
   * returns how many values that is (with {@code v} 0 on repetition levels: the values up to the
   * start of a row).
   */
  int through(int matches, int v) {
    int consumed = 0;
    while (matches > 0) {
      if (left == 0) {
        nextRun();
        continue;
      }
      if (rle) {
        int k = value == v ? Math.min(matches, left) : left;
        matches -= value == v ? k : 0;
        consumed += k;
        left -= k;
      } else if (wordWise(v)) { // a word of values at a time
        long pattern = v * firstBits;
        while (left > 0 && matches > 0) {
          int m = Math.min(step - packedIndex % step, left);
          long found = matching(packedIndex, m, pattern);
          int c = Long.bitCount(found);
          if (c < matches) {
            matches -= c;
            packedIndex += m;
            left -= m;
            consumed += m;
          } else {
            for (int skip = 1; skip < matches; skip++) {
              found &= found - 1; // drop the lowest match
            }
            int through = Long.numberOfTrailingZeros(found) / width + 1;
            matches = 0;
            packedIndex += through;
            left -= through;
            consumed += through;
          }
        }
      } else {
        while (left > 0 && matches > 0) {
          if (group(packedIndex)[packedIndex & 7] == v) {
            matches--;
          }
          packedIndex++;
          left--;
          consumed++;
        }
      }
    }
    return consumed;
  }

  /** {@code k} values of the current bit-packed run (at most what it has left) into {@code dst}. */
  private void readPacked(int[] dst, int off, int k) {
    int i = 0;
    while (i < k) {
      int o = packedIndex & 7;
      if (o == 0 && k - i >= 8) { // whole groups straight into the destination
        in.unpack8(packedAt + (packedIndex >>> 3) * width, width, dst, off + i);
        packedIndex += 8;
        i += 8;
      } else {
        int[] g = group(packedIndex);
        int take = Math.min(8 - o, k - i);
        System.arraycopy(g, o, dst, off + i, take);
        packedIndex += take;
        i += take;
      }
    }
  }

  /** True if groups can be compared with {@code v} a word at a time. */
  private boolean wordWise(int v) {
    return width > 0 && width <= 8 && v >>> width == 0;
  }

  /**
   * Of the {@code n} values of the current bit-packed run from {@code index} on (all in one word:
   * {@code index % step + n <= step}), those equal to the value {@code pattern} repeats: the lowest
   * bit of each one's field is set, the field of value {@code index + i} starting at bit {@code i * width}.
   */
  private long matching(int index, int n, long pattern) {
    int off = index % step;
    int base = index - off;
    long w = in.longAt(packedAt + base / 8 * width);
    long x = (w >>> (off * width)) ^ pattern;
    long any = x;
    for (int s = 1; s < width; s++) {
      any |= x >>> s;
    }
    long fields = n * width >= 64 ? firstBits : firstBits & ((1L << (n * width)) - 1);
    return ~any & fields;
  }

  /** The unpacked group of the current run holding value {@code index}. */
  private int[] group(int index) {
    int g = index >>> 3;
    if (groupLoaded != g) {
      in.unpack8(packedAt + g * width, width, group, 0);
      groupLoaded = g;
    }
    return group;
  }

  private void nextRun() {
    if (in.remaining() <= 0) {
      throw new CorruptDataException("RLE/bit-packed data ends before its last value");
    }
    int header = in.readUnsignedVarInt();
    if ((header & 1) == 0) {
      rle = true;
      left = header >>> 1;
      value = width == 0 ? 0 : width <= 8 ? in.readByte() : in.readIntLE((width + 7) / 8);
      return;
    }
    int groups = header >>> 1;
    // a last group may be cut short (readers treat the missing bytes as 0), never more
    if (groups > (1 << 24) || (long) groups * width > in.remaining() + width) {
      throw new CorruptDataException("bit-packed run of " + groups + " groups of width " + width + " in " + in.remaining() + " bytes");
    }
    packedAt = in.pos;
    in.pos = (int) Math.min((long) in.pos + (long) groups * width, in.end);
    rle = false;
    left = groups * 8;
    packedIndex = 0;
    groupLoaded = -1;
  }
}
