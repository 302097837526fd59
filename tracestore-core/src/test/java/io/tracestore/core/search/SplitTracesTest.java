package io.tracestore.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.Span;
import io.tracestore.api.TraceId;
import io.tracestore.core.RandomSpans;
import io.tracestore.core.block.BlockReader;
import io.tracestore.core.block.BlockWriter;
import io.tracestore.core.block.TraceDirectory;
import io.tracestore.core.storage.InMemoryObjectStore;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SplitTracesTest {
  @Test
  void aTraceIsMarkedSplitInExactlyTheBlocksHoldingItWhenAnotherBlockHoldsItToo() {
    long seed = Long.getLong("tracestore.test.seed", System.nanoTime());
    Random rnd = new Random(seed);
    InMemoryObjectStore store = new InMemoryObjectStore();
    for (int round = 0; round < 6; round++) {
      List<List<Span>> traces = new ArrayList<>(RandomSpans.byTrace(new RandomSpans(rnd.nextLong()).traces(200, 3)).values());
      int blockCount = 1 + rnd.nextInt(7);
      List<List<Span>> blockSpans = new ArrayList<>();
      for (int b = 0; b < blockCount; b++) {
        blockSpans.add(new ArrayList<>());
      }
      for (List<Span> trace : traces) {
        // most traces in one block, some in several, a few in none
        int copies = rnd.nextInt(5) == 0 ? 2 + rnd.nextInt(blockCount) : rnd.nextInt(10) == 0 ? 0 : 1;
        for (int c = 0; c < copies; c++) {
          blockSpans.get(rnd.nextInt(blockCount)).addAll(trace);
        }
      }
      List<BlockReader> blocks = new ArrayList<>();
      for (List<Span> spans : blockSpans) {
        if (!spans.isEmpty()) {
          blocks.add(new BlockReader(store, new BlockWriter(BlockWriter.Options.DEFAULT).write(store, "t", spans)));
        }
      }
      Map<TraceId, Integer> holders = new HashMap<>();
      for (BlockReader b : blocks) {
        TraceDirectory dir = b.directory();
        for (int t = 0; t < dir.traceCount(); t++) {
          holders.merge(dir.traceId(t), 1, Integer::sum);
        }
      }
      SplitTraces split = SplitTraces.of(blocks);
      assertThat(split.isFor(blocks)).isTrue();
      int marked = 0;
      for (int b = 0; b < blocks.size(); b++) {
        TraceDirectory dir = blocks.get(b).directory();
        BitSet expected = new BitSet();
        for (int t = 0; t < dir.traceCount(); t++) {
          if (holders.get(dir.traceId(t)) > 1) {
            expected.set(t);
          }
        }
        assertThat(split.of(b)).as("seed %d, round %d, block %d of %d", seed, round, b, blocks.size()).isEqualTo(expected);
        marked += expected.cardinality();
      }
      assertThat(marked > 0 || blocks.size() < 2 || holders.values().stream().allMatch(n -> n == 1)).isTrue();
    }
  }
}
