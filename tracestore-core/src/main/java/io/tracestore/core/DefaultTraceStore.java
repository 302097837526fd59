package io.tracestore.core;

import io.tracestore.api.OtlpEncoding;
import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.StorageException;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.core.block.BlockReader;
import io.tracestore.core.block.DictionaryCache;
import io.tracestore.core.block.BlockWriter;
import io.tracestore.core.codec.ByteSink;
import io.tracestore.core.codec.SpanCodec;
import io.tracestore.core.head.HeadBlock;
import io.tracestore.core.metrics.StoreMetrics;
import io.tracestore.core.otlp.OtlpInput;
import io.tracestore.core.otlp.OtlpJson;
import io.tracestore.core.otlp.OtlpProtobuf;
import io.tracestore.core.search.SearchEngine;
import io.tracestore.core.search.SearchSnapshot;
import io.tracestore.core.search.TraceSource;
import io.tracestore.core.wal.WriteAheadLog;
import io.tracestore.spi.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store: validation, write-ahead log, head block, block cutting, and reads over head, blocks
 * being written and committed blocks. Thread-safe.
 *
 * <p>Locking: {@code appendLock} orders log writes and head changes; {@code cutLock} lets one cut
 * run at a time, encoding and uploading the block without holding {@code appendLock}. A span moves
 * head → flushing → committed block, and each move adds it to the next place before removing it
 * from the previous one; readers look in the same order, so none misses a span mid-move (a span
 * seen twice is merged by span id). {@code compactLock} lets one compaction run at a time; it
 * plans and swaps the block list under {@code cutLock} but checks, reads, encodes and uploads its
 * block without it, so cuts are not held up by a merge (the tenant index settles a race with a
 * block-list change: an output whose inputs are no longer live is not served).
 *
 * <p>Storage calls that stall: none of this class's locks that {@code append}, {@code search} or
 * {@code findTrace} take is held across a storage call, so a stalled upload or index write holds
 * up only the cut or compaction making it (and, for an index write, other index writes: they are
 * serialized by the catalog). A read that stalls holds up the reads waiting for the same data. {@link #close()} waits for
 * such a call for a bounded time and then gives up cleanly (see there).
 */
final class DefaultTraceStore implements TraceStore {
  private static final Logger LOG = LoggerFactory.getLogger(DefaultTraceStore.class);
  private static final int WAL_REWRITE_BATCH = 10_000;

  private final ObjectStore store;
  private final boolean ownsStore;
  private final TraceStoreConfig config;
  private final BlockWriter blockWriter;
  /** Helper threads of {@link #blockWriter}; null on one core. */
  private final java.util.concurrent.ExecutorService encoders;
  private final HeadBlock head = new HeadBlock();
  private final CopyOnWriteArrayList<Flushing> flushing = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<BlockReader> blocks = new CopyOnWriteArrayList<>();
  /** The tenant index: which blocks are served, shared with other processes. */
  private final io.tracestore.core.catalog.TenantCatalog catalog;
  /** The catalog's served generation {@link #blocks} was last synced with. Under cutLock. */
  private volatile long syncedGeneration;
  private final ReentrantLock appendLock = new ReentrantLock();
  private final ReentrantLock cutLock = new ReentrantLock();
  /** One compaction at a time; taken before cutLock, never while holding it. */
  private final ReentrantLock compactLock = new ReentrantLock();
  private final WriteAheadLog wal;
  private final StoreMetrics metrics;
  private final java.util.concurrent.ScheduledThreadPoolExecutor maintenance;
  /** Blocks replaced by compaction, waiting out the grace period before deletion. */
  private final java.util.concurrent.ConcurrentLinkedQueue<List<BlockReader>> pendingDeletions =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final ThreadLocal<ByteSink> sinks = ThreadLocal.withInitial(() -> new ByteSink(64 * 1024));
  private volatile boolean closed;
  /** True while a cut asked for by an append waits to run: one queued request at a time, however many appends ask. */
  private final java.util.concurrent.atomic.AtomicBoolean cutRequested = new java.util.concurrent.atomic.AtomicBoolean();
  /** Set under appendLock when close() begins: appends from then on are refused, so close cuts every acknowledged span. */
  private volatile boolean closing;
  /** How long close() waits for a cut or compaction stalled in a storage call. */
  private volatile java.time.Duration closeTimeout;
  /** Searches, with the caches and threads of {@link TraceStoreConfig#searchOptions()}. */
  private final SearchEngine searchEngine;
  /** Decoded dictionary pages, shared by every block reader of the store. */
  private final DictionaryCache dictionaryCache;
  /** Spans taken from the head and being written as a block, grouped by trace. */
  private record Flushing(Map<TraceId, List<Span>> byTrace) {}

  /** Where background cuts and compactions wait for searches in flight. */
  private final SearchesFirst searchesFirst;

  private DefaultTraceStore(ObjectStore store, boolean ownsStore, TraceStoreConfig config,
      io.opentelemetry.api.metrics.MeterProvider meterProvider) throws IOException {
    this.store = store;
    this.ownsStore = ownsStore;
    this.config = config;
    this.closeTimeout = config.closeTimeout();
    // a block of several row groups (a big cut, a compaction) is encoded by the cutting thread and
    // up to one helper per other core; idle helpers time out, and a busy pool leaves the work to the caller
    int encodeHelpers = config.encodeHelpers();
    this.encoders = encodeHelpers == 0 ? null : new java.util.concurrent.ThreadPoolExecutor(0, encodeHelpers, 10, TimeUnit.SECONDS,
        new java.util.concurrent.SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "tracestore-encode-" + config.tenant());
          t.setDaemon(true);
          return t;
        });
    // searches go first: cuts and compactions wait for them at their checkpoints (bounded)
    this.searchesFirst = new SearchesFirst(config.backgroundPause());
    this.blockWriter = new BlockWriter(config.blockOptions(), encoders, encodeHelpers, searchesFirst);
    // an eighth of the search budget keeps decoded dictionary pages (trace reads), the rest column vectors and blocks
    long cacheBytes = config.searchOptions().cacheBytes();
    this.dictionaryCache = new DictionaryCache(cacheBytes / 8);
    this.searchEngine = new SearchEngine(cacheBytes - cacheBytes / 8, config.searchOptions().threads(),
        config.searchOptions().maxCandidates());
    this.catalog = loadBlocks();
    if (config.walDirectory() != null) {
      long now = System.nanoTime();
      long[] replayed = new long[2];
      this.wal = WriteAheadLog.open(config.walDirectory(), config.fsyncPolicy(), record -> {
        List<Span> spans = SpanCodec.decodeBatch(record.payload(), 0, record.payload().length);
        long[] sizes = SpanValidator.validate(spans, Long.MAX_VALUE);
        head.add(spans, sizes, now);
        replayed[0]++;
        replayed[1] += spans.size();
      });
      if (replayed[0] > 0) {
        LOG.info("replayed {} spans from {} WAL records in {}", replayed[1], replayed[0], config.walDirectory());
      }
    } else {
      this.wal = null;
    }
    this.metrics = StoreMetrics.register(meterProvider, config.tenant(), head::spanCount, head::bytes, head::traceCount, blocks::size);
    // two threads: a background compaction (minutes for a big merge, or stalled on storage) never
    // holds up the background cuts, which run on the other one
    this.maintenance = new java.util.concurrent.ScheduledThreadPoolExecutor(2, r -> {
      Thread t = new Thread(r, "tracestore-maintenance-" + config.tenant());
      t.setDaemon(true);
      return t;
    });
    maintenance.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // close() deletes what is pending
    long tick = Math.max(10, Math.min(1000, config.traceIdle().toMillis() / 2));
    maintenance.scheduleWithFixedDelay(this::maintain, tick, tick, TimeUnit.MILLISECONDS);
    if (!config.compactionInterval().isZero()) {
      long every = config.compactionInterval().toMillis();
      maintenance.scheduleWithFixedDelay(this::compactQuietly, every, every, TimeUnit.MILLISECONDS);
    }
    if (wal != null && config.fsyncPolicy() == FsyncPolicy.INTERVAL) {
      long every = config.fsyncInterval().toMillis();
      maintenance.scheduleWithFixedDelay(this::syncQuietly, every, every, TimeUnit.MILLISECONDS);
    }
  }

  static DefaultTraceStore open(ObjectStore store, boolean ownsStore, TraceStoreConfig config,
      io.opentelemetry.api.metrics.MeterProvider meterProvider) {
    try {
      return new DefaultTraceStore(store, ownsStore, config, meterProvider);
    } catch (IOException e) {
      throw new StorageException("could not open the store of tenant " + config.tenant() + ": " + e.getMessage(), e);
    }
  }

  /** Reads the tenant index (listing the blocks only if there is none) and opens the served blocks. */
  private io.tracestore.core.catalog.TenantCatalog loadBlocks() throws IOException {
    var c = io.tracestore.core.catalog.TenantCatalog.open(store, config.tenant(), config.catalogOptions());
    for (BlockMeta meta : c.served()) {
      blocks.add(reader(meta));
    }
    return c;
  }

  /** A reader of a committed block; a read that finds the block damaged quarantines it and drops it. */
  private BlockReader reader(BlockMeta meta) {
    return new BlockReader(store, meta, (b, failure) -> {
      if (!catalog.isDamaged(b, failure)) {
        return false;
      }
      blocks.remove(b);
      return true;
    }, dictionaryCache);
  }

  /** Re-reads the tenant index now and applies its changes to the block list. */
  void pollIndex() {
    cutLock.lock();
    try {
      catalog.poll();
      syncBlocks();
    } finally {
      cutLock.unlock();
    }
  }

  /** Makes the block list match the blocks the catalog serves. Under cutLock. */
  private void syncBlocks() {
    if (catalog.servedGeneration() == syncedGeneration) {
      return;
    }
    syncedGeneration = catalog.servedGeneration();
    Map<String, BlockMeta> want = new java.util.LinkedHashMap<>();
    catalog.served().forEach(m -> want.put(m.blockId(), m));
    java.util.Set<String> have = new java.util.HashSet<>();
    blocks.forEach(b -> have.add(b.meta().blockId()));
    for (BlockMeta m : want.values()) {
      if (!have.contains(m.blockId())) {
        blocks.add(reader(m)); // before any leaves: no reader misses a span moved by a compaction
      }
    }
    List<BlockReader> gone = blocks.stream().filter(b -> !want.containsKey(b.meta().blockId())).toList();
    blocks.removeAll(gone);
  }

  /** The tenant catalog (index, quarantine, garbage collection) of this store. */
  io.tracestore.core.catalog.TenantCatalog catalog() {
    return catalog;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the trace store is closed");
    }
  }

  /** Sets how long {@link #close()} waits for a storage call in progress (tests shorten it). */
  void closeTimeout(java.time.Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("closeTimeout must not be negative, got " + timeout);
    }
    this.closeTimeout = timeout;
  }

  @Override
  public void append(Collection<Span> batch) {
    try {
      appendBatch(batch);
    } catch (RuntimeException e) {
      metrics.refused(batch == null ? 0 : batch.size(), e);
      throw e;
    }
  }

  private void appendBatch(Collection<Span> batch) {
    ensureOpen();
    List<Span> spans = batch instanceof List<Span> l ? l : new ArrayList<>(batch);
    if (spans.isEmpty()) {
      return;
    }
    long[] sizes = SpanValidator.validate(spans, config.limits().maxSpanBytes());
    ByteSink sink = null;
    if (wal != null) {
      sink = sinks.get();
      sink.reset();
      SpanCodec.encodeBatch(spans, sink);
    }
    appendLock.lock();
    try {
      ensureOpen();
      if (closing) {
        throw new IllegalStateException("the trace store is closing");
      }
      long now = System.nanoTime();
      checkLimits(spans, sizes, now);
      if (wal != null) {
        metrics.walWritten(wal.append(sink));
      }
      head.add(spans, sizes, now);
    } finally {
      appendLock.unlock();
    }
    metrics.appended(spans.size());
    if (sink != null && sink.array().length > 16 * 1024 * 1024) {
      sinks.remove(); // do not keep a huge buffer per thread
    }
    if (head.bytes() >= config.maxBlockBytes() && !cutLock.isLocked() && !closing && cutRequested.compareAndSet(false, true)) {
      try {
        maintenance.execute(() -> {
          cutRequested.set(false);
          maintain();
        });
      } catch (java.util.concurrent.RejectedExecutionException closingNow) {
        cutRequested.set(false); // close() began after this batch was stored: it cuts the batch itself
      }
    }
  }

  private double rateTokens = -1;
  private long rateRefilledNanos;

  /** Refuses the batch if it passes a limit; takes its bytes from the rate bucket otherwise. Under appendLock. */
  private void checkLimits(List<Span> spans, long[] sizes, long now) {
    TraceStoreConfig.Limits limits = config.limits();
    Map<TraceId, Long> perTrace = new HashMap<>();
    long total = 0;
    for (int i = 0; i < sizes.length; i++) {
      perTrace.merge(spans.get(i).traceId(), sizes[i], Long::sum);
      total += sizes[i];
    }
    int newTraces = 0;
    for (Map.Entry<TraceId, Long> e : perTrace.entrySet()) {
      long held = head.traceBytes(e.getKey());
      if (held == 0 && !head.contains(e.getKey())) {
        newTraces++;
      }
      if (held + e.getValue() > limits.maxTraceBytes()) {
        throw new io.tracestore.api.TraceTooLargeException(e.getKey(), "trace " + e.getKey() + " would hold about "
            + (held + e.getValue()) + " bytes in memory, over the limit of " + limits.maxTraceBytes()
            + " bytes per trace; nothing of the batch was stored");
      }
    }
    if (limits.maxLiveTraces() > 0 && head.traceCount() + newTraces > limits.maxLiveTraces()) {
      throw new io.tracestore.api.LimitExceededException("the batch would hold " + (head.traceCount() + newTraces)
          + " live traces in memory, over the limit of " + limits.maxLiveTraces() + "; nothing of the batch was stored");
    }
    long rate = limits.ingestionBytesPerSecond();
    if (rate > 0) {
      long burst = limits.ingestionBurstBytes();
      if (total > burst) {
        throw new io.tracestore.api.LimitExceededException("a batch of about " + total + " bytes is larger than the ingestion burst of "
            + burst + " bytes; split it");
      }
      if (rateTokens < 0) {
        rateTokens = burst;
        rateRefilledNanos = now;
      }
      rateTokens = Math.min(burst, rateTokens + (now - rateRefilledNanos) / 1e9 * rate);
      rateRefilledNanos = now;
      if (rateTokens < total) {
        long waitNanos = (long) Math.ceil((total - rateTokens) / rate * 1e9);
        throw new io.tracestore.api.RateLimitedException("ingestion rate limit of " + rate + " bytes/s reached; retry in "
            + java.time.Duration.ofNanos(waitNanos).toMillis() + " ms; nothing of the batch was stored",
            java.time.Duration.ofNanos(waitNanos));
      }
      rateTokens -= total;
    }
  }

  @Override
  public int appendOtlp(byte[] request, OtlpEncoding encoding) {
    ensureOpen();
    byte[] raw = OtlpInput.gunzipIfGzipped(request);
    List<Span> spans = switch (encoding) {
      case PROTOBUF -> OtlpProtobuf.decode(raw);
      case JSON -> OtlpJson.decode(raw);
    };
    append(spans);
    return spans.size();
  }

  @Override
  public Optional<Trace> findTrace(TraceId traceId) {
    ensureOpen();
    return searchesFirst.run(() -> metrics.query(StoreMetrics.Operation.FIND_TRACE, () -> findTraceUnmetered(traceId)));
  }

  private Optional<Trace> findTraceUnmetered(TraceId traceId) {
    Map<SpanId, Span> spans = new HashMap<>();
    for (Span s : head.get(traceId)) {
      spans.putIfAbsent(s.spanId(), s);
    }
    for (Flushing f : flushing) {
      for (Span s : f.byTrace().getOrDefault(traceId, List.of())) {
        spans.putIfAbsent(s.spanId(), s);
      }
    }
    BlockReader.TraceKey key = BlockReader.TraceKey.of(traceId);
    for (BlockReader b : blocks) {
      for (Span s : b.findTrace(key)) {
        spans.putIfAbsent(s.spanId(), s);
      }
    }
    return spans.isEmpty() ? Optional.empty() : Optional.of(new Trace(traceId, new ArrayList<>(spans.values())));
  }

  @Override
  public SearchResult search(SearchRequest request) {
    ensureOpen();
    return searchesFirst.run(() -> metrics.query(StoreMetrics.Operation.SEARCH, () -> searchEngine.search(request, snapshot())));
  }

  /**
   * After a cut or compaction made {@code block} (null: none), outside the cut lock: loads on the
   * background thread its footer and trace directory, and decodes into the search cache its chunks
   * of the columns searches read in the last minute, which the next search would otherwise do
   * first. Not while closing. Best effort: a failure is left for a search to meet and report.
   */
  private void prepareSearches(BlockReader block) {
    if (block == null || closing) {
      return;
    }
    try {
      block.directory();
      searchEngine.warm(block);
    } catch (RuntimeException e) {
      LOG.debug("could not prepare searches over new block {}: {}", block.meta().blockId(), e.toString());
    }
  }

  /**
   * The spans in memory (head and blocks being cut) by trace, and the committed blocks. A span
   * appended twice may be listed twice: the search merges by span id when it builds a trace.
   */
  private SearchSnapshot snapshot() {
    int traces = head.traceCount();
    for (Flushing f : flushing) {
      traces += f.byTrace().size();
    }
    Map<TraceId, List<Span>> memory = new HashMap<>(traces + (traces >> 1) + 16); // no rehashing as it fills
    head.forEachTrace(memory::put);
    for (Flushing f : flushing) {
      f.byTrace().forEach((id, spans) -> memory.merge(id, spans, (a, b) -> {
        List<Span> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
      }));
    }
    return new SearchSnapshot(memory, List.copyOf(blocks));
  }

  @Override
  public Map<String, List<String>> tagNames(long startUnixNano, long endUnixNano) {
    ensureOpen();
    return searchesFirst.run(() -> searchEngine.tagNames(snapshot(), startUnixNano, endUnixNano));
  }

  @Override
  public List<io.tracestore.api.AttributeValue> tagValues(String tag, long startUnixNano, long endUnixNano, int limit) {
    ensureOpen();
    return searchesFirst.run(() -> searchEngine.tagValues(snapshot(), tag, startUnixNano, endUnixNano, limit));
  }

  @Override
  public void flush() {
    ensureOpen();
    cut(true);
  }

  /** Blocks covering the same window of this length are merged by {@link #compact()}. */
  static final long COMPACTION_WINDOW_NANOS = TimeUnit.HOURS.toNanos(1);
  /** The most passes one {@link #compact()} call runs. */
  static final int MAX_COMPACTION_PASSES = 8;
  /** The most blocks one merge reads (Tempo's default). */
  static final int MAX_COMPACTION_INPUTS = 4;
  /** The most spans one compacted block receives. */
  static final long MAX_COMPACTED_SPANS = 5_000_000;
  /** How long replaced blocks stay readable for searches and lookups already running. */
  static final long COMPACTION_GRACE_MILLIS = 60_000;

  @Override
  public int compact() {
    // pass after pass until nothing merges: blocks climb the levels until each window holds at
    // most one block per level (closed windows: until no two small blocks are left). Eight passes
    // settle 4^8 blocks of one window; the cap ends a call while ingest keeps adding blocks.
    int removed = 0;
    for (int pass = 0; pass < MAX_COMPACTION_PASSES; pass++) {
      int r = compactPass(2);
      removed += r;
      if (r == 0) {
        break;
      }
    }
    return removed;
  }

  /**
   * One compaction pass: retention, then the merges {@link #plan} picks (open windows merging only
   * groups of at least {@code openInputs} blocks); returns the blocks removed.
   */
  private int compactPass(int openInputs) {
    ensureOpen();
    compactLock.lock(); // one compaction at a time
    try {
      List<List<BlockReader>> groups = new ArrayList<>();
      int removed;
      cutLock.lock(); // block-list changes only: cuts wait for planning, not for merging
      try {
        catalog.poll();
        syncBlocks();
        removed = expire();
        groups = plan(blocks, System.currentTimeMillis() * 1_000_000L, openInputs);
      } finally {
        cutLock.unlock();
      }
      for (List<BlockReader> group : groups) {
        removed += merge(group);
      }
      collectGarbageQuietly();
      return removed;
    } finally {
      compactLock.unlock();
    }
  }

  /**
   * The merges of one compaction pass, Tempo's way: blocks are grouped by the hour their spans
   * start in, and within a window by compaction level (a block cut from the head is level 0, a
   * merge's output one above its highest input), so a span is rewritten about once per level and
   * write amplification stays logarithmic. Each merge takes up to {@link #MAX_COMPACTION_INPUTS}
   * blocks, oldest first, of at most {@link #MAX_COMPACTED_SPANS} spans together; blocks of half
   * that or more are done. In the current and the previous hour (open windows, still receiving
   * blocks) a merge needs {@code openInputs} blocks of one level, or fewer that reach the span
   * limit: the background compactor waits for {@link #MAX_COMPACTION_INPUTS}, so a span is
   * rewritten about log4 rather than log2 times while ingest goes on; {@code compact()} merges any
   * two. Windows older than that merge any two or more blocks across levels, so the leftovers of
   * each level still come together once no new blocks arrive.
   */
  static List<List<BlockReader>> plan(java.util.Collection<BlockReader> blocks, long nowUnixNano, int openInputs) {
    Map<Long, Map<Integer, List<BlockReader>>> windows = new java.util.TreeMap<>();
    long currentWindow = nowUnixNano / COMPACTION_WINDOW_NANOS;
    for (BlockReader b : blocks) {
      if (b.meta().spanCount() >= MAX_COMPACTED_SPANS / 2) {
        continue; // a big block is done: merging small ones into it would rewrite it again and again
      }
      long window = b.meta().minStartUnixNano() / COMPACTION_WINDOW_NANOS;
      int level = window >= currentWindow - 1 ? b.meta().compactionLevel() : 0; // closed windows: one pool
      windows.computeIfAbsent(window, k -> new java.util.TreeMap<>()).computeIfAbsent(level, k -> new ArrayList<>()).add(b);
    }
    List<List<BlockReader>> groups = new ArrayList<>();
    for (Map.Entry<Long, Map<Integer, List<BlockReader>>> w : windows.entrySet()) {
      int minInputs = w.getKey() >= currentWindow - 1 ? Math.max(2, Math.min(openInputs, MAX_COMPACTION_INPUTS)) : 2;
      for (List<BlockReader> pool : w.getValue().values()) {
        pool.sort(java.util.Comparator.comparingLong((BlockReader b) -> b.meta().minStartUnixNano())
            .thenComparing(b -> b.meta().blockId()));
        List<BlockReader> group = new ArrayList<>();
        long spans = 0;
        for (BlockReader b : pool) {
          boolean full = spans + b.meta().spanCount() > MAX_COMPACTED_SPANS;
          if (!group.isEmpty() && (group.size() == MAX_COMPACTION_INPUTS || full)) {
            if (group.size() >= 2 && (group.size() >= minInputs || full)) {
              groups.add(group);
            }
            group = new ArrayList<>();
            spans = 0;
          }
          group.add(b);
          spans += b.meta().spanCount();
        }
        if (group.size() >= minInputs) {
          groups.add(group);
        }
      }
    }
    return groups;
  }

  /** The background compactor's run; never throws. */
  private void compactQuietly() {
    if (closed) {
      return;
    }
    try {
      int removed = compactPass(MAX_COMPACTION_INPUTS);
      if (removed > 0) {
        LOG.info("background compaction of tenant {} removed {} block(s)", config.tenant(), removed);
      }
    } catch (RuntimeException e) {
      LOG.warn("background compaction of tenant {} failed; it is retried next time: {}", config.tenant(), e.toString());
    }
  }

  /** Removes blocks whose every span ended before the retention horizon; returns how many. */
  private int expire() {
    long horizon = Math.subtractExact(
        Math.multiplyExact(System.currentTimeMillis(), 1_000_000L), config.blockRetention().toNanos());
    List<BlockReader> expired = blocks.stream().filter(b -> b.meta().maxEndUnixNano() < horizon).toList();
    if (!expired.isEmpty()) {
      blocks.removeAll(expired);
      catalog.retire(expired.stream().map(BlockReader::meta).toList(), "retention");
      retire(expired);
      LOG.info("retention: {} block(s) of tenant {} older than {} removed", expired.size(), config.tenant(), config.blockRetention());
    }
    return expired.size();
  }

  /** Deletes blocks no longer in the block list once the grace period has passed (or at close). */
  private void retire(List<BlockReader> group) {
    pendingDeletions.add(group);
    try {
      maintenance.schedule(() -> {
        if (pendingDeletions.remove(group)) {
          deleteBlocks(group);
        }
      }, COMPACTION_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // a compaction that finished while close() ran: close (or a later garbage collection) deletes them
    }
  }

  /**
   * Writes the blocks of {@code group} as one; returns how many blocks that removed. Checks, reads,
   * encodes and commits without the cut lock, so cuts go on however long the uploads take (or
   * stall); swaps the block list under it. An input that left the block list meanwhile (quarantine,
   * another process's compaction seen by a poll) makes the work be dropped before the commit, or
   * makes the tenant index retire the output as superseded after it: either way no span is served
   * twice from blocks, and none is lost (the inputs stay until the output is served).
   */
  private int merge(List<BlockReader> group) {
    if (group.size() < 2) {
      return 0;
    }
    group = intact(group); // reads every input whole; may quarantine
    if (group.size() < 2) {
      return 0;
    }
    List<Span> spans = new ArrayList<>();
    for (BlockReader b : group) {
      spans.addAll(b.readAll(searchesFirst));
    }
    BlockWriter.EncodedBlock encoded = blockWriter.encode(config.tenant(), spans);
    int level = 1 + group.stream().mapToInt(b -> b.meta().compactionLevel()).max().orElse(0);
    encoded = new BlockWriter.EncodedBlock(encoded.meta().withCompactionLevel(level), encoded.data());
    spans = null; // the encoded block is all that is needed now
    if (closing || !blocks.containsAll(group)) {
      LOG.info("compaction of {} blocks dropped: the block list changed while it ran", group.size());
      return 0;
    }
    BlockMeta meta = catalog.commit(encoded, group.stream().map(BlockReader::meta).toList());
    if (!catalog.serves(meta.blockId())) {
      LOG.warn("compacted block {} was superseded: its inputs were replaced or quarantined while it ran", meta.blockId());
      return 0;
    }
    BlockReader made = null;
    cutLock.lock();
    try {
      if (blocks.stream().noneMatch(b -> b.meta().blockId().equals(meta.blockId()))) {
        made = reader(meta);
        blocks.add(made); // before the inputs leave: no reader misses a span (a poll may have added it already)
      }
      blocks.removeAll(group);
      metrics.blocksCompacted(group.size());
      retire(group);
      LOG.debug("compacted {} blocks into {} ({} spans)", group.size(), meta.blockId(), meta.spanCount());
    } finally {
      cutLock.unlock();
    }
    prepareSearches(made);
    return group.size() - 1;
  }

  /** Deletes blocks, meta first, so a crash midway leaves data without meta (ignored), never the reverse. */
  private void deleteBlocks(List<BlockReader> group) {
    List<String> deleted = new ArrayList<>();
    for (BlockReader b : group) {
      BlockMeta m = b.meta();
      try {
        store.delete(BlockWriter.metaKey(m.tenant(), m.blockId()));
        metrics.blocksDeleted(1); // gone for readers once its meta.json is
        store.delete(BlockWriter.dataKey(m.tenant(), m.blockId()));
        deleted.add(m.blockId());
      } catch (IOException | RuntimeException e) {
        LOG.warn("could not delete compacted block {}: {}; garbage collection retries", m.blockId(), e.toString());
      }
    }
    if (!deleted.isEmpty()) {
      catalog.forget(deleted);
    }
  }

  /**
   * The blocks of {@code group} whose data passes its checksum; the others are quarantined and
   * dropped. Reads without the cut lock, like a read that finds a block damaged.
   */
  private List<BlockReader> intact(List<BlockReader> group) {
    List<BlockReader> ok = new ArrayList<>(group.size());
    for (BlockReader b : group) {
      if (catalog.checkIntact(b.meta())) {
        ok.add(b);
      } else {
        blocks.remove(b);
      }
    }
    return ok;
  }

  /** Collects garbage and polls the index when due, and syncs the block list; never throws. */
  private void maintainCatalog() {
    try {
      catalog.collectGarbageIfDue();
    } catch (RuntimeException e) {
      LOG.warn("garbage collection of tenant {} failed: {}", config.tenant(), e.toString());
    }
    catalog.pollIfDue();
    if (catalog.servedGeneration() != syncedGeneration && cutLock.tryLock()) {
      try {
        syncBlocks();
      } finally {
        cutLock.unlock();
      }
    }
  }

  private void collectGarbageQuietly() {
    try {
      catalog.collectGarbage();
    } catch (RuntimeException e) {
      LOG.warn("garbage collection of tenant {} failed: {}", config.tenant(), e.toString());
    }
  }

  /** Metas of the committed blocks, oldest first as loaded or cut. */
  List<BlockMeta> blockMetas() {
    return blocks.stream().map(BlockReader::meta).toList();
  }

  private void maintain() {
    if (closed) {
      return;
    }
    try {
      maintainCatalog();
      long now = System.nanoTime();
      boolean tooBig = head.bytes() >= config.maxBlockBytes();
      boolean tooOld = head.oldestAppendNanos() != Long.MAX_VALUE
          && now - head.oldestAppendNanos() >= config.maxBlockAge().toNanos();
      if (tooBig || tooOld) {
        cut(false);
        if (head.bytes() >= config.maxBlockBytes()) {
          cut(true); // live traces alone fill a block: cut them too; reads merge the fragments
        }
      }
    } catch (RuntimeException e) {
      LOG.error("cutting a block of tenant {} failed; its spans stay in memory and the WAL, will retry", config.tenant(), e);
    }
  }

  private void syncQuietly() {
    try {
      wal.sync();
    } catch (RuntimeException e) {
      LOG.error("WAL fsync failed in {}", config.walDirectory(), e);
    }
  }

  /**
   * Writes idle traces (or all) as a block. Returns when the block is committed, or when nothing
   * was to be cut.
   */
  private void cut(boolean all) {
    BlockReader made = null;
    cutLock.lock();
    try {
      Flushing batch;
      long nextSegment = -1;
      appendLock.lock();
      try {
        if (closed) {
          return; // a cut that waited out a close that gave up: the WAL is closed, the next open replays it
        }
        long now = System.nanoTime();
        HeadBlock.Taken taken = head.take(all, now - config.traceIdle().toNanos());
        if (taken.traces().isEmpty()) {
          return;
        }
        if (wal != null) {
          nextSegment = wal.roll();
          ByteSink sink = new ByteSink(1 << 16);
          List<Span> rest = taken.remaining();
          for (int i = 0; i < rest.size(); i += WAL_REWRITE_BATCH) {
            sink.reset();
            SpanCodec.encodeBatch(rest.subList(i, Math.min(rest.size(), i + WAL_REWRITE_BATCH)), sink);
            metrics.walWritten(wal.append(sink));
          }
          wal.sync();
        }
        batch = new Flushing(taken.traces()); // the head's views: searches keep their summaries
        flushing.add(batch);
        head.remove(taken.traces().keySet(), now);
      } finally {
        appendLock.unlock();
      }
      List<Span> spans = new ArrayList<>();
      batch.byTrace().values().forEach(spans::addAll);
      try {
        BlockMeta meta = catalog.commit(blockWriter.encode(config.tenant(), spans), List.of());
        made = reader(meta);
        blocks.add(made);
        flushing.remove(batch);
        if (wal != null) {
          wal.deleteSegmentsBefore(nextSegment);
        }
        LOG.debug("cut block {} with {} spans of {} traces", meta.blockId(), meta.spanCount(), meta.traceCount());
        metrics.blockCut();
      } catch (RuntimeException | IOException e) {
        // put the spans back so the next cut retries them; they are still in the WAL
        appendLock.lock();
        try {
          long[] sizes = SpanValidator.validate(spans, Long.MAX_VALUE);
          head.add(spans, sizes, System.nanoTime());
          flushing.remove(batch);
        } finally {
          appendLock.unlock();
        }
        throw e instanceof RuntimeException r ? r : new StorageException("could not cut a block: " + e.getMessage(), e);
      }
    } catch (IOException e) {
      throw new StorageException("could not roll the WAL in " + config.walDirectory() + ": " + e.getMessage(), e);
    } finally {
      cutLock.unlock();
    }
    prepareSearches(made);
  }

  /**
   * Refuses new appends, cuts everything in memory into a block, stores the index, deletes blocks
   * replaced by compaction, and releases the resources.
   *
   * <p>Bounded, however a storage call stalls (in a background cut or compaction, in the final
   * cut's own upload, in an index write): close waits at most {@link #closeTimeout} (one minute
   * unless set) for a background cut or compaction, then interrupts it, and at most that again for
   * the final work, which runs on its own thread and is interrupted and abandoned at the bound. Then
   * close gives up cleanly rather than hang: the store is closed, the WAL and the store it owns are
   * released, and if spans may not have reached a block it throws a {@link StorageException}
   * saying how many. Those spans are in the WAL (when there is one) and the next open replays them
   * (a stalled call that returns later finishes its commit or fails, without harm: readers merge a
   * span found twice by span id). Without a WAL they are lost, as in a crash. A skipped index
   * flush or block deletion is retried by the next process, harmless to lose.
   *
   * @throws StorageException if the final cut failed, or close gave up with spans possibly not in a block
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    long bound = closeTimeout.toNanos();
    appendLock.lock();
    try {
      if (closing) {
        return; // another thread is closing
      }
      closing = true; // from now on every acknowledged span is in memory when the final cut takes it
    } finally {
      appendLock.unlock();
    }
    maintenance.shutdown();
    searchesFirst.stop(); // closing: background work and the final cut no longer wait for searches
    java.util.concurrent.FutureTask<Void> finalWork = new java.util.concurrent.FutureTask<>(() -> {
      try {
        cut(true);
      } finally {
        // blocks replaced by compaction: no reader of this store is left, delete them now
        for (List<BlockReader> group; (group = pendingDeletions.poll()) != null; ) {
          deleteBlocks(group);
        }
        catalog.flush();
      }
      return null;
    });
    String gaveUp = null;
    RuntimeException failure = null;
    try {
      if (!maintenance.awaitTermination(bound, TimeUnit.NANOSECONDS)) {
        LOG.warn("tenant {}: a background cut or compaction still runs after {}; interrupting it", config.tenant(), closeTimeout);
        maintenance.shutdownNow();
      }
      Thread closer = new Thread(finalWork, "tracestore-close-" + config.tenant());
      closer.setDaemon(true);
      closer.start();
      finalWork.get(bound, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      gaveUp = "after " + closeTimeout;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      gaveUp = "when interrupted";
    } catch (java.util.concurrent.ExecutionException e) {
      failure = e.getCause() instanceof RuntimeException r ? r
          : new StorageException("could not close the store: " + e.getCause().getMessage(), e.getCause());
    } finally {
      if (gaveUp != null) {
        finalWork.cancel(true); // interrupts a wait for the cut lock or a storage call that heeds interrupts
      }
      closed = true;
      metrics.close();
      searchEngine.close();
      if (encoders != null) {
        encoders.shutdown(); // a cut still running (given up on above) finishes its groups on its own thread
      }
      try {
        if (wal != null) {
          appendLock.lock(); // a cut abandoned above may still roll the log under this lock
          try {
            wal.close();
          } finally {
            appendLock.unlock();
          }
        }
        if (ownsStore) {
          store.close();
        }
      } catch (IOException e) {
        if (failure == null) {
          failure = new StorageException("could not close the store: " + e.getMessage(), e);
        }
      }
    }
    if (gaveUp != null) {
      long unwritten = head.spanCount();
      for (Flushing f : flushing) {
        unwritten += f.byTrace().values().stream().mapToLong(List::size).sum();
      }
      if (unwritten > 0) {
        String where = wal != null ? "they are in the write-ahead log in " + config.walDirectory() + " and the next open replays them"
            : "there is no write-ahead log: they are lost";
        LOG.error("tenant {}: close gave up {} waiting for storage; about {} span(s) may not be in a block: {}",
            config.tenant(), gaveUp, unwritten, where);
        throw new StorageException("close gave up " + gaveUp + " waiting for a stalled storage call; about " + unwritten
            + " span(s) may not be in a block: " + where);
      }
      LOG.warn("tenant {}: close gave up {} waiting for storage after every span was in a block; the index flush or the deletion"
          + " of compacted blocks is left to the next process", config.tenant(), gaveUp);
    }
    if (failure != null) {
      throw failure;
    }
  }
}
