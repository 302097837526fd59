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
