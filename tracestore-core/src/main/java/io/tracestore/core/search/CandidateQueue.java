package io.tracestore.core.search;

import io.tracestore.api.TraceId;
import java.util.Arrays;

/**
 * Traces that may match, handed out best first (newest start, then smallest trace id) in batches,
 * so a search with a limit decodes only as many as can still make its top N. A candidate is a
 * trace of a block ({@code block >= 0}, {@code index} into its directory) or a trace already in
 * memory ({@code block == -1}, {@code index} into the caller's list). Selecting a batch is linear
 * (a quickselect), not a full sort. Not thread-safe.
 *
 * <p>Memory is bounded: the queue holds at most {@code capacity} candidates (about 40 bytes each).
 * When it is full, the better half is kept and the rest dropped; from then on a candidate no better
 * than the worst kept one ({@link #bound()}) is dropped on arrival. Every dropped candidate is
 * worse than the bound, so a search that has handed out every kept candidate and still wants more
 * fills a new queue with only the candidates after the bound ({@code after}) and goes on.
 */
final class CandidateQueue {
  /** Most candidates a search queues at once, unless configured otherwise. */
  static final int DEFAULT_CAPACITY = io.tracestore.core.TraceStoreConfig.SearchOptions.DEFAULT_MAX_CANDIDATES;

  /** A position in the order: a trace start and id. */
  record Key(long start, long high, long low) {
    /** True if {@code (start, high, low)} comes after this key: an older start, or the same start and a larger id. */
    boolean before(long start, long high, long low) {
      return worse(start, high, low, this.start, this.high, this.low);
    }

    TraceId traceId() {
      return TraceId.of(high, low);
    }
  }

  private final int capacity;
  private final Key after;
  private long[] start = new long[64];
  private long[] high = new long[64];
  private long[] low = new long[64];
  private int[] block = new int[64];
  private int[] index = new int[64];
  private int size;
  /** The worst candidate kept at the last drop; null if none was dropped. */
  private Key bound;
  /** Candidates not yet handed out: positions into the arrays above. */
  private int[] remaining;
  private int remainingSize;

  /** A queue of unbounded size taking every candidate. */
  CandidateQueue() {
    this(Integer.MAX_VALUE, null);
  }

  /**
   * A queue holding at most {@code capacity} candidates (at least 2), taking only candidates after
   * {@code after} (all if null).
   */
  CandidateQueue(int capacity, Key after) {
    if (capacity < 2) {
      throw new IllegalArgumentException("a candidate queue of " + capacity + " entries");
    }
    this.capacity = capacity;
    this.after = after;
  }

  /** True if {@code (s1, h1, l1)} comes after {@code (s2, h2, l2)} in the queue's order. */
  static boolean worse(long s1, long h1, long l1, long s2, long h2, long l2) {
    if (s1 != s2) {
      return s1 < s2;
    }
    int c = Long.compareUnsigned(h1, h2);
    return c != 0 ? c > 0 : Long.compareUnsigned(l1, l2) > 0;
  }

  void add(long traceStart, TraceId id, int block, int index) {
    add(traceStart, id.high(), id.low(), block, index);
  }

  void add(long traceStart, long idHigh, long idLow, int blockIndex, int traceIndex) {
    if (after != null && !after.before(traceStart, idHigh, idLow)) {
      return; // handed out by an earlier queue
    }
    if (bound != null && bound.before(traceStart, idHigh, idLow)) {
      return; // dropped: a later queue takes it
    }
    if (remaining != null) {
      throw new IllegalStateException("a candidate added after the queue began handing them out");
    }
    if (size == capacity) {
      dropWorseHalf();
      if (bound.before(traceStart, idHigh, idLow)) {
        return;
      }
    }
    if (size == start.length) {
      int c = (int) Math.min(capacity, size * 2L);
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

  /** The worst candidate kept when candidates were last dropped (all dropped ones come after it); null if none was. */
  Key bound() {
    return bound;
  }

  /** Keeps the better half of the full queue, moved to the front; the worst kept becomes the bound. */
  private void dropWorseHalf() {
    int keep = capacity / 2;
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    selectBest(order, size, keep);
    Arrays.sort(order, 0, keep); // ascending positions: moving each entry forward never overwrites one still to move
    int worst = order[0];
    for (int i = 0; i < keep; i++) {
      int c = order[i];
      if (worse(start[c], high[c], low[c], start[worst], high[worst], low[worst])) {
        worst = c;
      }
    }
    bound = new Key(start[worst], high[worst], low[worst]);
    for (int i = 0; i < keep; i++) {
      int c = order[i];
      start[i] = start[c];
      high[i] = high[c];
      low[i] = low[c];
      block[i] = block[c];
      index[i] = index[c];
    }
    size = keep;
  }

  /**
   * Reorders {@code order[0, length)} so its first {@code k} positions are the {@code k} best
   * candidates (in no particular order): a quickselect, linear on average.
   */
  private void selectBest(int[] order, int length, int k) {
    int lo = 0;
    int hi = length - 1;
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    while (lo < hi) {
      int p = order[lo + random.nextInt(hi - lo + 1)];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (worse(start[p], high[p], low[p], start[order[i]], high[order[i]], low[order[i]])) {
          i++; // order[i] is better than the pivot
        }
        while (worse(start[order[j]], high[order[j]], low[order[j]], start[p], high[p], low[p])) {
          j--; // order[j] is worse than the pivot
        }
        if (i <= j) {
          int t = order[i];
          order[i] = order[j];
          order[j] = t;
          i++;
          j--;
        }
      }
      if (k - 1 <= j) {
        hi = j;
      } else if (k - 1 >= i) {
        lo = i;
      } else {
        return;
      }
    }
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

  long high(int c) {
    return high[c];
  }

  long low(int c) {
    return low[c];
  }

  int block(int c) {
    return block[c];
  }

  int index(int c) {
    return index[c];
  }

  /**
   * The next {@code n} best candidates not handed out yet (all of them if fewer remain),
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
    int[] batch;
    if (remainingSize <= n) {
      batch = Arrays.copyOf(remaining, remainingSize);
      remainingSize = 0;
    } else {
      selectBest(remaining, remainingSize, n);
      batch = Arrays.copyOf(remaining, n);
      remainingSize -= n;
      System.arraycopy(remaining, n, remaining, 0, remainingSize);
    }
    Integer[] boxed = new Integer[batch.length];
    for (int i = 0; i < batch.length; i++) {
      boxed[i] = batch[i];
    }
    Arrays.sort(boxed, (a, b) -> worse(start[a], high[a], low[a], start[b], high[b], low[b]) ? 1
        : worse(start[b], high[b], low[b], start[a], high[a], low[a]) ? -1 : 0);
    for (int i = 0; i < batch.length; i++) {
      batch[i] = boxed[i];
    }
    return batch;
  }
}
