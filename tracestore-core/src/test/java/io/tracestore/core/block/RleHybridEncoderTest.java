package io.tracestore.core.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.junit.jupiter.api.Test;

/** {@link RleHybridEncoder} writes exactly the bytes of parquet-java's encoder. */
class RleHybridEncoderTest {
  @Test
  void sameBytesAsParquetJavaForEveryWidth() throws Exception {
    Random r = new Random(7);
    RleHybridEncoder ours = new RleHybridEncoder(0);
    for (int width = 0; width <= 32; width++) {
      for (int trial = 0; trial < 20; trial++) {
        long mask = width == 32 ? 0xffffffffL : (1L << width) - 1;
        int n = r.nextInt(trial < 5 ? 20 : 5_000);
        RunLengthBitPackingHybridEncoder theirs =
            new RunLengthBitPackingHybridEncoder(width, 64, 1 << 20, HeapByteBufferAllocator.getInstance());
        ours.reset(width);
        for (int i = 0; i < n; ) {
          int run = 1 + r.nextInt(r.nextBoolean() ? 4 : (r.nextBoolean() ? 12 : 600));
          int v = r.nextInt(4) == 0 ? 0 : (int) (r.nextLong() & mask);
          run = Math.min(run, n - i);
          if (r.nextBoolean()) {
            ours.writeRepeated(v, run);
          } else {
            for (int k = 0; k < run; k++) {
              ours.writeInt(v);
            }
          }
          for (int k = 0; k < run; k++) {
            theirs.writeInt(v);
          }
          i += run;
        }
        byte[] expected = theirs.toBytes().toByteArray();
        int size = ours.finish();
        assertThat(Arrays.copyOf(ours.bytes(), size)).as("width %d, %d values", width, n).isEqualTo(expected);
      }
    }
  }
}
