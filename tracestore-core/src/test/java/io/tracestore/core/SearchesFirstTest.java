package io.tracestore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SearchesFirstTest {

  @Test
  void aCheckpointDoesNotWaitWithoutASearchInFlight() {
    SearchesFirst gate = new SearchesFirst(Duration.ofSeconds(30));
    long t0 = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      gate.reached();
    }
    assertThat(gate.waits()).isZero();
    assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
  }

  @Test
  void aCheckpointWaitsForTheSearchInFlightAndGoesOnWhenItEnds() throws Exception {
    SearchesFirst gate = new SearchesFirst(Duration.ofSeconds(30));
    CountDownLatch finish = new CountDownLatch(1);
    Thread search = searchInFlight(gate, finish);
    AtomicLong passedAt = new AtomicLong();
    Thread background = new Thread(() -> {
      gate.reached();
      passedAt.set(System.nanoTime());
    });
    background.start();
    background.join(300);
    assertThat(background.isAlive()).as("waiting while the search runs").isTrue();
    long ended = System.nanoTime();
    finish.countDown();
    background.join(10_000);
    search.join(10_000);
    assertThat(background.isAlive()).isFalse();
    assertThat(passedAt.get()).as("went on after the search ended").isGreaterThanOrEqualTo(ended);
    assertThat(gate.waits()).isEqualTo(1);
  }

  @Test
  void aWaitIsBoundedAndTheWorkThenRunsAsLongBeforeWaitingAgain() throws Exception {
    SearchesFirst gate = new SearchesFirst(Duration.ofMillis(200));
    CountDownLatch finish = new CountDownLatch(1);
    Thread search = searchInFlight(gate, finish);
    try {
      long t0 = System.nanoTime();
      gate.reached();
      long waited = System.nanoTime() - t0;
      assertThat(waited).as("waited about the bound").isBetween(TimeUnit.MILLISECONDS.toNanos(190), TimeUnit.SECONDS.toNanos(10));
      long t1 = System.nanoTime();
      boolean inRun = t1 - t0 < TimeUnit.MILLISECONDS.toNanos(350); // inside the run that must follow the wait
      gate.reached();
      if (inRun) {
        assertThat(System.nanoTime() - t1).as("no second wait right after a bounded one").isLessThan(TimeUnit.MILLISECONDS.toNanos(150));
        assertThat(gate.waits()).isEqualTo(1);
      }
    } finally {
      finish.countDown();
      search.join(10_000);
    }
  }

  @Test
  void afterAShortWaitTheWorkRunsAsLongBeforeWaitingAgainAndStopEndsAWait() throws Exception {
    SearchesFirst gate = new SearchesFirst(Duration.ofSeconds(5));
    CountDownLatch first = new CountDownLatch(1);
    Thread search = new Thread(() -> gate.run(() -> {
      first.countDown();
      sleep(300);
      return null;
    }));
    search.start();
    first.await();
    long t0 = System.nanoTime();
    gate.reached(); // waits for the ~300 ms search
    long waited = System.nanoTime() - t0;
    search.join(10_000);
    CountDownLatch finish = new CountDownLatch(1);
    Thread next = searchInFlight(gate, finish);
    try {
      long t1 = System.nanoTime();
      boolean inRun = t1 - t0 < waited * 2 - TimeUnit.MILLISECONDS.toNanos(50); // inside the run that must follow the wait
      gate.reached();
      if (inRun) {
        assertThat(System.nanoTime() - t1).as("no second wait within as long as the first lasted")
            .isLessThan(TimeUnit.SECONDS.toNanos(2));
        assertThat(gate.waits()).isEqualTo(1);
      }
      sleep((int) Math.max(0, (2 * waited - (System.nanoTime() - t0)) / 1_000_000) + 20);
      Thread background = new Thread(gate::reached);
      background.start();
      background.join(200);
      assertThat(background.isAlive()).as("waits again once the run is over").isTrue();
      gate.stop();
      background.join(10_000);
      assertThat(background.isAlive()).as("stop ends the wait").isFalse();
      long t2 = System.nanoTime();
      gate.reached();
      assertThat(System.nanoTime() - t2).as("nothing waits after stop").isLessThan(TimeUnit.SECONDS.toNanos(5));
    } finally {
      finish.countDown();
      next.join(10_000);
    }
  }

  private static void sleep(int millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aZeroPauseNeverWaitsAndAnInterruptEndsAWaitAndIsKept() throws Exception {
    SearchesFirst never = new SearchesFirst(Duration.ZERO);
    SearchesFirst gate = new SearchesFirst(Duration.ofSeconds(30));
    CountDownLatch searching = new CountDownLatch(2);
    CountDownLatch finish = new CountDownLatch(1);
    Thread search = new Thread(() -> never.run(() -> gate.run(() -> {
      searching.countDown();
      searching.countDown();
      await(finish);
      return null;
    })));
    search.start();
    try {
      searching.await();
      never.reached();
      assertThat(never.waits()).isZero();
      boolean[] interrupted = new boolean[1];
      Thread background = new Thread(() -> {
        gate.reached();
        interrupted[0] = Thread.currentThread().isInterrupted();
      });
      background.start();
      background.join(200);
      background.interrupt();
      background.join(10_000);
      assertThat(background.isAlive()).isFalse();
      assertThat(interrupted[0]).isTrue();
    } finally {
      finish.countDown();
      search.join(10_000);
    }
    assertThatThrownBy(() -> new SearchesFirst(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    for (Duration bad : java.util.List.of(Duration.ofMillis(-1), Duration.ofMinutes(2), Duration.ofSeconds(Long.MAX_VALUE))) {
      assertThatThrownBy(() -> TraceStores.builder().backgroundPauseForSearches(bad))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backgroundPauseForSearches");
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void aStoresFlushWaitsForASearchInFlightAsLongAsItsPauseAllows() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
    try {
      for (Duration pause : java.util.List.of(Duration.ofSeconds(4), Duration.ZERO)) {
        FaultyObjectStore objects = new FaultyObjectStore(new io.tracestore.core.storage.InMemoryObjectStore());
        try (io.tracestore.api.TraceStore store = TraceStores.builder().objectStore(objects).compactionInterval(Duration.ZERO)
            .searchThreads(1).backgroundPauseForSearches(pause).build()) {
          store.append(new RandomSpans(1).traces(3_000, 10));
          store.flush();
          java.util.List<io.tracestore.api.Span> next = new RandomSpans(2).traces(12_000, 10); // the next cut passes checkpoints
          store.append(next);
          FaultyObjectStore.Stall stall = objects.stallNth(1, FaultyObjectStore.Op.GET_RANGE, k -> k.endsWith("/data.parquet"),
              Duration.ofSeconds(60));
          java.util.concurrent.Future<io.tracestore.api.SearchResult> search =
              pool.submit(() -> store.search(io.tracestore.api.SearchRequest.of("{ }")));
          assertThat(stall.awaitStalled(Duration.ofSeconds(20))).as("the search reads the first block").isTrue();
          long t0 = System.nanoTime();
          java.util.concurrent.Future<?> flush = pool.submit(() -> {
            store.flush();
            return null;
          });
          if (pause.isZero()) {
            flush.get(20, TimeUnit.SECONDS); // while the search is still stalled
          } else {
            Thread.sleep(1_500);
            assertThat(flush.isDone()).as("the cut waits for the search in flight").isFalse();
          }
          stall.release();
          assertThat(search.get(20, TimeUnit.SECONDS).traces()).isNotEmpty();
          flush.get(20, TimeUnit.SECONDS);
          assertThat(System.nanoTime() - t0).as("pause %s", pause).isLessThan(TimeUnit.SECONDS.toNanos(20));
          io.tracestore.api.TraceId id = next.get(next.size() - 1).traceId();
          assertThat(store.findTrace(id)).as("the cut's spans are served").isPresent();
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Starts a search through {@code gate} that lasts until {@code finish} opens; returns once it is in flight. */
  private static Thread searchInFlight(SearchesFirst gate, CountDownLatch finish) throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    Thread search = new Thread(() -> gate.run(() -> {
      started.countDown();
      await(finish);
      return null;
    }));
    search.start();
    started.await();
    return search;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
