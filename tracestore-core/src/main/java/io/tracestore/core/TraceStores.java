package io.tracestore.core;

import io.tracestore.api.StorageException;
import io.tracestore.api.TraceStore;
import io.tracestore.core.block.BlockWriter;
import io.tracestore.core.storage.InMemoryObjectStore;
import io.tracestore.spi.ObjectStore;
import io.tracestore.storage.local.LocalObjectStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Opens trace stores. The returned stores are thread-safe; see {@link TraceStore} for what
 * {@code append} guarantees.
 *
 * <pre>{@code
 * try (TraceStore store = TraceStores.open(Path.of("/var/lib/traces"))) {
 *   store.append(spans);
 *   Optional<Trace> t = store.findTrace(traceId);
 * }
 * }</pre>
 */
public final class TraceStores {
  private TraceStores() {}

  /** A store kept in memory only, without a write-ahead log: for tests and short-lived tools. */
  public static TraceStore inMemory() {
    return builder().objectStore(new InMemoryObjectStore()).build();
  }

  /**
   * A durable store in {@code dir}: blocks under {@code dir/data}, the write-ahead log under
   * {@code dir/wal/<tenant>}, fsync every 200 ms ({@link FsyncPolicy#INTERVAL}). Reopening the same
   * directory recovers every span appended before.
   */
  public static TraceStore open(Path dir) {
    return builder().directory(dir).build();
  }

  /** A builder with the default settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures a store; not thread-safe. */
  public static final class Builder {
    private ObjectStore objectStore;
    private boolean ownsObjectStore;
    private io.opentelemetry.api.metrics.MeterProvider meterProvider;
    private Path walDirectory;
    private String tenant = TraceStoreConfig.DEFAULT_TENANT;
    private FsyncPolicy fsyncPolicy = FsyncPolicy.INTERVAL;
    private Duration fsyncInterval = Duration.ofMillis(200);
    private long maxBlockBytes = 128L * 1024 * 1024;
    private Duration maxBlockAge = Duration.ofMinutes(30);
    private Duration traceIdle = Duration.ofSeconds(10);
    private TraceStoreConfig.Limits limits = TraceStoreConfig.Limits.DEFAULT;
    private Duration blockRetention = Duration.ofDays(14);
    private BlockWriter.Options blockOptions = BlockWriter.Options.DEFAULT;
    private Path directory;
    private TraceStoreConfig.SearchOptions searchOptions = TraceStoreConfig.SearchOptions.DEFAULT;
    private Duration compactionInterval = Duration.ofMinutes(10);
    private Duration closeTimeout = Duration.ofMinutes(1);
    private int encodeHelpers = TraceStoreConfig.DEFAULT_ENCODE_HELPERS;
    private Duration backgroundPause = TraceStoreConfig.DEFAULT_BACKGROUND_PAUSE;
    private io.tracestore.core.catalog.TenantCatalog.Options catalogOptions = io.tracestore.core.catalog.TenantCatalog.Options.DEFAULT;

    private Builder() {}

    /**
     * Keeps blocks in {@code store}. The caller keeps ownership: closing the trace store does not
     * close it.
     */
    public Builder objectStore(ObjectStore store) {
      this.objectStore = Objects.requireNonNull(store);
      this.ownsObjectStore = false;
      this.directory = null;
      return this;
    }

    /** Keeps blocks in {@code store} and closes it when the trace store closes. */
    public Builder ownedObjectStore(ObjectStore store) {
      objectStore(store);
      this.ownsObjectStore = true;
      return this;
    }

    /** Keeps blocks in {@code dir/data} and the log in {@code dir/wal/<tenant>}, unless set otherwise. */
    public Builder directory(Path dir) {
      this.directory = Objects.requireNonNull(dir);
      return this;
    }

    /** Where the write-ahead log lives; null for none. */
    public Builder walDirectory(Path dir) {
      this.walDirectory = dir;
      return this;
    }

    public Builder tenant(String tenant) {
      this.tenant = TraceStoreConfig.checkTenant(tenant);
      return this;
    }

    public Builder fsyncPolicy(FsyncPolicy policy) {
      this.fsyncPolicy = Objects.requireNonNull(policy);
      return this;
    }

    public Builder fsyncInterval(Duration interval) {
      this.fsyncInterval = interval;
      return this;
    }

    /** Cut the head into a block when it holds about this many encoded bytes (default 128 MiB). */
    public Builder maxBlockBytes(long bytes) {
      this.maxBlockBytes = bytes;
      return this;
    }

    /** Cut the head into a block when its oldest span is this old (default 30 min). */
    public Builder maxBlockAge(Duration age) {
      this.maxBlockAge = age;
      return this;
    }

    /** A trace is complete once it got no span for this long (default 10 s). */
    public Builder traceIdle(Duration idle) {
      this.traceIdle = idle;
      return this;
    }

    /** Refuse spans estimated larger than this (default 4 MiB). */
    public Builder maxSpanBytes(long bytes) {
      this.limits = new TraceStoreConfig.Limits(bytes, limits.maxTraceBytes(), limits.ingestionBytesPerSecond(),
          limits.ingestionBurstBytes(), limits.maxLiveTraces());
      return this;
    }

    /** All append limits at once (see {@link TraceStoreConfig.Limits}). */
    public Builder limits(TraceStoreConfig.Limits limits) {
      this.limits = Objects.requireNonNull(limits);
      return this;
    }

    /** {@code compact()} deletes blocks whose spans all ended longer ago than this (default 14 days). */
    public Builder blockRetention(Duration retention) {
      this.blockRetention = retention;
      return this;
    }

    /**
     * How often the store re-reads the tenant index to pick up blocks committed, compacted or
     * deleted by other processes sharing the object store (default 10 s).
     */
    public Builder indexPollInterval(Duration interval) {
      this.catalogOptions = new io.tracestore.core.catalog.TenantCatalog.Options(interval,
          catalogOptions.uncommittedGrace(), catalogOptions.retiredGrace(), catalogOptions.gcInterval());
      return this;
    }

    /**
     * Block folders without {@code meta.json} (interrupted cuts) are deleted by garbage collection
     * once this old (default 1 h; keep it well above the longest block upload).
     */
    public Builder uncommittedBlockGrace(Duration grace) {
      this.catalogOptions = new io.tracestore.core.catalog.TenantCatalog.Options(catalogOptions.pollInterval(),
          grace, catalogOptions.retiredGrace(), catalogOptions.gcInterval());
      return this;
    }

    /**
     * Heap the read caches may hold (decoded column chunks, blocks and dictionary pages, shared by
     * searches and trace lookups; default a quarter of the maximum heap; 0 = no caching).
     */
    public Builder searchCacheBytes(long bytes) {
      this.searchOptions = new TraceStoreConfig.SearchOptions(bytes, searchOptions.threads(), searchOptions.maxCandidates());
      return this;
    }

    /**
     * How often the store runs {@link TraceStore#compact()} in the background (default 10 min);
     * {@link Duration#ZERO} turns it off. Run one compactor per tenant: turn it off in every other
     * process that opens the same store.
     */
    public Builder compactionInterval(Duration interval) {
      this.compactionInterval = Objects.requireNonNull(interval);
      return this;
    }

    /**
     * How long {@link TraceStore#close()} waits for a cut or compaction stuck in a storage call,
     * and then for its own final cut (default 1 min each). If storage does not answer in time,
     * close gives up with a {@link io.tracestore.api.StorageException}: the spans not yet in a
     * block are replayed from the write-ahead log at the next open (lost without one).
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /**
     * Threads that encode the row groups of one block side by side in a cut or a compaction,
     * the cutting thread included (default: one per core; 1 = the cutting thread alone, which
     * leaves the other cores to appends and searches while ingest saturates the machine).
     */
    public Builder encodeThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("encodeThreads must be at least 1, got " + threads);
      }
      this.encodeHelpers = threads - 1;
      return this;
    }

    /**
     * Searches go first: while one is in flight, the store's background cuts and compactions wait
     * at their next checkpoint (every 4,096 rows) until no search is, but at most {@code maxPause}
     * per wait (default 250 ms); after a wait they run at least as long as it lasted before the
     * next, so however searches follow one another they keep at least half the time; a closing
     * store's work does not wait. {@link Duration#ZERO}: they never wait; at most one minute. On a
     * machine that ingest keeps busy this keeps search latency near that of an idle store, at the
     * cost of cutting a little later.
     */
    public Builder backgroundPauseForSearches(Duration maxPause) {
      this.backgroundPause = TraceStoreConfig.checkBackgroundPause(Objects.requireNonNull(maxPause, "maxPause"));
      return this;
    }

    /** Row groups one search scans at once (default: one per core; 1 = on the caller's thread). */
    public Builder searchThreads(int threads) {
      this.searchOptions = new TraceStoreConfig.SearchOptions(searchOptions.cacheBytes(), threads, searchOptions.maxCandidates());
      return this;
    }

    /**
     * Most candidate traces one search queues at once (default {@link
     * TraceStoreConfig.SearchOptions#DEFAULT_MAX_CANDIDATES}, about 40 bytes each; at least 2). A
     * search with more candidates takes them in several passes, newest first: the same result in
     * bounded memory.
     */
    public Builder searchMaxCandidates(int maxCandidates) {
      this.searchOptions = new TraceStoreConfig.SearchOptions(searchOptions.cacheBytes(), searchOptions.threads(), maxCandidates);
      return this;
    }

    public Builder blockOptions(BlockWriter.Options options) {
      this.blockOptions = Objects.requireNonNull(options);
      return this;
    }

    /**
     * Reports the store's metrics ({@code tracestore.*}, listed in {@code docs/operations.md}) to
     * {@code provider}; {@code MeterProvider.noop()} turns them off. Null (the default) means the
     * global provider ({@code GlobalOpenTelemetry}): the one installed when {@link #build()} runs, or,
     * if none is yet, the one the application installs later (picked up within a second of the
     * store's next append, cut or query). Opening a store never fixes the global to a no-op.
     */
    public Builder meterProvider(io.opentelemetry.api.metrics.MeterProvider provider) {
      this.meterProvider = provider;
      return this;
    }

    /**
     * Opens the store: loads the metas of committed blocks and replays the write-ahead log.
     *
     * @throws StorageException if storage cannot be read
     * @throws io.tracestore.api.CorruptDataException if the log is damaged other than at its tail
     */
    public TraceStore build() {
      ObjectStore store = objectStore;
      boolean owns = ownsObjectStore;
      Path wal = walDirectory;
      if (directory != null) {
        try {
          store = new LocalObjectStore(directory.resolve("data"));
        } catch (IOException e) {
          throw new StorageException("could not open " + directory + ": " + e.getMessage(), e);
        }
        owns = true;
        if (wal == null) {
          wal = directory.resolve("wal").resolve(tenant);
        }
      }
      if (store == null) {
        throw new IllegalStateException("set an objectStore or a directory");
      }
      TraceStoreConfig config = new TraceStoreConfig(tenant, wal, fsyncPolicy, fsyncInterval, maxBlockBytes,
          maxBlockAge, traceIdle, limits, blockRetention, blockOptions, searchOptions, catalogOptions,
          compactionInterval, closeTimeout, encodeHelpers, backgroundPause);
      return DefaultTraceStore.open(store, owns, config, meterProvider);
    }
  }
}
