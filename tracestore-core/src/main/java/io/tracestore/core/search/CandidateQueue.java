package io.tracestore.core.search;

import io.tracestore.api.TraceId;
import java.util.Arrays;

/**
 * Traces that may match, handed out best first (newest start, then smallest trace id) in batches,
 * so a search with a limit decodes only as many as can still make its top N. A candidate is a
 * trace of a block ({@code block >= 0}, {@code index} into its directory) or a trace already in
 * memory ({@code block == -1}, {@code index} into the caller's list). Selecting a batch is linear
 * (a quickselect on the starts), not a full sort. Not thread-safe.
 */
final class CandidateQueue {
  private long[] start = new long[64];
  private long[] high = new long[64];
  private long[] low = new long[64];
  private int[] block = new int[64];
  private int[] index = new int[64];
  private int size;
  /** Candidates not yet handed out: positions into the arrays above. */
  private int[] remaining;
  private int remainingSize;

  void add(long traceStart, TraceId id, int block, int index) {
    add(traceStart, id.high(), id.low(), block, index);
  }

  void add(long traceStart, long idHigh, long idLow, int blockIndex, int traceIndex) {
    if (size == start.length) {
      int c = size * 2;
      start = Arrays.copyOf(start, c);
      high = Arrays.copyOf(high, c);
      low = Arrays.copyOf(low, c);
      block = Arrays.copyOf(block, c);
      index = Arrays.copyOf(index, c);
    }
    start[size] = traceStart;
    high[size] = idHigh;
    low[size] = idLow;
    block[size] = blockIndex;
    index[size] = traceIndex;
    size++;
  }

  int size() {
    return size;
  }

  long start(int c) {
    return start[c];
  }

  TraceId traceId(int c) {
    return TraceId.of(high[c], low[c]);
  }

  int block(int c) {
    return block[c];
  }

  int index(int c) {
    return index[c];
  }

  /**
   * The next at least {@code n} best candidates not handed out yet (all of them if fewer remain),
   * best first; empty when none remain.
   */
  int[] next(int n) {
    if (remaining == null) {
      remaining = new int[size];
      for (int i = 0; i < size; i++) {
        remaining[i] = i;
      }
      remainingSize = size;
    }
    if (remainingSize == 0) {
      return new int[0];
    }
    int[] batch;
    if (remainingSize <= n) {
      batch = Arrays.copyOf(remaining, remainingSize);
      remainingSize = 0;
    } else {
      long[] starts = new long[remainingSize];
      for (int i = 0; i < remainingSize; i++) {
        starts[i] = start[remaining[i]];
      }
      long threshold = kthLargest(starts, n);
      int taken = 0;
      int kept = 0;
      int[] out = new int[remainingSize];
      for (int i = 0; i < remainingSize; i++) {
        int c = remaining[i];
        if (start[c] >= threshold) {
          out[taken++] = c;
        } else {
          remaining[kept++] = c;
        }
      }
      remainingSize = kept;
      batch = Arrays.copyOf(out, taken);
    }
    Integer[] boxed = new Integer[batch.length];
    for (int i = 0; i < batch.length; i++) {
      boxed[i] = batch[i];
    }
    Arrays.sort(boxed, (a, b) -> {
      int c = Long.compare(start[b], start[a]);
      if (c == 0) {
        c = Long.compareUnsigned(high[a], high[b]);
      }
      return c != 0 ? c : Long.compareUnsigned(low[a], low[b]);
    });
    for (int i = 0; i < batch.length; i++) {
      batch[i] = boxed[i];
    }
    return batch;
  }

  /** The {@code k}-th largest value (1-based) of {@code a}, which is reordered. */
  static long kthLargest(long[] a, int k) {
    int target = a.length - k; // index in ascending order
    int lo = 0;
    int hi = a.length - 1;
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    while (lo < hi) {
      long pivot = a[lo + random.nextInt(hi - lo + 1)];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          long t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (target <= j) {
        hi = j;
      } else if (target >= i) {
        lo = i;
      } else {
        return a[target];
      }
    }
    return a[target];
  }
}
