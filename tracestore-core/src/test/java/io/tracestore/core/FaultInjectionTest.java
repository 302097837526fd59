package io.tracestore.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.Span;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.spi.ObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every storage call (of every kind) made while opening, cutting blocks, rewriting the index and
 * compacting is failed in turn; whatever the failure point, the store stays readable with nothing
 * lost, and a healthy reopen shows every span exactly once. Stalled calls: {@link StalledStorageTest}.
 */
class FaultInjectionTest {
  @TempDir Path dir;

  /** Three cuts then a compaction, tolerating the injected failure wherever it lands. */
  private static void workload(TraceStore store, List<List<Span>> batches) {
    for (List<Span> batch : batches) {
      store.append(batch);
      try {
        store.flush();
      } catch (RuntimeException injected) {
        // the spans stay in memory and in the WAL
      }
    }
    try {
      store.compact();
    } catch (RuntimeException injected) {
      // the old blocks stay in place
    }
  }

  private static List<List<Span>> batches() {
    return List.of(new RandomSpans(1).traces(60, 6), new RandomSpans(2).traces(60, 6), new RandomSpans(3).traces(60, 6));
  }

  private static TraceStore open(ObjectStore objects, Path wal) {
    return TraceStores.builder().objectStore(objects).walDirectory(wal).fsyncPolicy(FsyncPolicy.NEVER)
        .blockRetention(Duration.ofDays(36_500)).build();
  }

  @Test
  void everyFailurePointInCutsAndCompactionLeavesEverySpanReadableExactlyOnce() throws Exception {
    List<List<Span>> batches = batches();
    // count the calls of a clean run
    int total;
    try (ObjectStore local = new io.tracestore.core.storage.InMemoryObjectStore()) {
      FaultyObjectStore counting = new FaultyObjectStore(local);
      try (TraceStore store = open(counting, dir.resolve("clean/wal"))) {
        workload(store, batches);
      }
      total = counting.calls(FaultyObjectStore.Op.ALL);
    }
    assertThat(total).isGreaterThan(10);
    for (int failAt = 1; failAt <= total; failAt++) {
      Path root = dir.resolve("f" + failAt);
      ObjectStore local = new io.tracestore.core.storage.InMemoryObjectStore(); // survives the "crash"
      {
        FaultyObjectStore faulty = new FaultyObjectStore(local).failNth(failAt, FaultyObjectStore.Op.ALL);
        TraceStore store;
        try {
          store = open(faulty, root.resolve("wal"));
        } catch (RuntimeException injectedAtOpen) {
          continue; // failing to open is allowed; nothing was written yet
        }
        workload(store, batches);
        faulty.heal(); // a failed read is an error by design; check what the failure left
        for (List<Span> batch : batches) {
          for (Map.Entry<TraceId, List<Span>> e : RandomSpans.byTrace(batch).entrySet()) {
            assertThat(store.findTrace(e.getKey())).as("failure at call %d, before restart", failAt)
                .contains(new Trace(e.getKey(), e.getValue()));
          }
        }
        // crash: no close; reopen on healthy storage
      }
      try (TraceStore reopened = open(local, root.resolve("wal"))) {
        for (List<Span> batch : batches) {
          for (Map.Entry<TraceId, List<Span>> e : RandomSpans.byTrace(batch).entrySet()) {
            assertThat(reopened.findTrace(e.getKey())).as("failure at call %d, after restart", failAt)
                .contains(new Trace(e.getKey(), e.getValue()));
          }
        }
      }
    }
  }
}
