package io.tracestore.core.block;

import io.tracestore.api.CorruptDataException;

/**
 * Decoder of Parquet's DELTA_BINARY_PACKED: a header (block size, miniblocks per block, value
 * count, first value as zig-zag varint), then blocks of: the block's minimum delta (zig-zag
 * varint), one bit-width byte per miniblock, and the miniblocks' {@code delta - minDelta} values
 * bit-packed LSB-first. The last block stops after the last miniblock holding values (its unused
 * width bytes are still there). INT32 streams are the same with 32-bit wrapping arithmetic, so
 * decoding them as longs and narrowing gives the same ints.
 */
final class DeltaBinaryPacked {
  private DeltaBinaryPacked() {}

  /**
   * Decodes one whole stream of exactly {@code count} values from {@code in}'s position into
   * {@code dst[off..off+count)}, leaving the position just after the stream.
   */
  static void decode(PageBuffer in, long[] dst, int off, int count) {
    int total = decodePrefix(in, dst, off, count);
    if (total != count) {
      throw new CorruptDataException("DELTA_BINARY_PACKED stream of " + total + " values where " + count + " were expected");
    }
  }

  /**
   * Decodes the first {@code limit} values of one stream (of at least that many) from {@code
   * in}'s position into {@code dst[off..off+limit)} and passes over the rest without unpacking it,
   * leaving the position just after the stream. Returns the stream's value count.
   */
  static int decodePrefix(PageBuffer in, long[] dst, int off, int limit) {
    int blockSize = in.readUnsignedVarInt();
    int miniblocks = in.readUnsignedVarInt();
    int total = in.readUnsignedVarInt();
    long first = in.readZigZagVarLong();
    if (miniblocks == 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % 8 != 0 || blockSize == 0) {
      throw new CorruptDataException("DELTA_BINARY_PACKED block of " + blockSize + " values in " + miniblocks + " miniblocks");
    }
    if (total < limit) {
      throw new CorruptDataException("DELTA_BINARY_PACKED stream of " + total + " values where " + limit + " were expected");
    }
    if (total == 0) {
      return 0;
    }
    int perMiniblock = blockSize / miniblocks;
    long[] deltas = null;
    if (limit > 0) {
      dst[off] = first;
    }
    long previous = first;
    int done = 1;
    while (done < total) {
      long minDelta = in.readZigZagVarLong();
      int widths = in.pos;
      in.require(miniblocks);
      in.pos += miniblocks;
      for (int m = 0; m < miniblocks && done < total; m++) {
        int width = in.array[widths + m] & 0xff;
        if (width > 64) {
          throw new CorruptDataException("DELTA_BINARY_PACKED miniblock width " + width);
        }
        int take = Math.min(perMiniblock, total - done);
        int store = Math.min(take, limit - done); // values of this miniblock wanted (none past the limit)
        int at = off + done;
        if (store <= 0) {
          if (width != 0) {
            in.require((long) perMiniblock / 8 * width);
            in.pos += perMiniblock / 8 * width;
          }
        } else if (width == 0) {
          for (int k = 0; k < store; k++) {
            previous += minDelta;
            dst[at + k] = previous;
          }
        } else {
          in.require((long) perMiniblock / 8 * width);
          if (deltas == null) {
            deltas = new long[perMiniblock];
          }
          for (int g = 0; g < store; g += 8) { // only the groups holding wanted values
            in.unpack8(in.pos + g / 8 * width, width, deltas, g);
          }
          in.pos += perMiniblock / 8 * width;
          for (int k = 0; k < store; k++) {
            previous += deltas[k] + minDelta;
            dst[at + k] = previous;
          }
        }
        done += take;
      }
    }
    return total;
  }
}
