package io.tracestore.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.Span;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.core.block.BlockReader;
import io.tracestore.storage.local.LocalObjectStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM appends with fsync ALWAYS while blocks are cut and compacted, and is killed with
 * SIGKILL at random moments; after each kill the store reopens with every acknowledged span
 * present exactly once and every block passing its checksum. Cycles: {@code -Dtracestore.crashCycles}
 * (default 20).
 */
class CrashRecoveryTest {
  @TempDir Path dir;

  @Test
  void killingTheWriterAtRandomMomentsLosesNoAcknowledgedSpan() throws Exception {
    int cycles = Integer.getInteger("tracestore.crashCycles", 20);
    Random random = new Random(20261122);
    Path store = dir.resolve("store");
    long next = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      Process child = CrashChild.jvm(CrashChild.class, store.toString(), Long.toString(next)).start();
      AtomicLong lastAck = new AtomicLong(next - 1);
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith("ack ")) {
              lastAck.set(Long.parseLong(line.substring(4)));
            }
          }
        } catch (java.io.IOException ignored) {
          // the child died
        }
      });
      reader.start();
      // let it run: at least past JVM start and a few acknowledged batches, then kill it mid-work
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (lastAck.get() < next + 2 && System.nanoTime() < deadline && child.isAlive()) {
        Thread.sleep(10);
      }
      Thread.sleep(random.nextInt(400));
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      long acked = lastAck.get();
      assertThat(acked).as("cycle %d acknowledged batches", cycle).isGreaterThanOrEqualTo(next);

      try (TraceStore reopened = CrashChild.open(store)) {
        // every batch acknowledged so far, in any cycle: its traces hold exactly its span ids
        Map<TraceId, java.util.Set<io.tracestore.api.SpanId>> found = new java.util.HashMap<>();
        for (io.tracestore.api.SearchResult.TraceMatch m : reopened.search(
            io.tracestore.api.SearchRequest.of("{ }").withLimit(0).withSpansPerSpanSet(0)).traces()) {
          java.util.Set<io.tracestore.api.SpanId> ids = new java.util.HashSet<>();
          for (io.tracestore.api.SearchResult.SpanSet set : m.spanSets()) {
            set.spans().forEach(sp -> assertThat(ids.add(sp.spanId())).as("span %s listed once", sp.spanId()).isTrue());
          }
          found.put(m.traceId(), ids);
        }
        for (long n = 0; n <= acked; n++) {
          for (Map.Entry<TraceId, List<Span>> e : RandomSpans.byTrace(CrashChild.batch(n)).entrySet()) {
            java.util.Set<io.tracestore.api.SpanId> want = new java.util.HashSet<>();
            e.getValue().forEach(sp -> want.add(sp.spanId()));
            assertThat(found.get(e.getKey())).as("cycle %d: spans of acknowledged batch %d", cycle, n).isEqualTo(want);
          }
        }
        // this cycle's batches, field by field
        for (long n = next; n <= acked; n++) {
          for (Map.Entry<TraceId, List<Span>> e : RandomSpans.byTrace(CrashChild.batch(n)).entrySet()) {
            assertThat(reopened.findTrace(e.getKey())).as("cycle %d batch %d", cycle, n).contains(new Trace(e.getKey(), e.getValue()));
          }
        }
      }
      try (LocalObjectStore objects = new LocalObjectStore(store.resolve("data"))) {
        for (BlockMeta m : io.tracestore.core.block.BlockCatalog.load(objects, TraceStoreConfig.DEFAULT_TENANT).committed()) {
          new BlockReader(objects, m).verify();
        }
      }
      next = acked + 1;
    }
  }
}
