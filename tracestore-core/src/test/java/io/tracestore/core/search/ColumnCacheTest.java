package io.tracestore.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.core.RandomSpans;
import io.tracestore.core.block.BlockReader;
import io.tracestore.core.block.BlockSchema;
import io.tracestore.core.block.BlockWriter;
import io.tracestore.core.storage.InMemoryObjectStore;
import org.junit.jupiter.api.Test;

class ColumnCacheTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  private BlockReader block(long seed) {
    BlockWriter writer = new BlockWriter(new BlockWriter.Options(500, 100, 10, 0.05, 3));
    return new BlockReader(store, writer.write(store, "t", new RandomSpans(seed).traces(2_000, 10)));
  }

  @Test
  void aSearchAfterACutFindsTheNewBlocksColumnsDecodedAlready() {
    try (io.tracestore.api.TraceStore traces = io.tracestore.core.TraceStores.builder().objectStore(store)
        .searchThreads(1).compactionInterval(java.time.Duration.ZERO).build()) {
      traces.append(new RandomSpans(1).traces(30_000, 10)); // not a "small" block searched as decoded spans
      traces.flush();
      io.tracestore.api.SearchRequest query = io.tracestore.api.SearchRequest.of("{ status = error && duration > 1ms }");
      io.tracestore.api.SearchResult.Metrics cold = traces.search(query).metrics();
      assertThat(cold.cacheMisses()).as("the first search decodes").isPositive();
      traces.search(query); // a column read in part the first time is decoded whole the second
      traces.append(new RandomSpans(2).traces(30_000, 10));
      traces.flush();
      io.tracestore.api.SearchResult.Metrics after = traces.search(query).metrics();
      assertThat(after.blocksInspected()).isEqualTo(2);
      assertThat(after.cacheMisses()).as("the cut decoded the new block's columns").isZero();
      assertThat(after.bytesDecoded()).isZero();
    }
  }

  @Test
  void warmingANewBlockDecodesTheColumnsSearchesAskedForLately() {
    ColumnCache cache = new ColumnCache(64L << 20);
    BlockReader old = block(1);
    BlockReader fresh = block(2);
    assertThat(fresh.rowGroupCount()).isGreaterThan(1);
    long before = System.nanoTime();
    assertThat(cache.warm(fresh, before)).as("no search asked for anything yet").isZero();
    cache.vector(old, 0, BlockSchema.NAME, new ScanStats());
    cache.vector(old, 0, BlockSchema.DURATION, new ScanStats());
    cache.vector(old, 0, "no.such.column", new ScanStats());
    assertThat(cache.warm(fresh, System.nanoTime() + 1_000_000_000L)).as("asked for before the window").isZero();
    assertThat(cache.cached(fresh, 0, BlockSchema.NAME, new ScanStats())).isNull();
    assertThat(cache.warm(fresh, before)).isEqualTo(2 * fresh.rowGroupCount());
    for (int rg = 0; rg < fresh.rowGroupCount(); rg++) {
      assertThat(cache.cached(fresh, rg, BlockSchema.NAME, new ScanStats())).isNotNull();
      assertThat(cache.cached(fresh, rg, BlockSchema.DURATION, new ScanStats())).isNotNull();
    }
    assertThat(cache.cached(fresh, 0, BlockSchema.STATUS_CODE, new ScanStats())).as("not asked for").isNull();
    assertThat(new ColumnCache(0).warm(fresh, before)).as("no cache, nothing to warm").isZero();
  }
}
