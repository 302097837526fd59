package io.tracestore.core.block;

import java.util.Arrays;

/**
 * Parquet's RLE / bit-packing hybrid encoding (levels and dictionary ids), producing exactly the
 * bytes of parquet-java's {@code RunLengthBitPackingHybridEncoder} (same run decisions: a value
 * repeated 8 times or more becomes an RLE run, the rest go into bit-packed groups of 8, at most 63
 * groups per run), without its per-value stream overhead, and with {@link #writeRepeated} for
 * runs. Reusable through {@link #reset}; not thread-safe.
 */
final class RleHybridEncoder {
  private int bitWidth;
  private byte[] out = new byte[256];
  private int size;
  private final int[] buffered = new int[8];
  private int numBuffered;
  /** For widths up to 8: the buffered values already packed, value i at bits {@code i * bitWidth}. */
  private long packed;
  private int previous;
  private int repeatCount;
  private int bitPackedGroupCount;
  private int bitPackedHeaderAt = -1;

  RleHybridEncoder(int bitWidth) {
    reset(bitWidth);
  }

  /** Starts a new, empty output with {@code bitWidth} bits per value (0 to 32). */
  void reset(int bitWidth) {
    if (bitWidth < 0 || bitWidth > 32) {
      throw new IllegalArgumentException("bit width " + bitWidth);
    }
    this.bitWidth = bitWidth;
    size = 0;
    numBuffered = 0;
    packed = 0;
    previous = 0;
    repeatCount = 0;
    bitPackedGroupCount = 0;
    bitPackedHeaderAt = -1;
  }

  void writeInt(int value) {
    if (value == previous) {
      if (++repeatCount >= 8) {
        return;
      }
    } else {
      if (repeatCount >= 8) {
        writeRleRun();
      }
      repeatCount = 1;
      previous = value;
    }
    int w = bitWidth;
    if (w <= 8) {
      packed |= (value & ((1L << w) - 1)) << (numBuffered * w);
    } else {
      buffered[numBuffered] = value;
    }
    if (++numBuffered == 8) {
      writeOrAppendBitPackedRun();
    }
  }

  /** Same as {@code count} calls of {@link #writeInt(int)} with {@code value}. */
  void writeRepeated(int value, int count) {
    while (count > 0 && !(value == previous && repeatCount >= 8)) {
      writeInt(value);
      count--;
    }
    repeatCount += count; // counting an RLE run in progress
  }

  /** Ends the output; returns the number of valid bytes in {@link #bytes()}. */
  int finish() {
    if (repeatCount >= 8) {
      writeRleRun();
    } else if (numBuffered > 0) {
      for (int i = numBuffered; i < 8; i++) {
        buffered[i] = 0; // (packed values past numBuffered are already 0)
      }
      writeOrAppendBitPackedRun();
      endPreviousBitPackedRun();
    } else {
      endPreviousBitPackedRun();
    }
    return size;
  }

  byte[] bytes() {
    return out;
  }

  int size() {
    return size;
  }

  private void writeOrAppendBitPackedRun() {
    if (bitPackedGroupCount >= 63) {
      endPreviousBitPackedRun();
    }
    if (bitPackedHeaderAt == -1) {
      ensure(1);
      bitPackedHeaderAt = size;
      out[size++] = 0;
    }
    pack8();
    numBuffered = 0;
    packed = 0;
    repeatCount = 0;
    bitPackedGroupCount++;
  }

  private void endPreviousBitPackedRun() {
    if (bitPackedHeaderAt == -1) {
      return;
    }
    out[bitPackedHeaderAt] = (byte) ((bitPackedGroupCount << 1) | 1);
    bitPackedHeaderAt = -1;
    bitPackedGroupCount = 0;
  }

  private void writeRleRun() {
    endPreviousBitPackedRun();
    ensure(5 + 4);
    int header = repeatCount << 1;
    while ((header & ~0x7F) != 0) {
      out[size++] = (byte) ((header & 0x7F) | 0x80);
      header >>>= 7;
    }
    out[size++] = (byte) header;
    int bytes = (bitWidth + 7) / 8;
    for (int i = 0; i < bytes; i++) {
      out[size++] = (byte) (previous >>> (8 * i));
    }
    repeatCount = 0;
    numBuffered = 0;
    packed = 0;
  }

  /** Packs the 8 buffered values, least significant bit first, into {@code bitWidth} bytes. */
  private void pack8() {
    int w = bitWidth;
    ensure(w);
    int[] v = buffered;
    if (w <= 8) {
      // 8 values of at most 8 bits fit in one long, packed as they came
      long acc = packed;
      byte[] o = out;
      int at = size;
      for (int i = 0; i < w; i++) {
        o[at + i] = (byte) (acc >>> (8 * i));
      }
      size = at + w;
      return;
    }
    // fewer than 32 bits are pending before each value is added, so the long never overflows;
    // 8 values of w bits make w whole bytes
    long acc = 0;
    int bits = 0;
    long mask = w == 32 ? 0xFFFFFFFFL : (1L << w) - 1;
    byte[] o = out;
    int at = size;
    for (int i = 0; i < 8; i++) {
      acc |= (v[i] & mask) << bits;
      bits += w;
      if (bits >= 32) {
        INT_LE.set(o, at, (int) acc);
        at += 4;
        acc >>>= 32;
        bits -= 32;
      }
    }
    for (; bits > 0; bits -= 8) {
      o[at++] = (byte) acc;
      acc >>>= 8;
    }
    size = at;
  }

  private static final java.lang.invoke.VarHandle INT_LE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private void ensure(int more) {
    if (size + more > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
    }
  }
}
