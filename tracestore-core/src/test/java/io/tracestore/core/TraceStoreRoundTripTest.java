package io.tracestore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.Span;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.block.BlockWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: random traces appended in random batches read back by id equal field by field — in
 * memory and on disk, before and after block cuts, after close and reopen.
 */
class TraceStoreRoundTripTest {
  @TempDir Path dir;

  private static void assertAllTracesReadBack(TraceStore store, Map<TraceId, List<Span>> expected, String when) {
    for (Map.Entry<TraceId, List<Span>> e : expected.entrySet()) {
      Trace t = store.findTrace(e.getKey()).orElseThrow(() -> new AssertionError(when + ": trace " + e.getKey() + " missing"));
      assertThat(t).as("%s: trace %s", when, e.getKey()).isEqualTo(new Trace(e.getKey(), e.getValue()));
    }
    assertThat(store.findTrace(TraceId.of(123, 456))).as(when).isEmpty();
  }

  /** Appends in random batches, interleaving traces and cutting blocks at random points. */
  private static void appendRandomly(TraceStore store, List<Span> spans, Random r, boolean cut) {
    List<Span> shuffled = new ArrayList<>(spans);
    Collections.shuffle(shuffled, r);
    int i = 0;
    while (i < shuffled.size()) {
      int n = 1 + r.nextInt(200);
      store.append(shuffled.subList(i, Math.min(shuffled.size(), i + n)));
      i += n;
      if (cut && r.nextInt(6) == 0) {
        store.flush();
      }
    }
  }

  @Test
  void inMemoryStoresReturnEveryTraceBeforeAndAfterCuts() {
    for (int seed = 0; seed < 5; seed++) {
      Random r = new Random(seed);
      List<Span> spans = new RandomSpans(seed).traces(1_500, 25);
      Map<TraceId, List<Span>> expected = RandomSpans.byTrace(spans);
      try (TraceStore store = TraceStores.inMemory()) {
        appendRandomly(store, spans, r, false);
        assertAllTracesReadBack(store, expected, "head only, seed " + seed);
        store.flush();
        assertAllTracesReadBack(store, expected, "after flush, seed " + seed);
      }
    }
  }

  @Test
  void diskStoresReturnEveryTraceSplitAcrossBlocksAndAfterReopen() {
    for (int seed = 0; seed < 4; seed++) {
      Random r = new Random(100 + seed);
      Path storeDir = dir.resolve("s" + seed);
      List<Span> spans = new RandomSpans(100 + seed).traces(1_500, 25);
      Map<TraceId, List<Span>> expected = RandomSpans.byTrace(spans);
      try (TraceStore store = TraceStores.builder().directory(storeDir).fsyncPolicy(FsyncPolicy.NEVER)
          .blockOptions(new BlockWriter.Options(300, 50, 10, 0.05, 1)).build()) {
        appendRandomly(store, spans, r, true);
        assertAllTracesReadBack(store, expected, "head and blocks, seed " + seed);
      }
      try (TraceStore store = TraceStores.open(storeDir)) {
        assertAllTracesReadBack(store, expected, "after close and reopen, seed " + seed);
      }
    }
  }

  @Test
  void spansLeftInTheWalAreRecoveredWhenAStoreIsNotClosed() {
    List<Span> spans = new RandomSpans(7).traces(800, 20);
    Map<TraceId, List<Span>> expected = RandomSpans.byTrace(spans);
    Path storeDir = dir.resolve("crashy");
    TraceStore crashed = TraceStores.builder().directory(storeDir).fsyncPolicy(FsyncPolicy.ALWAYS).build();
    appendRandomly(crashed, spans.subList(0, 400), new Random(1), false);
    crashed.flush();
    appendRandomly(crashed, spans.subList(400, spans.size()), new Random(2), false);
    // no close(): the process "dies" with spans only in the WAL and a block on disk
    try (TraceStore store = TraceStores.open(storeDir)) {
      assertAllTracesReadBack(store, expected, "after a crash");
    }
  }

  @Test
  void aSpanAppendedTwiceAppearsOnceEvenAcrossHeadAndBlocks() {
    List<Span> trace = new RandomSpans(3).trace(10);
    try (TraceStore store = TraceStores.inMemory()) {
      store.append(trace);
      store.flush();
      store.append(trace); // a client's retry
      Trace t = store.findTrace(trace.get(0).traceId()).orElseThrow();
      assertThat(t.spans()).hasSize(new Trace(trace.get(0).traceId(), trace).spans().size());
      store.flush();
      assertThat(store.findTrace(trace.get(0).traceId()).orElseThrow()).isEqualTo(t);
    }
  }

  @Test
  void theHeadIsCutIntoBlocksWhenItPassesItsSizeLimit() throws Exception {
    List<Span> spans = new RandomSpans(5).traces(3_000, 10);
    Map<TraceId, List<Span>> expected = RandomSpans.byTrace(spans);
    try (TraceStore store = TraceStores.builder().directory(dir.resolve("cuts")).maxBlockBytes(50_000)
        .traceIdle(Duration.ofMillis(20)).build()) {
      for (int i = 0; i < spans.size(); i += 100) {
        store.append(spans.subList(i, Math.min(spans.size(), i + 100)));
      }
      DefaultTraceStore impl = (DefaultTraceStore) store;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (impl.blockMetas().size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(impl.blockMetas()).hasSizeGreaterThanOrEqualTo(2);
      assertAllTracesReadBack(store, expected, "with background cuts");
    }
  }

  @Test
  void reopeningAStoreWithoutAppendsDoesNotPileUpWalSegments() throws Exception {
    Path storeDir = dir.resolve("reopen");
    for (int i = 0; i < 5; i++) {
      TraceStores.open(storeDir).close();
    }
    try (var files = java.nio.file.Files.list(storeDir.resolve("wal").resolve(TraceStoreConfig.DEFAULT_TENANT))) {
      assertThat(files.count()).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void closeLeavesEverySpanInAParquetBlockAndTheWalEmpty() throws Exception {
    List<Span> spans = new RandomSpans(8).traces(500, 10);
    Path storeDir = dir.resolve("clean");
    try (TraceStore store = TraceStores.open(storeDir)) {
      store.append(spans);
    }
    try (var files = java.nio.file.Files.list(storeDir.resolve("wal").resolve(TraceStoreConfig.DEFAULT_TENANT))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        assertThat(java.nio.file.Files.size(p)).as("%s holds no records", p).isEqualTo(8);
      }
    }
    try (TraceStore store = TraceStores.builder().directory(storeDir).build()) {
      long blockSpans = ((DefaultTraceStore) store).blockMetas().stream().mapToLong(m -> m.spanCount()).sum();
      assertThat(blockSpans).isEqualTo(spans.size());
    }
  }

  @Test
  void encodeThreadsSetsHowManyThreadsEncodeABlocksRowGroups() throws Exception {
    assertThatThrownBy(() -> TraceStores.builder().encodeThreads(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("encodeThreads");
    List<Span> spans = new RandomSpans(77).traces(3_000, 10);
    Map<TraceId, List<Span>> expected = RandomSpans.byTrace(spans);
    for (int threads : new int[] {1, 3}) {
      java.util.Set<String> before = encodeThreadNames();
      try (TraceStore store = TraceStores.builder().objectStore(new io.tracestore.core.storage.InMemoryObjectStore())
          .tenant("enc" + threads).blockOptions(new io.tracestore.core.block.BlockWriter.Options(200, 50, 10, 0.05, 1))
          .encodeThreads(threads).build()) {
        store.append(spans);
        store.flush(); // one block of many row groups
        java.util.Set<String> started = encodeThreadNames();
        started.removeAll(before);
        if (threads == 1) {
          assertThat(started).as("the cutting thread alone").isEmpty();
        } else {
          assertThat(started).as("helpers of %d encode threads", threads).isNotEmpty().hasSizeLessThanOrEqualTo(threads - 1);
        }
        assertAllTracesReadBack(store, expected, threads + " encode threads");
      }
    }
  }

  /** Names of live threads that help encode blocks, each with its id. */
  private static java.util.Set<String> encodeThreadNames() {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("tracestore-encode-")) {
        out.add(t.getName() + "#" + t.getId());
      }
    }
    return out;
  }
}
