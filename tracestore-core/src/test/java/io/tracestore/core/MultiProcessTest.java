package io.tracestore.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.TraceId;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.core.block.BlockReader;
import io.tracestore.storage.local.LocalObjectStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes sharing one store directory through the tenant index, as docs/operations.md says
 * they may: a child JVM writes (its own WAL, cutting small blocks, no compaction) while this JVM
 * opens a second store on the same data folder without a WAL, polls the index, searches and is the
 * one compactor. While both run, a poll never loses a span the reader saw before and never shows a
 * span in two live blocks (compaction output and its inputs swap in one index version, whichever
 * process writes it); after the writer closes, every span it wrote is found exactly once and every
 * block passes its checksum.
 */
class MultiProcessTest {
  @TempDir Path dir;

  @Test
  void aWriterProcessAndACompactingReaderProcessShareADirectoryWithoutLosingOrDuplicatingASpan() throws Exception {
    Path store = dir.resolve("store");
    int batches = 400;
    Process child = CrashChild.jvm(WriterChild.class, store.toString(), Integer.toString(batches)).start();
    AtomicLong lastAck = new AtomicLong(-1);
    AtomicBoolean done = new AtomicBoolean();
    Thread output = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith("ack ")) {
            lastAck.set(Long.parseLong(line.substring(4)));
          } else if (line.equals("done")) {
            done.set(true);
          }
        }
      } catch (java.io.IOException ignored) {
        // the child ended
      }
    });
    output.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (lastAck.get() < 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(Files.isDirectory(store.resolve("data"))).as("the writer created the store").isTrue();

      Map<SpanKey, Boolean> seen = new HashMap<>();
      int rounds = 0;
      int compactions = 0;
      try (DefaultTraceStore reader = (DefaultTraceStore) TraceStores.builder()
          .ownedObjectStore(new LocalObjectStore(store.resolve("data")))
          .blockRetention(Duration.ofDays(36_500)).compactionInterval(Duration.ZERO)
          .indexPollInterval(Duration.ofDays(1)).build()) { // polled below, between checks, not in the background
        while (child.isAlive() || rounds == 0) {
          reader.pollIndex();
          Set<SpanKey> now = spans(reader);
          long inBlocks = reader.blockMetas().stream().mapToLong(BlockMeta::spanCount).sum();
          assertThat(inBlocks).as("round %d: no span in two live blocks", rounds).isEqualTo(now.size());
          Set<SpanKey> lost = new HashSet<>(seen.keySet());
          lost.removeAll(now);
          assertThat(lost).as("round %d: spans seen before and gone now", rounds).isEmpty();
          now.forEach(k -> seen.put(k, true));
          if (rounds % 3 == 2) {
            compactions += reader.compact(); // merges the writer's blocks while it keeps cutting
          }
          rounds++;
          Thread.sleep(20);
        }
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        output.join(10_000);
        assertThat(child.exitValue()).isZero();
        assertThat(done.get()).as("the writer closed cleanly").isTrue();
        assertThat(lastAck.get()).isEqualTo(batches - 1);

        reader.pollIndex();
        compactions += reader.compact();
        Set<SpanKey> all = spans(reader);
        Set<SpanKey> written = new HashSet<>();
        for (long n = 0; n < batches; n++) {
          for (Span s : CrashChild.batch(n)) {
            written.add(new SpanKey(s.traceId(), s.spanId()));
          }
        }
        assertThat(all).as("every span written, found once").isEqualTo(written);
        assertThat(reader.blockMetas().stream().mapToLong(BlockMeta::spanCount).sum()).isEqualTo(written.size());
        assertThat(rounds).as("reader rounds while the writer ran").isGreaterThan(3);
        assertThat(compactions).as("blocks merged away by this process").isPositive();
        try (LocalObjectStore objects = new LocalObjectStore(store.resolve("data"))) {
          for (BlockMeta m : reader.blockMetas()) {
            new BlockReader(objects, m).verify();
          }
        }
      }
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** A span by trace id and span id. */
  record SpanKey(TraceId trace, SpanId span) {}

  /** Every span the store finds, by trace id and span id. */
  static Set<SpanKey> spans(DefaultTraceStore store) {
    Set<SpanKey> out = new HashSet<>();
    for (SearchResult.TraceMatch m : store.search(SearchRequest.of("{ }").withLimit(0).withSpansPerSpanSet(0)).traces()) {
      for (SearchResult.SpanSet set : m.spanSets()) {
        set.spans().forEach(s -> out.add(new SpanKey(m.traceId(), s.spanId())));
      }
    }
    return out;
  }
}
