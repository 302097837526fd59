package io.tracestore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.Span;
import io.tracestore.api.StorageException;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.storage.local.LocalObjectStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyAndFaultsTest {
  @TempDir Path dir;

  @Test
  void concurrentAppendsReadsCutsAndCompactionsLoseNothingAndNeverShowAPartialSpan() throws Exception {
    int writers = 3;
    List<List<Span>> perWriter = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      perWriter.add(new RandomSpans(1000 + w).traces(1_500, 12));
    }
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    // the writers start once the reader has read: on two cores they could otherwise finish before it runs at all
    java.util.concurrent.CountDownLatch readerRunning = new java.util.concurrent.CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
    try (TraceStore store = TraceStores.builder().directory(dir.resolve("c")).fsyncPolicy(FsyncPolicy.NEVER)
        .blockRetention(java.time.Duration.ofDays(36_500)).build()) {
      List<Future<?>> futures = new ArrayList<>();
      for (List<Span> spans : perWriter) {
        futures.add(pool.submit(() -> {
          readerRunning.await();
          for (int i = 0; i < spans.size(); i += 50) {
            store.append(spans.subList(i, Math.min(spans.size(), i + 50)));
          }
          return null;
        }));
      }
      Future<?> cutter = pool.submit(() -> {
        for (int round = 1; !done.get(); round++) {
          store.flush();
          if (round % 4 == 0) {
            store.compact(); // merges while appends and reads go on
          }
          Thread.sleep(5);
        }
        return null;
      });
      Future<?> reader = pool.submit(() -> {
        List<Span> probe = perWriter.get(0);
        while (!done.get()) {
          readerRunning.countDown();
          Span s = probe.get(reads.getAndIncrement() * 37 % probe.size());
          store.findTrace(s.traceId()).ifPresent(t -> {
            Span back = t.span(s.spanId());
            if (back != null && !back.equals(s)) {
              throw new AssertionError("a span read back differs from the span written: " + s.spanId());
            }
          });
        }
        return null;
      });
      for (Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
      done.set(true);
      cutter.get(1, TimeUnit.MINUTES);
      reader.get(1, TimeUnit.MINUTES);
      for (List<Span> spans : perWriter) {
        for (Map.Entry<TraceId, List<Span>> e : RandomSpans.byTrace(spans).entrySet()) {
          assertThat(store.findTrace(e.getKey())).contains(new Trace(e.getKey(), e.getValue()));
        }
      }
      assertThat(reads.get()).isPositive();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailedBlockUploadKeepsTheSpansReadableAndInTheWalUntilARetrySucceeds() throws Exception {
    List<Span> spans = new RandomSpans(77).traces(600, 10);
    Map<TraceId, List<Span>> expected = RandomSpans.byTrace(spans);
    Path wal = dir.resolve("wal");
    try (LocalObjectStore local = new LocalObjectStore(dir.resolve("data"))) {
      FaultyObjectStore store = new FaultyObjectStore(local);
      TraceStore ts = TraceStores.builder().objectStore(store).walDirectory(wal).fsyncPolicy(FsyncPolicy.ALWAYS).build();
      ts.append(spans.subList(0, 300));
      store.failWhen(c -> c.op() == FaultyObjectStore.Op.PUT && c.key().endsWith("data.parquet"));
      assertThatThrownBy(ts::flush).isInstanceOf(StorageException.class).hasMessageContaining("injected failure");
      ts.append(spans.subList(300, spans.size()));
      for (Map.Entry<TraceId, List<Span>> e : expected.entrySet()) {
        assertThat(ts.findTrace(e.getKey())).as("readable after the failed cut").contains(new Trace(e.getKey(), e.getValue()));
      }
      // the process dies here, with the upload still failing: the WAL must hold everything
    }
    try (LocalObjectStore local = new LocalObjectStore(dir.resolve("data"));
        TraceStore reopened = TraceStores.builder().objectStore(local).walDirectory(wal).build()) {
      for (Map.Entry<TraceId, List<Span>> e : expected.entrySet()) {
        assertThat(reopened.findTrace(e.getKey())).as("recovered after the crash").contains(new Trace(e.getKey(), e.getValue()));
      }
      reopened.flush();
    }
  }
}
