package io.tracestore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.SearchRequest;
import io.tracestore.api.Span;
import io.tracestore.api.StorageException;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.core.block.BlockTombstone;
import io.tracestore.core.block.BlockWriter;
import io.tracestore.core.catalog.IndexFiles;
import io.tracestore.core.catalog.TenantCatalog;
import io.tracestore.core.catalog.TenantIndex;
import io.tracestore.core.storage.InMemoryObjectStore;
import io.tracestore.spi.ObjectStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The tenant index ({@code <tenant>/index.json.gz}), polling by other store instances, crash
 * safety between {@code meta.json} and the index, garbage collection of uncommitted block folders,
 * quarantine of damaged blocks, and racing index writers.
 */
class TenantIndexTest {
  private static final String TENANT = TraceStoreConfig.DEFAULT_TENANT;
  private static final Duration LONG = Duration.ofDays(36_500);

  /** A store without WAL on {@code objects}; polls only when told ({@link DefaultTraceStore#pollIndex}). */
  private static DefaultTraceStore open(ObjectStore objects) {
    return (DefaultTraceStore) TraceStores.builder().objectStore(objects).blockRetention(LONG)
        .indexPollInterval(Duration.ofDays(1)).build();
  }

  private static Set<String> ids(List<BlockMeta> metas) {
    Set<String> out = new HashSet<>();
    metas.forEach(m -> out.add(m.blockId()));
    return out;
  }

  private static void assertHolds(TraceStore store, List<Span> spans, String as) {
    for (Map.Entry<TraceId, List<Span>> e : RandomSpans.byTrace(spans).entrySet()) {
      assertThat(store.findTrace(e.getKey())).as(as).contains(new Trace(e.getKey(), e.getValue()));
    }
  }

  @Test
  void indexRoundTripsAndReopeningReadsItWithoutListing() throws Exception {
    List<Span> a = new RandomSpans(101).traces(80, 6);
    List<Span> b = new RandomSpans(102).traces(80, 6);
    InMemoryObjectStore memory = new InMemoryObjectStore();
    List<BlockMeta> metas;
    try (DefaultTraceStore store = open(memory)) {
      store.append(a);
      store.flush();
      store.append(b);
      store.flush();
      metas = store.blockMetas();
      assertThat(metas).hasSize(2);
    }
    // the pointer holds the whole metas, so opening needs no GET per block
    TenantIndex stored = TenantIndex.fromGzipJson(memory.get(IndexFiles.pointerKey(TENANT)), "pointer");
    assertThat(stored.live()).containsExactlyElementsOf(metas);
    assertThat(stored.pending()).isEmpty();
    assertThat(stored.version()).isPositive();
    assertThat(new IndexFiles(memory, TENANT).readLatest()).isEqualTo(stored);
    // every list of the format survives encoding
    TenantIndex full = TenantIndex.empty(TENANT).adopt(metas.subList(0, 1)).addPending(metas.get(1), List.of("x", "y"))
        .retire(Set.of(metas.get(0).blockId()), "retention", 5, 10).quarantine("q", "bad \"crc\"", 7)
        .trackUncommitted(Set.of("u"), 9).withVersion(42, 1234);
    assertThat(TenantIndex.fromGzipJson(full.toGzipJson(), "full")).isEqualTo(full);
    assertThatThrownBy(() -> TenantIndex.fromGzipJson("{}".getBytes(), "junk")).hasMessageContaining("junk");

    FaultyObjectStore noListing = new FaultyObjectStore(memory).forbid(FaultyObjectStore.Op.LIST);
    try (DefaultTraceStore reopened = open(noListing)) {
      assertThat(reopened.blockMetas()).containsExactlyElementsOf(metas);
      assertHolds(reopened, a, "after reopening from the index");
      assertHolds(reopened, b, "after reopening from the index");
    }

    // an unreadable index: listed and rebuilt as a newer version
    memory.put(IndexFiles.pointerKey(TENANT), new byte[] {1, 2, 3});
    memory.put(IndexFiles.versionKey(TENANT, stored.version()), new byte[] {1, 2, 3});
    try (DefaultTraceStore rebuilt = open(memory)) {
      assertThat(ids(rebuilt.blockMetas())).isEqualTo(ids(metas));
      assertHolds(rebuilt, a, "after a rebuild");
    }
    TenantIndex again = new IndexFiles(memory, TENANT).readLatest();
    assertThat(again.version()).isGreaterThan(stored.version());
    assertThat(ids(again.live())).isEqualTo(ids(metas));
  }

  @Test
  void aSecondInstanceSeesNewBlocksAfterPollingAndStopsSeeingCompactedOnes() throws Exception {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    List<Span> first = new RandomSpans(201).traces(60, 5);
    List<Span> later = new RandomSpans(202).traces(60, 5);
    List<Span> more = new RandomSpans(203).traces(60, 5);
    try (DefaultTraceStore writer = open(memory);
        DefaultTraceStore reader = (DefaultTraceStore) TraceStores.builder().objectStore(memory).blockRetention(LONG)
            .indexPollInterval(Duration.ofMillis(20)).build()) {
      writer.append(first);
      writer.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (reader.blockMetas().size() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(10); // the reader's maintenance thread polls every 20 ms
      }
      assertThat(reader.blockMetas()).as("picked up by background polling").hasSize(1);
      assertHolds(reader, first, "first block, polled");

      writer.append(later);
      writer.flush();
      writer.append(more);
      writer.flush();
      reader.pollIndex();
      assertThat(ids(reader.blockMetas())).isEqualTo(ids(writer.blockMetas())).hasSize(3);
      assertHolds(reader, later, "second block");
      long searched = reader.search(SearchRequest.of("{ }").withLimit(0)).traces().size();
      assertThat(searched).isEqualTo(RandomSpans.byTrace(first).size() + RandomSpans.byTrace(later).size()
          + RandomSpans.byTrace(more).size());

      assertThat(writer.compact()).isEqualTo(2); // RandomSpans' spans share one hour: three blocks become one
      reader.pollIndex();
      assertThat(ids(reader.blockMetas())).as("the compacted inputs left, the output came")
          .isEqualTo(ids(writer.blockMetas())).hasSize(1);
      assertHolds(reader, first, "after compaction");
      assertHolds(reader, more, "after compaction");
      TenantIndex index = new IndexFiles(memory, TENANT).readLatest();
      assertThat(index.retired()).as("inputs wait out their grace").hasSize(3);
    }
    // the writer deleted the inputs at close and forgot them
    TenantIndex index = new IndexFiles(memory, TENANT).readLatest();
    assertThat(index.retired()).isEmpty();
    assertThat(index.live()).hasSize(1);
  }

  /** Fails every attempt to store a new index version once a meta.json is put after {@link #arm}. */
  private static final class CrashAfterCommit {
    final FaultyObjectStore store;
    volatile boolean armed;
    volatile boolean committed;

    CrashAfterCommit(ObjectStore delegate) {
      store = new FaultyObjectStore(delegate).failWhen(call -> {
        if (call.op() != FaultyObjectStore.Op.PUT_IF_ABSENT) {
          return false;
        }
        if (armed && call.key().endsWith("/meta.json")) {
          committed = true;
          return false;
        }
        return committed && call.key().startsWith(TENANT + "/index/");
      });
    }

    void arm() {
      armed = true;
    }
  }

  @Test
  void aCrashBetweenMetaJsonAndTheIndexRewriteOfACutLosesNothing() throws Exception {
    List<List<Span>> batches = List.of(new RandomSpans(301).traces(50, 5), new RandomSpans(302).traces(50, 5),
        new RandomSpans(303).traces(50, 5));
    InMemoryObjectStore memory = new InMemoryObjectStore(); // survives the "crash"
    CrashAfterCommit faults = new CrashAfterCommit(memory);
    DefaultTraceStore crashed = open(faults.store);
    crashed.append(batches.get(0));
    crashed.flush();
    crashed.append(batches.get(1));
    crashed.flush();
    faults.arm();
    crashed.append(batches.get(2));
    crashed.flush(); // pending entry stored, data and meta.json stored, the live entry is not
    assertThat(faults.committed).isTrue();
    batches.forEach(b -> assertHolds(crashed, b, "before the crash, from this process's view"));
    TenantIndex stored = new IndexFiles(memory, TENANT).readLatest();
    assertThat(stored.live()).hasSize(2);
    assertThat(stored.pending()).hasSize(1);
    // crash: no close; another process opens the storage
    try (DefaultTraceStore reopened = open(memory)) {
      batches.forEach(b -> assertHolds(reopened, b, "after the crash"));
      assertThat(reopened.blockMetas()).hasSize(3);
    }
    TenantIndex after = new IndexFiles(memory, TENANT).readLatest();
    assertThat(after.pending()).as("the opener published the pending block").isEmpty();
    assertThat(after.live()).hasSize(3);
  }

  @Test
  void aCrashBetweenMetaJsonAndTheIndexRewriteOfACompactionLosesNothingAndDuplicatesNothing() throws Exception {
    List<List<Span>> batches = List.of(new RandomSpans(311).traces(50, 5), new RandomSpans(312).traces(50, 5),
        new RandomSpans(313).traces(50, 5));
    InMemoryObjectStore memory = new InMemoryObjectStore();
    CrashAfterCommit faults = new CrashAfterCommit(memory);
    DefaultTraceStore crashed = open(faults.store);
    for (List<Span> b : batches) {
      crashed.append(b);
      crashed.flush();
    }
    faults.arm();
    assertThat(crashed.compact()).isEqualTo(2);
    assertThat(faults.committed).isTrue();
    assertThat(new IndexFiles(memory, TENANT).readLatest().live()).as("the stored index still lists the inputs").hasSize(3);
    try (DefaultTraceStore reopened = open(memory)) {
      batches.forEach(b -> assertHolds(reopened, b, "after the crash"));
      assertThat(reopened.blockMetas()).as("the output replaced its inputs").hasSize(1);
      assertThat(reopened.blockMetas().get(0).spanCount()).isEqualTo(batches.stream().mapToLong(List::size).sum());
    }
  }

  @Test
  void garbageCollectionDeletesAnOldUncommittedFolderAndLeavesAYoungOne() throws Exception {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    AtomicLong now = new AtomicLong(System.currentTimeMillis());
    TenantCatalog.Options options = new TenantCatalog.Options(Duration.ofSeconds(10), Duration.ofHours(1),
        Duration.ofSeconds(60), Duration.ofMinutes(10));
    TenantCatalog catalog = TenantCatalog.open(memory, TENANT, options, now::get);
    BlockWriter writer = new BlockWriter(BlockWriter.Options.DEFAULT);
    BlockMeta committed = catalog.commit(writer.encode(TENANT, new RandomSpans(401).traces(20, 4)), List.of());
    // an interrupted cut of a process without index: data, no meta, no pending entry
    memory.put(BlockWriter.dataKey(TENANT, "old"), new byte[] {1});
    assertThat(catalog.collectGarbage().deletedUncommitted()).as("first seen now").isEmpty();

    now.addAndGet(Duration.ofMinutes(30).toMillis());
    memory.put(BlockWriter.dataKey(TENANT, "young"), new byte[] {2});
    // an upload in flight in another process: pending entry and data stored, meta.json not yet
    BlockWriter.EncodedBlock inFlight = writer.encode(TENANT, new RandomSpans(402).traces(20, 4));
    IndexFiles files = new IndexFiles(memory, TENANT);
    TenantIndex cur = files.readLatest();
    assertThat(files.tryWrite(cur.addPending(inFlight.meta(), List.of()).withVersion(cur.version() + 1, now.get()))).isTrue();
    memory.put(BlockWriter.dataKey(TENANT, inFlight.meta().blockId()), inFlight.data());
    assertThat(catalog.collectGarbage().deletedUncommitted()).isEmpty();
    assertThat(memory.exists(BlockWriter.dataKey(TENANT, inFlight.meta().blockId()))).isTrue();

    now.addAndGet(Duration.ofMinutes(31).toMillis());
    TenantCatalog.GcReport report = catalog.collectGarbage();
    assertThat(report.deletedUncommitted()).as("older than the grace").containsExactlyInAnyOrder("old", inFlight.meta().blockId());
    assertThat(memory.exists(BlockWriter.dataKey(TENANT, "old"))).isFalse();
    assertThat(BlockTombstone.is(memory.get(BlockWriter.metaKey(TENANT, "old")))).as("claimed by a tombstone").isTrue();
    assertThat(memory.exists(BlockWriter.dataKey(TENANT, "young"))).as("younger than the grace").isTrue();
    assertThat(memory.exists(BlockWriter.dataKey(TENANT, committed.blockId()))).isTrue();
    // the writer that stalled past the grace can no longer commit: its put-if-absent of meta.json loses
    assertThatThrownBy(() -> BlockWriter.commit(memory, inFlight)).isInstanceOf(StorageException.class);
    assertThat(catalog.served()).containsExactly(committed);

    now.addAndGet(Duration.ofMinutes(61).toMillis());
    report = catalog.collectGarbage();
    assertThat(report.deletedUncommitted()).contains("young", "old", inFlight.meta().blockId());
    assertThat(memory.list(TENANT + "/blocks/")).as("the committed block, and the tombstone of the folder deleted last")
        .containsExactlyInAnyOrder(BlockWriter.dataKey(TENANT, committed.blockId()), BlockWriter.metaKey(TENANT, committed.blockId()),
            BlockWriter.metaKey(TENANT, "young"));
    assertThat(files.readLatest().uncommitted()).isEmpty();
    assertThat(files.readLatest().pending()).isEmpty();
    assertThat(catalog.served()).containsExactly(committed);
  }

  @Test
  void aCorruptedBlockIsQuarantinedAndTheOthersAreStillServed() throws Exception {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    List<List<Span>> batches = List.of(new RandomSpans(501).traces(60, 5), new RandomSpans(502).traces(60, 5),
        new RandomSpans(503).traces(60, 5));
    List<BlockMeta> metas;
    try (DefaultTraceStore store = open(memory)) {
      for (List<Span> b : batches) {
        store.append(b);
        store.flush();
      }
      metas = store.blockMetas();
    }
    BlockMeta bad = metas.get(1);
    String dataKey = BlockWriter.dataKey(TENANT, bad.blockId());
    byte[] data = memory.get(dataKey);
    // damage spread over the pages (and part of the footer): damage in a page no read touches is
    // found only by verify or compaction, so this makes sure the first read trips over it
    for (int i = data.length / 10; i < data.length * 9 / 10; i += 61) {
      data[i] ^= 0x5a;
    }
    memory.put(dataKey, data);
    try (DefaultTraceStore store = open(memory)) {
      int traces = store.search(SearchRequest.of("{ }").withLimit(0)).traces().size();
      assertThat(traces).as("the other two blocks answer").isEqualTo(RandomSpans.byTrace(batches.get(0)).size()
          + RandomSpans.byTrace(batches.get(2)).size());
      assertHolds(store, batches.get(0), "intact block");
      assertHolds(store, batches.get(2), "intact block");
      TraceId lost = batches.get(1).get(0).traceId();
      assertThat(store.findTrace(lost)).isEmpty();
      assertThat(store.catalog().quarantined()).extracting(TenantIndex.Quarantined::blockId).containsExactly(bad.blockId());
      assertThat(store.catalog().quarantined().get(0).reason()).contains("CRC32C");
      assertThat(ids(store.blockMetas())).doesNotContain(bad.blockId()).hasSize(2);
    }
    String q = TENANT + "/quarantine/" + bad.blockId() + "/";
    assertThat(memory.list(q)).containsExactly(q + "data.parquet", q + "meta.json", q + "reason.txt");
    assertThat(memory.get(q + "data.parquet")).isEqualTo(data);
    assertThat(memory.list(TENANT + "/blocks/" + bad.blockId() + "/")).as("block folder removed").isEmpty();
    try (DefaultTraceStore store = open(memory)) {
      assertThat(ids(store.blockMetas())).hasSize(2).doesNotContain(bad.blockId());
      assertThat(store.catalog().quarantined()).hasSize(1);
    }

    // damage found by compaction's check of its inputs: quarantined, the rest merged
    try (DefaultTraceStore store = open(memory)) {
      BlockMeta victim = store.blockMetas().get(0);
      byte[] d = memory.get(BlockWriter.dataKey(TENANT, victim.blockId()));
      d[d.length - 20] ^= 1;
      memory.put(BlockWriter.dataKey(TENANT, victim.blockId()), d);
      store.append(new RandomSpans(504).traces(30, 4));
      store.flush();
      assertThat(store.compact()).isEqualTo(1);
      assertThat(store.catalog().quarantined()).hasSize(2);
      assertHolds(store, batches.get(2), "merged");
    }
  }

  @Test
  void indexWritesRacingFromTwoStoreInstancesNeverLoseABlock() throws Exception {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    int perWriter = 12;
    List<List<Span>> all = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (DefaultTraceStore a = open(memory); DefaultTraceStore b = open(memory)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      int w = 0;
      for (DefaultTraceStore s : List.of(a, b, a, b)) {
        int writer = w++;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perWriter; i++) {
            List<Span> batch = new RandomSpans(10_000L * (writer + 1) + i).traces(5, 3);
            s.append(batch);
            s.flush();
            all.add(batch);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    TenantIndex latest = new IndexFiles(memory, TENANT).readLatest();
    Set<String> listed = ids(io.tracestore.core.block.BlockCatalog.load(memory, TENANT).committed());
    assertThat(listed).as("blocks committed").isNotEmpty();
    assertThat(latest.pending()).isEmpty();
    assertThat(ids(latest.live())).as("every committed block is live in the newest index").isEqualTo(listed);
    try (DefaultTraceStore reader = open(memory)) {
      for (List<Span> batch : all) {
        assertHolds(reader, batch, "after racing writers");
      }
    }
  }
}
