package io.tracestore.core.search;

import io.tracestore.core.block.BlockReader;
import io.tracestore.core.block.TraceDirectory;
import java.util.BitSet;
import java.util.List;

/**
 * The traces stored in more than one of a list of blocks (a trace cut into several blocks, or a
 * span appended again later): a search evaluates them whole, merged, rather than per block. Found by
 * one merge over the blocks' sorted trace directories. Immutable.
 */
final class SplitTraces {
  private final List<String> blockIds;
  private final BitSet[] split;

  private SplitTraces(List<String> blockIds, BitSet[] split) {
    this.blockIds = blockIds;
    this.split = split;
  }

  /** True if this was computed for exactly these blocks, in this order. */
  boolean isFor(List<BlockReader> blocks) {
    if (blocks.size() != blockIds.size()) {
      return false;
    }
    for (int i = 0; i < blocks.size(); i++) {
      if (!blocks.get(i).meta().blockId().equals(blockIds.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Directory indices of block {@code b}'s traces that some other block also holds. */
  BitSet of(int b) {
    return split[b];
  }

  static SplitTraces of(List<BlockReader> blocks) {
    int n = blocks.size();
    BitSet[] split = new BitSet[n];
    for (int b = 0; b < n; b++) {
      split[b] = new BitSet();
    }
    if (n > 1) {
      TraceDirectory[] dirs = new TraceDirectory[n];
      for (int b = 0; b < n; b++) {
        dirs[b] = blocks.get(b).directory();
      }
      // k-way merge of the sorted directories: a heap of block numbers by their next trace id
      int[] pos = new int[n];
      int[] heap = new int[n];
      int size = 0;
      for (int b = 0; b < n; b++) {
        if (dirs[b].traceCount() > 0) {
          heap[size++] = b;
        }
      }
      for (int k = size / 2 - 1; k >= 0; k--) {
        siftDown(heap, size, k, dirs, pos);
      }
      int[] same = new int[n];
      while (size > 0) {
        int top = heap[0];
        long high = dirs[top].high(pos[top]);
        long low = dirs[top].low(pos[top]);
        int count = 0;
        // take every block whose next trace is this one, moving each past it
        while (size > 0 && dirs[heap[0]].high(pos[heap[0]]) == high && dirs[heap[0]].low(pos[heap[0]]) == low) {
          int b = heap[0];
          same[count++] = b;
          if (++pos[b] == dirs[b].traceCount()) {
            heap[0] = heap[--size];
          }
          siftDown(heap, size, 0, dirs, pos);
        }
        if (count > 1) {
          for (int k = 0; k < count; k++) {
            split[same[k]].set(pos[same[k]] - 1);
          }
        }
      }
    }
    return new SplitTraces(blocks.stream().map(r -> r.meta().blockId()).toList(), split);
  }

  private static void siftDown(int[] heap, int size, int k, TraceDirectory[] dirs, int[] pos) {
    int b = heap[k];
    while (true) {
      int child = 2 * k + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && compare(dirs[heap[child + 1]], pos[heap[child + 1]], dirs[heap[child]], pos[heap[child]]) < 0) {
        child++;
      }
      if (compare(dirs[heap[child]], pos[heap[child]], dirs[b], pos[b]) >= 0) {
        break;
      }
      heap[k] = heap[child];
      k = child;
    }
    heap[k] = b;
  }

  private static int compare(TraceDirectory a, int i, TraceDirectory b, int j) {
    int c = Long.compareUnsigned(a.high(i), b.high(j));
    return c != 0 ? c : Long.compareUnsigned(a.low(i), b.low(j));
  }
}
