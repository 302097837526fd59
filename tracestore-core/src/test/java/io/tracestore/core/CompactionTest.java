package io.tracestore.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.block.BlockMeta;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionTest {
  @TempDir Path dir;

  private static final List<String> QUERIES = List.of(
      "{ }", "{ status = error }", "{ span.http.method = \"GET\" }", "{ } >> { status = error }",
      "{ } | count() > 5", "{ resource.service.name = \"svc-1\" } ~ { }");

  private static List<String> answers(TraceStore store) {
    List<String> out = new ArrayList<>();
    for (String q : QUERIES) {
      SearchResult r = store.search(SearchRequest.of(q).withLimit(0).withSpansPerSpanSet(0));
      out.add(q + " -> " + r.traces());
    }
    return out;
  }

  @Test
  void compactionMergesSmallBlocksAndLeavesEveryTraceAndEveryAnswerUnchanged() throws Exception {
    List<Span> spans = new RandomSpans(21).traces(3_000, 15);
    Map<TraceId, List<Span>> expected = RandomSpans.byTrace(spans);
    List<Span> shuffled = new ArrayList<>(spans);
    Collections.shuffle(shuffled, new Random(3)); // traces end up split across blocks
    Path storeDir = dir.resolve("s");
    List<String> before;
    // RandomSpans' timestamps are from 2023: keep them past the default 14-day retention
    try (TraceStore store = TraceStores.builder().directory(storeDir).fsyncPolicy(FsyncPolicy.NEVER)
        .blockRetention(java.time.Duration.ofDays(36_500)).build()) {
      for (int i = 0; i < shuffled.size(); i += 300) {
        store.append(shuffled.subList(i, Math.min(shuffled.size(), i + 300)));
        store.flush();
      }
      // a duplicate in the head, of the earliest span, so its block falls in the compacted block's window
      store.append(spans.stream().min(java.util.Comparator.comparingLong(Span::startUnixNano)).orElseThrow());
      DefaultTraceStore impl = (DefaultTraceStore) store;
      int blocksBefore = impl.blockMetas().size();
      assertThat(blocksBefore).isGreaterThanOrEqualTo(10);
      before = answers(store);
      int removed = store.compact();
      assertThat(removed).isPositive();
      assertThat(impl.blockMetas()).hasSize(blocksBefore - removed);
      assertThat(answers(store)).isEqualTo(before);
      for (Map.Entry<TraceId, List<Span>> e : expected.entrySet()) {
        assertThat(store.findTrace(e.getKey())).contains(new Trace(e.getKey(), e.getValue()));
      }
      assertThat(store.compact()).as("nothing left to merge").isZero();
    }
    try (TraceStore store = TraceStores.builder().directory(storeDir).blockRetention(java.time.Duration.ofDays(36_500)).build()) {
      DefaultTraceStore impl = (DefaultTraceStore) store;
      long spansInBlocks = impl.blockMetas().stream().mapToLong(BlockMeta::spanCount).sum();
      assertThat(spansInBlocks).as("replaced blocks were deleted at close; only the head's duplicate is twice")
          .isEqualTo(spans.size() + 1);
      assertThat(answers(store)).isEqualTo(before);
      assertThat(store.compact()).isPositive();
      assertThat(impl.blockMetas().stream().mapToLong(BlockMeta::spanCount).sum()).as("the duplicate merged away")
          .isEqualTo(spans.size());
      assertThat(answers(store)).isEqualTo(before);
    }
  }

  private static final long HOUR = java.util.concurrent.TimeUnit.HOURS.toNanos(1);

  /** A reader of a block that exists only as a meta (the planner reads nothing). */
  private static io.tracestore.core.block.BlockReader block(String id, long start, long spans, int level) {
    TraceId t = TraceId.of(1, 1);
    BlockMeta meta = new BlockMeta(BlockMeta.FORMAT_VERSION, id, "t", 0, start, start + 1, t, t, spans, 1, List.of(), List.of(),
        1, "00000000", List.of()).withCompactionLevel(level);
    return new io.tracestore.core.block.BlockReader(new io.tracestore.core.storage.InMemoryObjectStore(), meta);
  }

  private static List<List<String>> ids(List<List<io.tracestore.core.block.BlockReader>> groups) {
    return groups.stream().map(g -> g.stream().map(b -> b.meta().blockId()).toList()).toList();
  }

  @Test
  void aCompactionPassMergesTwoToFourBlocksOfOneLevelPerHourOldestFirstAndTheBackgroundOneOnlyFoursInOpenHours() {
    long now = 100 * HOUR + HOUR / 2;
    List<io.tracestore.core.block.BlockReader> blocks = new ArrayList<>();
    for (int i = 0; i < 10; i++) { // level 0 of the current hour, started in reverse order
      blocks.add(block("a" + i, now - i * 1_000, 1_000, 0));
    }
    blocks.add(block("l1-x", now - HOUR, 5_000, 1)); // previous hour, levels still apart
    blocks.add(block("l1-y", now - HOUR + 1, 5_000, 1));
    blocks.add(block("l2-z", now - HOUR + 2, 5_000, 2));
    blocks.add(block("big", now, DefaultTraceStore.MAX_COMPACTED_SPANS / 2, 0)); // done: never an input
    List<List<String>> groups = ids(DefaultTraceStore.plan(blocks, now, 2));
    assertThat(groups).containsExactlyInAnyOrder(
        List.of("a9", "a8", "a7", "a6"), List.of("a5", "a4", "a3", "a2"), List.of("a1", "a0"), List.of("l1-x", "l1-y"));
    // the background compactor: in the current and previous hour only groups of four (fewer blocks rewritten per span)
    assertThat(ids(DefaultTraceStore.plan(blocks, now, DefaultTraceStore.MAX_COMPACTION_INPUTS))).containsExactlyInAnyOrder(
        List.of("a9", "a8", "a7", "a6"), List.of("a5", "a4", "a3", "a2"));
    // ... unless fewer reach the span limit
    List<io.tracestore.core.block.BlockReader> large = List.of(
        block("m0", now, DefaultTraceStore.MAX_COMPACTED_SPANS / 2 - 1, 0), block("m1", now + 1, DefaultTraceStore.MAX_COMPACTED_SPANS / 2 - 1, 0),
        block("m2", now + 2, 10, 0));
    assertThat(ids(DefaultTraceStore.plan(large, now, DefaultTraceStore.MAX_COMPACTION_INPUTS))).containsExactly(List.of("m0", "m1"));
  }

  @Test
  void windowsOlderThanAnHourAgoMergeAcrossLevelsAndRespectTheSpanLimit() {
    long now = 100 * HOUR;
    long old = 90 * HOUR;
    List<io.tracestore.core.block.BlockReader> blocks = List.of(
        block("x0", old, 10, 0), block("x1", old + 1, 10, 1), block("x2", old + 2, 10, 3),
        block("y0", 50 * HOUR, DefaultTraceStore.MAX_COMPACTED_SPANS / 2 - 1, 0),
        block("y1", 50 * HOUR + 1, DefaultTraceStore.MAX_COMPACTED_SPANS / 2 - 1, 2),
        block("y2", 50 * HOUR + 2, 3, 0),
        block("lonely", 20 * HOUR, 10, 0));
    for (int openInputs : new int[] {2, DefaultTraceStore.MAX_COMPACTION_INPUTS}) {
      assertThat(ids(DefaultTraceStore.plan(blocks, now, openInputs))).containsExactlyInAnyOrder(
          List.of("x0", "x1", "x2"), List.of("y0", "y1"));
    }
  }

  @Test
  void compactRunsPassesUntilTheBlocksOfAnHourHaveClimbedToOneBlock() throws Exception {
    // every trace moved into the middle of the previous hour: a window still compacted by level
    long previousHour = (System.currentTimeMillis() * 1_000_000L / HOUR - 1) * HOUR;
    Random random = new Random(8);
    List<Span> spans = new ArrayList<>();
    for (List<Span> trace : RandomSpans.byTrace(new RandomSpans(5).traces(2_000, 10)).values()) {
      long first = trace.stream().mapToLong(Span::startUnixNano).min().orElseThrow();
      long shift = previousHour + HOUR / 4 + (long) (random.nextDouble() * HOUR / 4) - first;
      for (Span s : trace) {
        spans.add(s.toBuilder().startUnixNano(s.startUnixNano() + shift).endUnixNano(s.endUnixNano() + shift).build());
      }
    }
    Map<TraceId, List<Span>> expected = RandomSpans.byTrace(spans);
    try (TraceStore store = TraceStores.builder().directory(dir.resolve("levels")).fsyncPolicy(FsyncPolicy.NEVER)
        .compactionInterval(java.time.Duration.ZERO).build()) {
      DefaultTraceStore impl = (DefaultTraceStore) store;
      List<TraceId> ids = new ArrayList<>(expected.keySet());
      for (int part = 0; part < 10; part++) { // 10 level-0 blocks
        List<Span> batch = new ArrayList<>();
        for (int i = part; i < ids.size(); i += 10) {
          batch.addAll(expected.get(ids.get(i)));
        }
        store.append(batch);
        store.flush();
      }
      assertThat(impl.blockMetas()).hasSize(10).allMatch(m -> m.compactionLevel() == 0)
          .allMatch(m -> m.minStartUnixNano() / HOUR == previousHour / HOUR);
      assertThat(store.compact()).isEqualTo(9); // 10 -> 3 of level 1 (4 + 4 + 2) -> 1 of level 2
      assertThat(impl.blockMetas()).singleElement().satisfies(m -> assertThat(m.compactionLevel()).isEqualTo(2));
      for (Map.Entry<TraceId, List<Span>> e : expected.entrySet()) {
        assertThat(store.findTrace(e.getKey()).orElseThrow().spans()).containsExactlyInAnyOrderElementsOf(e.getValue());
      }
    }
  }

  @Test
  void compactionDeletesBlocksOlderThanTheRetentionAndKeepsNewerOnes() {
    long now = System.currentTimeMillis() * 1_000_000L;
    List<Span> old = new RandomSpans(5).traces(200, 5); // 2023
    Span fresh = old.get(0).toBuilder().traceId(TraceId.of(77, 77)).startUnixNano(now - 1_000_000_000L).endUnixNano(now).build();
    try (TraceStore store = TraceStores.builder().directory(dir.resolve("r")).blockRetention(java.time.Duration.ofDays(14)).build()) {
      store.append(old);
      store.flush();
      store.append(fresh);
      store.flush();
      assertThat(store.compact()).isEqualTo(1);
      assertThat(store.findTrace(old.get(0).traceId())).as("expired").isEmpty();
      assertThat(store.findTrace(fresh.traceId())).isPresent();
      assertThat(((DefaultTraceStore) store).blockMetas()).hasSize(1);
    }
  }

  @Test
  void theBackgroundCompactorMergesBlocksWithoutBeingAskedAndChangesNoAnswer() throws Exception {
    List<Span> spans = new RandomSpans(8).traces(1_200, 10);
    Path storeDir = dir.resolve("bg");
    List<String> before;
    int flushed;
    try (TraceStore store = TraceStores.builder().directory(storeDir).fsyncPolicy(FsyncPolicy.NEVER)
        .blockRetention(java.time.Duration.ofDays(36_500)).compactionInterval(java.time.Duration.ZERO).build()) {
      for (int i = 0; i < spans.size(); i += 300) {
        store.append(spans.subList(i, Math.min(spans.size(), i + 300)));
        store.flush();
      }
      before = answers(store);
      flushed = ((DefaultTraceStore) store).blockMetas().size();
    }
    assertThat(flushed).as("blocks written with the compactor off").isGreaterThanOrEqualTo(4);
    try (TraceStore store = TraceStores.builder().directory(storeDir).fsyncPolicy(FsyncPolicy.NEVER)
        .blockRetention(java.time.Duration.ofDays(36_500)).compactionInterval(java.time.Duration.ofMillis(200)).build()) {
      DefaultTraceStore impl = (DefaultTraceStore) store;
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (impl.blockMetas().size() >= flushed && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Thread.sleep(1_000); // let a compaction under way finish
      assertThat(impl.blockMetas().size()).as("merged by the background compactor").isLessThan(flushed);
      assertThat(store.compact()).as("nothing left for an explicit compaction").isZero();
      assertThat(answers(store)).isEqualTo(before);
    }
  }
}
