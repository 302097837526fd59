package io.tracestore.core.search;

import io.tracestore.core.block.BlockReader;
import io.tracestore.core.block.TraceDirectory;
import java.util.BitSet;
import java.util.List;
import java.util.PriorityQueue;

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
    TraceDirectory[] dirs = new TraceDirectory[n];
    BitSet[] split = new BitSet[n];
    int[] pos = new int[n];
    for (int b = 0; b < n; b++) {
      split[b] = new BitSet();
    }
    if (n > 1) {
      for (int b = 0; b < n; b++) {
        dirs[b] = blocks.get(b).directory();
      }
      PriorityQueue<Integer> heads = new PriorityQueue<>((x, y) -> compare(dirs[x], pos[x], dirs[y], pos[y]));
      for (int b = 0; b < n; b++) {
        if (dirs[b].traceCount() > 0) {
          heads.add(b);
        }
      }
      while (!heads.isEmpty()) {
        int b = heads.poll();
        while (!heads.isEmpty() && compare(dirs[heads.peek()], pos[heads.peek()], dirs[b], pos[b]) == 0) {
          int other = heads.poll();
          split[b].set(pos[b]);
          split[other].set(pos[other]);
          if (++pos[other] < dirs[other].traceCount()) {
            heads.add(other);
          }
        }
        if (++pos[b] < dirs[b].traceCount()) {
          heads.add(b);
        }
      }
    }
    return new SplitTraces(blocks.stream().map(r -> r.meta().blockId()).toList(), split);
  }

  private static int compare(TraceDirectory a, int i, TraceDirectory b, int j) {
    int c = Long.compareUnsigned(a.high(i), b.high(j));
    return c != 0 ? c : Long.compareUnsigned(a.low(i), b.low(j));
  }
}
