package io.tracestore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.tracestore.api.LimitExceededException;
import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.StorageException;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.FaultyObjectStore.Op;
import io.tracestore.core.FaultyObjectStore.Stall;
import io.tracestore.core.block.BlockCatalog;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.core.block.BlockReader;
import io.tracestore.core.catalog.IndexFiles;
import io.tracestore.core.catalog.TenantIndex;
import io.tracestore.core.codec.SpanCodec;
import io.tracestore.core.storage.InMemoryObjectStore;
import io.tracestore.core.wal.WriteAheadLog;
import io.tracestore.spi.ObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Storage calls that stall (block without failing) in a cut, a compaction or an index rewrite:
 * appends are still acknowledged, searches and trace lookups still answer with every acknowledged
 * span, and once the call is released everything is committed, a reopen serves every acknowledged
 * span exactly once, and every block passes its checksum. {@code close()} during a stall is
 * bounded. Failed calls: {@link FaultInjectionTest}.
 *
 * <p>Deterministic: seeded spans, latches ({@link Stall#awaitStalled}) rather than sleeps; every
 * call that could hang runs on a helper thread with a timeout, so a blocked call fails the test
 * instead of hanging it.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a regression fails, never hangs the build
class StalledStorageTest {
  private static final String TENANT = TraceStoreConfig.DEFAULT_TENANT;
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Predicate<String> DATA = k -> k.endsWith("/data.parquet");
  private static final Predicate<String> META = k -> k.endsWith("/meta.json");
  private static final Predicate<String> INDEX_VERSION = k -> k.startsWith(TENANT + "/index/");
  private static final Predicate<String> POINTER_KEY = k -> k.equals(IndexFiles.pointerKey(TENANT));

  @TempDir Path dir;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "stalled-storage-test");
    t.setDaemon(true);
    return t;
  });
  private final List<FaultyObjectStore> faulty = new ArrayList<>();

  @AfterEach
  void releaseEverything() {
    faulty.forEach(FaultyObjectStore::heal);
    pool.shutdownNow();
  }

  private FaultyObjectStore faulty(ObjectStore delegate) {
    FaultyObjectStore f = new FaultyObjectStore(delegate);
    faulty.add(f);
    return f;
  }

  private TraceStores.Builder builder(ObjectStore objects) {
    return TraceStores.builder().objectStore(objects).walDirectory(dir.resolve("wal")).fsyncPolicy(FsyncPolicy.NEVER)
        .blockRetention(Duration.ofDays(36_500)).indexPollInterval(Duration.ofDays(1)).compactionInterval(Duration.ZERO);
  }

  private DefaultTraceStore open(ObjectStore objects) {
    return (DefaultTraceStore) builder(objects).build();
  }

  /** Runs {@code body} on a helper thread; fails the test if it does not return within {@link #WAIT}. */
  private <T> T within(String what, Callable<T> body) throws Exception {
    Future<T> f = pool.submit(body);
    try {
      return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return fail(what + " did not return within " + WAIT + ": blocked by the stalled call");
    }
  }

  /** Appends {@code batch}, which must be acknowledged within {@link #WAIT}, and records it as acknowledged. */
  private void ack(TraceStore store, List<Span> batch, List<List<Span>> acked) throws Exception {
    within("append", () -> {
      store.append(batch);
      return null;
    });
    acked.add(batch);
  }

  /** Every acknowledged trace is found whole, and a search lists each acknowledged span once; both within {@link #WAIT}. */
  private void assertServes(TraceStore store, List<List<Span>> acked, String as) throws Exception {
    Map<TraceId, Set<SpanId>> want = new HashMap<>();
    for (List<Span> batch : acked) {
      for (Map.Entry<TraceId, List<Span>> e : RandomSpans.byTrace(batch).entrySet()) {
        Trace found = within("findTrace", () -> store.findTrace(e.getKey())).orElse(null);
        assertThat(found).as("%s: trace %s", as, e.getKey()).isEqualTo(new Trace(e.getKey(), e.getValue()));
        Set<SpanId> ids = new HashSet<>();
        e.getValue().forEach(s -> ids.add(s.spanId()));
        want.put(e.getKey(), ids);
      }
    }
    SearchResult result = within("search", () -> store.search(SearchRequest.of("{ }").withLimit(0).withSpansPerSpanSet(0)));
    Map<TraceId, Set<SpanId>> got = new HashMap<>();
    for (SearchResult.TraceMatch m : result.traces()) {
      Set<SpanId> ids = new HashSet<>();
      for (SearchResult.SpanSet set : m.spanSets()) {
        set.spans().forEach(sp -> assertThat(ids.add(sp.spanId())).as("%s: span %s listed once", as, sp.spanId()).isTrue());
      }
      got.put(m.traceId(), ids);
    }
    assertThat(got).as("%s: the search", as).isEqualTo(want);
  }

  /** Spans in the records of the WAL in {@code wal}. */
  private static long spansInWal(Path wal) throws Exception {
    long[] spans = new long[1];
    WriteAheadLog.verify(wal, r -> spans[0] += SpanCodec.decodeBatch(r.payload(), 0, r.payload().length).size());
    return spans[0];
  }

  /**
   * Reopens on healthy storage: every acknowledged span is served exactly once, the served blocks
   * hold exactly the acknowledged spans (no span is in two blocks), and a verify is clean: every
   * committed block passes its size and CRC32C check, the index has nothing quarantined, every
   * committed block is live in it, and its pending entries (if any) are uploads abandoned before
   * their commit point (no {@code meta.json}: garbage collection forgets them after their grace).
   */
  private void assertStoredExactlyOnce(InMemoryObjectStore memory, List<List<Span>> acked) throws Exception {
    long total = acked.stream().mapToLong(List::size).sum();
    try (DefaultTraceStore reopened = open(memory)) {
      assertServes(reopened, acked, "after reopening");
      reopened.flush(); // spans replayed from the WAL, if any, into a block
      assertThat(reopened.blockMetas().stream().mapToLong(BlockMeta::spanCount).sum())
          .as("spans in the served blocks").isEqualTo(total);
    }
    List<BlockMeta> committed = BlockCatalog.load(memory, TENANT).committed();
    for (BlockMeta m : committed) {
      new BlockReader(memory, m).verify();
    }
    TenantIndex index = new IndexFiles(memory, TENANT).readLatest();
    for (TenantIndex.Pending p : index.pending()) {
      assertThat(memory.exists(io.tracestore.core.block.BlockWriter.metaKey(TENANT, p.meta().blockId())))
          .as("pending block %s is committed but not live", p.meta().blockId()).isFalse();
    }
    assertThat(index.quarantined()).as("quarantined blocks").isEmpty();
    assertThat(index.live()).as("live blocks = committed blocks").containsExactlyInAnyOrderElementsOf(committed);
  }

  /** Where a cut's storage call stalls. */
  enum CutStall {
    DATA_UPLOAD(Op.PUT, DATA, 1),
    COMMIT_MARKER(Op.PUT_IF_ABSENT, META, 1),
    PENDING_INDEX_ENTRY(Op.PUT_IF_ABSENT, INDEX_VERSION, 1),
    LIVE_INDEX_ENTRY(Op.PUT_IF_ABSENT, INDEX_VERSION, 2),
    INDEX_POINTER(Op.PUT, POINTER_KEY, 1);

    final Op op;
    final Predicate<String> keys;
    final int nth;

    CutStall(Op op, Predicate<String> keys, int nth) {
      this.op = op;
      this.keys = keys;
      this.nth = nth;
    }
  }

  @ParameterizedTest(name = "stalled in {0}")
  @EnumSource(CutStall.class)
  void aCutStalledInAStorageCallHoldsUpNeitherAppendsNorSearchesAndCommitsEverythingOnceReleased(CutStall point)
      throws Exception {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    FaultyObjectStore objects = faulty(memory);
    List<List<Span>> acked = new ArrayList<>();
    try (DefaultTraceStore store = open(objects)) {
      ack(store, new RandomSpans(11).traces(80, 6), acked);
      store.flush();
      assertServes(store, acked, "before the stall"); // also loads the first block's footer

      Stall stall = objects.stallNth(point.nth, point.op, point.keys);
      ack(store, new RandomSpans(12).traces(80, 6), acked);
      Future<?> cut = pool.submit(() -> {
        store.flush();
        return null;
      });
      assertThat(stall.awaitStalled(WAIT)).as("the cut reached the stalled call").isTrue();

      ack(store, new RandomSpans(13).traces(80, 6), acked);
      ack(store, new RandomSpans(14).traces(80, 6), acked);
      assertServes(store, acked, "while the cut is stalled in " + stall.call());
      assertThat(cut).as("the cut waits for the stalled call").isNotDone();

      stall.release();
      cut.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      store.flush();
      assertServes(store, acked, "after the release");
    }
    assertThat(spansInWal(dir.resolve("wal"))).as("after a clean close no span lives only in the WAL").isZero();
    assertStoredExactlyOnce(memory, acked);
  }

  @Test
  void whileACutIsStalledTheHeadFillsToItsLiveTraceLimitThenRefusesAppendsAtOnceInsteadOfBlocking() throws Exception {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    FaultyObjectStore objects = faulty(memory);
    List<Span> fits = new RandomSpans(21).traces(60, 4);
    int limit = RandomSpans.byTrace(fits).size() + 2;
    List<List<Span>> acked = new ArrayList<>();
    try (DefaultTraceStore store = (DefaultTraceStore) builder(objects)
        .limits(new TraceStoreConfig.Limits(4L << 20, 5_000_000, 0, 0, limit)).build()) {
      ack(store, new RandomSpans(22).traces(8, 4), acked);
      // a stall that ends by itself after a while, like a slow request
      Stall stall = objects.stallNth(1, Op.PUT, DATA, Duration.ofSeconds(2));
      Future<?> cut = pool.submit(() -> {
        store.flush();
        return null;
      });
      assertThat(stall.awaitStalled(WAIT)).isTrue();
      ack(store, fits, acked); // the head is empty again: the stalled cut holds its spans
      List<Span> tooMany = new RandomSpans(23).traces(30, 3);
      assertThat(RandomSpans.byTrace(tooMany).size()).isGreaterThan(2);
      assertThatThrownBy(() -> within("an append over the limit", () -> {
        store.append(tooMany);
        return null;
      })).isInstanceOf(java.util.concurrent.ExecutionException.class).hasCauseInstanceOf(LimitExceededException.class);
      assertServes(store, acked, "while stalled, after the refusal");

      assertThat(stall.awaitFinished(WAIT)).as("the stall ended by itself").isTrue();
      cut.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      store.flush(); // cuts what came during the stall, making room
      ack(store, tooMany, acked);
      store.flush();
    }
    assertStoredExactlyOnce(memory, acked);
  }

  /** Where a compaction's storage call stalls, and whether cuts may go on meanwhile. */
  enum CompactionStall {
    INPUT_CHECKSUM_READ(Op.GET, DATA, 1, true),
    INPUT_READ(Op.GET_RANGE, DATA, 1, true),
    OUTPUT_UPLOAD(Op.PUT, DATA, 1, true),
    OUTPUT_COMMIT_MARKER(Op.PUT_IF_ABSENT, META, 1, true),
    /** Index writes are serialized: a cut's own pending entry waits for this one. */
    PENDING_INDEX_ENTRY(Op.PUT_IF_ABSENT, INDEX_VERSION, 1, false),
    LIVE_INDEX_ENTRY(Op.PUT_IF_ABSENT, INDEX_VERSION, 2, false);

    final Op op;
    final Predicate<String> keys;
    final int nth;
    final boolean cutsGoOn;

    CompactionStall(Op op, Predicate<String> keys, int nth, boolean cutsGoOn) {
      this.op = op;
      this.keys = keys;
      this.nth = nth;
      this.cutsGoOn = cutsGoOn;
    }
  }

  @ParameterizedTest(name = "stalled in {0}")
  @EnumSource(CompactionStall.class)
  void aCompactionStalledInAStorageCallHoldsUpNeitherAppendsNorSearchesNorCutsOtherThanByIndexWrites(CompactionStall point)
      throws Exception {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    FaultyObjectStore objects = faulty(memory);
    List<List<Span>> acked = new ArrayList<>();
    try (DefaultTraceStore store = open(objects)) {
      for (int seed = 31; seed <= 33; seed++) {
        ack(store, new RandomSpans(seed).traces(60, 5), acked);
        store.flush();
      }
      assertServes(store, acked, "before the stall"); // loads the blocks' footers

      Stall stall = objects.stallNth(point.nth, point.op, point.keys);
      Future<Integer> compaction = pool.submit(store::compact);
      assertThat(stall.awaitStalled(WAIT)).as("the compaction reached the stalled call").isTrue();

      ack(store, new RandomSpans(34).traces(60, 5), acked);
      assertServes(store, acked, "while the compaction is stalled in " + stall.call());
      if (point.cutsGoOn) {
        within("a cut while the compaction is stalled", () -> {
          store.flush();
          return null;
        });
        ack(store, new RandomSpans(35).traces(60, 5), acked);
        assertServes(store, acked, "after a cut made during the stall");
      }
      assertThat(compaction).as("the compaction waits for the stalled call").isNotDone();

      stall.release();
      // compact() runs passes until nothing merges: the three blocks, then their output with the
      // block cut during the stall (these spans are from 2023: old windows merge across levels)
      assertThat(compaction.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("every block merged into one")
          .isEqualTo(point.cutsGoOn ? 3 : 2);
      store.flush();
      assertServes(store, acked, "after the release");
    }
    assertThat(spansInWal(dir.resolve("wal"))).as("after a clean close no span lives only in the WAL").isZero();
    assertStoredExactlyOnce(memory, acked);
  }

  @Test
  void aBackgroundCompactionStalledInAStorageCallDoesNotHoldUpBackgroundCuts() throws Exception {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    FaultyObjectStore objects = faulty(memory);
    List<List<Span>> acked = new ArrayList<>();
    // the only whole-object GET of a data.parquet is the compaction's check of its inputs
    Stall stall = objects.stallNth(1, Op.GET, DATA);
    try (DefaultTraceStore store = (DefaultTraceStore) builder(objects).compactionInterval(Duration.ofMillis(100))
        .maxBlockAge(Duration.ofMillis(50)).traceIdle(Duration.ofMillis(40)).build()) {
      store.closeTimeout(Duration.ofSeconds(5)); // if this fails, close must not wait a minute for the stall
      ack(store, new RandomSpans(71).traces(60, 5), acked);
      store.flush();
      ack(store, new RandomSpans(72).traces(60, 5), acked);
      store.flush();
      assertThat(stall.awaitStalled(WAIT)).as("the background compaction reached the stalled call").isTrue();
      assertThat(stall.thread().getName()).startsWith("tracestore-maintenance-");
      int blocks = store.blockMetas().size();

      ack(store, new RandomSpans(73).traces(60, 5), acked);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (store.blockMetas().size() == blocks && System.nanoTime() < deadline) {
        Thread.sleep(10); // the background cut runs every 20 ms once the spans are 50 ms old
      }
      assertThat(store.blockMetas()).as("a background cut during the stalled compaction").hasSize(blocks + 1);
      assertServes(store, acked, "while the background compaction is stalled");

      stall.release();
      assertThat(stall.awaitFinished(WAIT)).isTrue();
    }
    assertStoredExactlyOnce(memory, acked);
  }

  @Test
  void closeRefusesNewAppendsAndWaitsForACutStalledInItsUploadThatIsReleasedWithinTheBound() throws Exception {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    FaultyObjectStore objects = faulty(memory);
    List<List<Span>> acked = new ArrayList<>();
    DefaultTraceStore store = open(objects);
    ack(store, new RandomSpans(41).traces(60, 5), acked);
    Stall stall = objects.stallNth(1, Op.PUT, DATA);
    Future<?> cut = pool.submit(() -> {
      store.flush();
      return null;
    });
    assertThat(stall.awaitStalled(WAIT)).isTrue();
    ack(store, new RandomSpans(42).traces(60, 5), acked);

    Future<?> closing = pool.submit(() -> {
      store.close();
      return null;
    });
    long deadline = System.nanoTime() + WAIT.toNanos();
    Throwable refused = null;
    for (int seed = 1000; refused == null && System.nanoTime() < deadline; seed++) {
      List<Span> batch = new RandomSpans(seed).traces(5, 2);
      try {
        store.append(batch);
        acked.add(batch); // acknowledged before close() began: the final cut must take it
      } catch (IllegalStateException e) {
        refused = e; // close() refuses appends from its first step: none slips in after the final cut
      }
    }
    assertThat(refused).as("appends refused once close() began").hasMessageContaining("clos");
    assertThatThrownBy(() -> closing.get(200, TimeUnit.MILLISECONDS)).as("close waits for the stalled cut")
        .isInstanceOf(TimeoutException.class);

    stall.release();
    closing.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    cut.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(spansInWal(dir.resolve("wal"))).as("after a clean close no span lives only in the WAL").isZero();
    assertStoredExactlyOnce(memory, acked);
  }

  @Test
  void closeGivesUpAfterItsBoundOnAStallThatDoesNotEndAndTheNextOpenReplaysTheUnwrittenSpansFromTheWal() throws Exception {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    FaultyObjectStore objects = faulty(memory);
    List<List<Span>> acked = new ArrayList<>();
    DefaultTraceStore store = open(objects);
    store.closeTimeout(Duration.ofMillis(500));
    ack(store, new RandomSpans(51).traces(60, 5), acked);
    store.flush();
    Stall stall = objects.stallNth(1, Op.PUT, DATA);
    ack(store, new RandomSpans(52).traces(60, 5), acked);
    Future<?> cut = pool.submit(() -> {
      store.flush();
      return null;
    });
    assertThat(stall.awaitStalled(WAIT)).isTrue();
    ack(store, new RandomSpans(53).traces(60, 5), acked);

    long start = System.nanoTime();
    assertThatThrownBy(() -> within("close", () -> {
      store.close();
      return null;
    })).hasCauseInstanceOf(StorageException.class).cause()
        .hasMessageContaining("close gave up").hasMessageContaining("write-ahead log");
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(tookMillis).as("close honours its bound").isBetween(400L, 5_000L);
    assertThatThrownBy(() -> store.append(new RandomSpans(54).traces(5, 2))).isInstanceOf(IllegalStateException.class);
    assertThat(spansInWal(dir.resolve("wal"))).as("the spans not in a block are in the WAL")
        .isGreaterThanOrEqualTo(acked.get(1).size() + acked.get(2).size());

    // the stalled call returns at last: the abandoned cut finishes its commit (or fails) without harm
    stall.release();
    try {
      cut.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException ignored) {
      // a failure is allowed: its spans are in the WAL
    }
    assertStoredExactlyOnce(memory, acked);
  }

  @Test
  void closeInterruptsABackgroundCutStalledInItsUploadAndThenWritesEverythingItself() throws Exception {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    FaultyObjectStore objects = faulty(memory);
    List<List<Span>> acked = new ArrayList<>();
    DefaultTraceStore store = (DefaultTraceStore) builder(objects).maxBlockAge(Duration.ofMillis(50))
        .traceIdle(Duration.ofMillis(40)).build();
    store.closeTimeout(Duration.ofSeconds(1));
    Stall stall = objects.stallNth(1, Op.PUT, DATA);
    ack(store, new RandomSpans(61).traces(60, 5), acked);
    assertThat(stall.awaitStalled(WAIT)).as("the background cut reached the stalled call").isTrue();
    assertThat(stall.thread().getName()).startsWith("tracestore-maintenance-");
    ack(store, new RandomSpans(62).traces(60, 5), acked);
    assertServes(store, acked, "while the background cut is stalled");

    within("close", () -> {
      store.close(); // interrupts the stalled background cut, whose spans go back to memory, then cuts them
      return null;
    });
    assertThat(stall.awaitFinished(WAIT)).as("the stalled call was interrupted").isTrue();
    assertThat(spansInWal(dir.resolve("wal"))).as("after a clean close no span lives only in the WAL").isZero();
    assertStoredExactlyOnce(memory, acked);
  }
}
