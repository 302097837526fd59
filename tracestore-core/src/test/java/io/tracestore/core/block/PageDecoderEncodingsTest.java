package io.tracestore.core.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.CorruptDataException;
import java.util.Random;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.delta.DeltaBinaryPackingValuesWriterForInteger;
import org.apache.parquet.column.values.delta.DeltaBinaryPackingValuesWriterForLong;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.junit.jupiter.api.Test;

/** The building blocks of {@link PageDecoder} against parquet-java's encoders. */
class PageDecoderEncodingsTest {
  private static final HeapByteBufferAllocator HEAP = HeapByteBufferAllocator.getInstance();

  /** {@code bytes} at offset 3 of a larger array, so reads must honour the range. */
  private static PageBuffer at3(byte[] bytes, int slack) {
    byte[] a = new byte[bytes.length + 3 + slack];
    java.util.Arrays.fill(a, (byte) 0x5a);
    System.arraycopy(bytes, 0, a, 3, bytes.length);
    return new PageBuffer(a, 3, bytes.length);
  }

  @Test
  void rleBitPackedHybridOfEveryWidth0To32() throws Exception {
    Random r = new Random(1);
    for (int width = 0; width <= 32; width++) {
      for (int slack : new int[] {0, 16}) {
        int n = 3_001;
        int[] expected = new int[n];
        long mask = width == 32 ? 0xffffffffL : (1L << width) - 1;
        for (int i = 0; i < n; ) {
          int run = 1 + r.nextInt(r.nextBoolean() ? 4 : 40); // short runs bit-pack, long ones RLE
          int v = (int) (r.nextLong() & mask);
          for (int k = 0; k < run && i < n; k++, i++) {
            expected[i] = r.nextInt(3) == 0 ? (int) (r.nextLong() & mask) : v;
          }
        }
        RunLengthBitPackingHybridEncoder encoder = new RunLengthBitPackingHybridEncoder(width, 64, 1 << 20, HEAP);
        for (int v : expected) {
          encoder.writeInt(v);
        }
        byte[] bytes = encoder.toBytes().toByteArray();
        int[] ints = new int[n + 2];
        RleBitPackedDecoder d = new RleBitPackedDecoder(at3(bytes, slack), width);
        d.readInts(ints, 1, 1_000); // in pieces that cut runs
        d.readInts(ints, 1_001, n - 1_000);
        assertThat(java.util.Arrays.copyOfRange(ints, 1, n + 1)).as("width %d slack %d", width, slack).isEqualTo(expected);
        if (width <= 7) {
          byte[] levels = new byte[n];
          new RleBitPackedDecoder(at3(bytes, slack), width).readBytes(levels, 0, n);
          for (int i = 0; i < n; i++) {
            assertThat(levels[i]).as("width %d level %d", width, i).isEqualTo((byte) expected[i]);
          }
        }
      }
    }
  }

  /**
   * Reads, skips, counts and seeks ({@code through}) in random steps over hybrid streams of every
   * width, against the values written: steps start and end inside RLE and bit-packed runs.
   */
  @Test
  void skippingCountingAndSeekingInsideRunsOfEveryWidth() throws Exception {
    Random r = new Random(4);
    for (int width = 0; width <= 32; width++) {
      for (int slack : new int[] {0, 16}) {
        int n = 2_003;
        int[] expected = new int[n];
        long mask = width == 32 ? 0xffffffffL : (1L << width) - 1;
        int small = width == 0 ? 1 : (int) Math.min(4, mask + 1); // few distinct values, so seeks find them
        for (int i = 0; i < n; ) {
          int run = 1 + r.nextInt(r.nextBoolean() ? 4 : 40);
          int v = r.nextInt(small);
          for (int k = 0; k < run && i < n; k++, i++) {
            expected[i] = r.nextInt(3) == 0 ? (r.nextInt(8) == 0 ? (int) (r.nextLong() & mask) : r.nextInt(small)) : v;
          }
        }
        RunLengthBitPackingHybridEncoder encoder = new RunLengthBitPackingHybridEncoder(width, 64, 1 << 20, HEAP);
        for (int v : expected) {
          encoder.writeInt(v);
        }
        RleBitPackedDecoder d = new RleBitPackedDecoder(at3(encoder.toBytes().toByteArray(), slack), width);
        int pos = 0;
        while (pos < n) {
          int k = Math.min(n - pos, r.nextInt(r.nextBoolean() ? 12 : 300));
          String what = "width " + width + " slack " + slack + " at " + pos + " step " + k;
          switch (r.nextInt(5)) {
            case 0 -> {
              int[] ints = new int[k];
              d.readInts(ints, 0, k);
              assertThat(ints).as(what).isEqualTo(java.util.Arrays.copyOfRange(expected, pos, pos + k));
              pos += k;
            }
            case 1 -> {
              d.skip(k);
              pos += k;
            }
            case 2 -> {
              int v = r.nextInt(small);
              int equal = 0;
              for (int i = pos; i < pos + k; i++) {
                equal += expected[i] == v ? 1 : 0;
              }
              assertThat(d.count(k, v)).as(what + " count of " + v).isEqualTo(equal);
              pos += k;
            }
            case 3 -> {
              int v = r.nextInt(small);
              int matches = 1 + r.nextInt(5);
              int end = pos;
              int found = 0;
              while (end < n && found < matches) {
                found += expected[end++] == v ? 1 : 0;
              }
              if (found == matches) {
                assertThat(d.through(matches, v)).as(what + " through " + matches + " of " + v).isEqualTo(end - pos);
                pos = end;
              }
            }
            default -> {
              if (width <= 7) {
                byte[] levels = new byte[k];
                d.readBytes(levels, 0, k);
                for (int i = 0; i < k; i++) {
                  assertThat(levels[i]).as(what).isEqualTo((byte) expected[pos + i]);
                }
                pos += k;
              }
            }
          }
        }
      }
    }
  }

  @Test
  void deltaBinaryPackedPrefixesOfEveryWidthEndWhereTheStreamEnds() {
    Random r = new Random(5);
    for (int width = 0; width <= 64; width++) {
      int n = 1 + r.nextInt(700);
      DeltaBinaryPackingValuesWriterForLong w = new DeltaBinaryPackingValuesWriterForLong(128, 4, 64, 1 << 20, HEAP);
      long[] expected = new long[n];
      long v = r.nextLong();
      for (int i = 0; i < n; i++) {
        v += width == 0 ? 3 : width == 64 ? r.nextLong() : r.nextLong() >>> (64 - width);
        expected[i] = v;
        w.writeLong(v);
      }
      byte[] bytes = toBytes(w.getBytes());
      for (int limit : new int[] {0, 1, r.nextInt(n + 1), n}) {
        PageBuffer in = at3(bytes, 0);
        long[] out = new long[limit];
        assertThat(DeltaBinaryPacked.decodePrefix(in, out, 0, limit)).isEqualTo(n);
        assertThat(out).as("width %d limit %d of %d", width, limit, n).isEqualTo(java.util.Arrays.copyOf(expected, limit));
        assertThat(in.pos).as("ends where the stream ends").isEqualTo(in.end);
      }
    }
  }

  @Test
  void readingPastTheLastRunIsCorruptData() throws Exception {
    RunLengthBitPackingHybridEncoder encoder = new RunLengthBitPackingHybridEncoder(3, 64, 1 << 20, HEAP);
    for (int i = 0; i < 20; i++) {
      encoder.writeInt(5);
    }
    byte[] bytes = encoder.toBytes().toByteArray();
    RleBitPackedDecoder d = new RleBitPackedDecoder(at3(bytes, 0), 3);
    assertThatThrownBy(() -> d.readInts(new int[21], 0, 21)).isInstanceOf(CorruptDataException.class);
  }

  @Test
  void deltaBinaryPackedLongsOfEveryWidth() {
    Random r = new Random(2);
    for (int width = 0; width <= 64; width++) {
      for (int n : new int[] {0, 1, 2, 33, 129, 1_000}) {
        DeltaBinaryPackingValuesWriterForLong w = new DeltaBinaryPackingValuesWriterForLong(128, 4, 64, 1 << 20, HEAP);
        long[] expected = new long[n];
        long v = r.nextLong();
        for (int i = 0; i < n; i++) {
          long delta = width == 0 ? 7 : width == 64 ? r.nextLong() : r.nextLong() >>> (64 - width);
          v += delta;
          expected[i] = v;
          w.writeLong(v);
        }
        byte[] bytes = toBytes(w.getBytes());
        PageBuffer in = at3(bytes, 0);
        long[] out = new long[n + 1];
        DeltaBinaryPacked.decode(in, out, 1, n);
        assertThat(java.util.Arrays.copyOfRange(out, 1, n + 1)).as("width %d n %d", width, n).isEqualTo(expected);
        assertThat(in.pos).as("ends where the stream ends").isEqualTo(in.end);
      }
    }
  }

  @Test
  void deltaBinaryPackedIntsWrapAround() {
    Random r = new Random(3);
    int n = 2_000;
    DeltaBinaryPackingValuesWriterForInteger w = new DeltaBinaryPackingValuesWriterForInteger(128, 4, 64, 1 << 20, HEAP);
    int[] expected = new int[n];
    for (int i = 0; i < n; i++) {
      expected[i] = switch (r.nextInt(4)) {
        case 0 -> Integer.MIN_VALUE;
        case 1 -> Integer.MAX_VALUE;
        case 2 -> r.nextInt();
        default -> r.nextInt(10);
      };
      w.writeInteger(expected[i]);
    }
    long[] out = new long[n];
    DeltaBinaryPacked.decode(at3(toBytes(w.getBytes()), 0), out, 0, n);
    int[] ints = new int[n];
    for (int i = 0; i < n; i++) {
      ints[i] = (int) out[i];
    }
    assertThat(ints).isEqualTo(expected);
  }

  @Test
  void aDeltaStreamOfAnotherCountIsCorruptData() {
    DeltaBinaryPackingValuesWriterForLong w = new DeltaBinaryPackingValuesWriterForLong(128, 4, 64, 1 << 20, HEAP);
    w.writeLong(1);
    w.writeLong(2);
    assertThatThrownBy(() -> DeltaBinaryPacked.decode(at3(toBytes(w.getBytes()), 0), new long[3], 0, 3))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining("2 values");
  }

  private static byte[] toBytes(org.apache.parquet.bytes.BytesInput b) {
    try {
      return b.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
