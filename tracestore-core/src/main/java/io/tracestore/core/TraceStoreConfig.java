package io.tracestore.core;

import io.tracestore.core.block.BlockWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of a store, validated. Immutable.
 *
 * @param tenant owner of the blocks; 1–64 characters of {@code [A-Za-z0-9._-]}, not starting with
 *     a dot (so {@code ../x} is refused)
 * @param walDirectory where the write-ahead log lives, or null for no log (spans in the head are
 *     lost on a crash; for in-memory stores and tests)
 * @param fsyncPolicy when the log is forced
 * @param fsyncInterval period of {@link FsyncPolicy#INTERVAL}
 * @param maxBlockBytes the head is cut into a block once its estimated size passes this
 * @param maxBlockAge the head is cut into a block once its oldest span is this old
 * @param traceIdle a cut by age or size takes only traces idle this long, unless the head is over
 *     {@code maxBlockBytes} even without the live ones
 * @param limits what an append may add
 * @param blockRetention {@link io.tracestore.api.TraceStore#compact()} deletes blocks whose every span
 *     ended longer ago than this
 * @param blockOptions Parquet layout of blocks
 * @param searchOptions cache budget and parallelism of searches
 * @param catalogOptions tenant index polling, grace periods and garbage collection ({@link
 *     io.tracestore.core.catalog.TenantCatalog})
 * @param compactionInterval how often the store compacts in the background ({@link
 *     io.tracestore.api.TraceStore#compact()}); zero for never (compact explicitly instead)
 * @param closeTimeout how long {@link io.tracestore.api.TraceStore#close()} waits for storage calls
 *     in progress, then for its final cut, before it gives up
 * @param encodeHelpers threads that help a cut or compaction encode the row groups of one block (0:
 *     the cutting thread alone)
 * @param backgroundPause how long a cut or compaction waits, at each of its checkpoints (every
 *     4,096 rows), for the searches in flight to finish; zero for never, at most one minute
 */
public record TraceStoreConfig(
    String tenant,
    Path walDirectory,
    FsyncPolicy fsyncPolicy,
    Duration fsyncInterval,
    long maxBlockBytes,
    Duration maxBlockAge,
    Duration traceIdle,
    Limits limits,
    Duration blockRetention,
    BlockWriter.Options blockOptions,
    SearchOptions searchOptions,
    io.tracestore.core.catalog.TenantCatalog.Options catalogOptions,
    Duration compactionInterval,
    Duration closeTimeout,
    int encodeHelpers,
    Duration backgroundPause) {

  /** Encode helpers by default: one per core but the cutting thread's. */
  public static final int DEFAULT_ENCODE_HELPERS = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);

  /** Longest wait of background work for searches, per checkpoint, by default: 250 ms. */
  public static final Duration DEFAULT_BACKGROUND_PAUSE = Duration.ofMillis(250);

  /** The longest {@code backgroundPause} accepted: one minute. */
  public static final Duration MAX_BACKGROUND_PAUSE = Duration.ofMinutes(1);

  /** Checks a {@code backgroundPause}: zero to {@link #MAX_BACKGROUND_PAUSE}. */
  static Duration checkBackgroundPause(Duration pause) {
    if (pause == null || pause.isNegative() || pause.compareTo(MAX_BACKGROUND_PAUSE) > 0) {
      throw new IllegalArgumentException("backgroundPauseForSearches must be between zero (never) and "
          + MAX_BACKGROUND_PAUSE + ", got " + pause);
    }
    return pause;
  }

  /** The tenant used when none is named (Tempo's name for it). */
  public static final String DEFAULT_TENANT = "single-tenant";
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");

  public TraceStoreConfig {
    checkTenant(tenant);
    Objects.requireNonNull(fsyncPolicy, "fsyncPolicy");
    requirePositive(fsyncInterval, "fsyncInterval");
    requirePositive(maxBlockAge, "maxBlockAge");
    requirePositive(traceIdle, "traceIdle");
    if (maxBlockBytes <= 0) {
      throw new IllegalArgumentException("maxBlockBytes must be positive, got " + maxBlockBytes);
    }
    Objects.requireNonNull(limits, "limits");
    requirePositive(blockRetention, "blockRetention");
    Objects.requireNonNull(blockOptions, "blockOptions");
    Objects.requireNonNull(searchOptions, "searchOptions");
    if (compactionInterval == null || compactionInterval.isNegative()) {
      throw new IllegalArgumentException("compactionInterval must be zero (off) or positive, got " + compactionInterval);
    }
    if (closeTimeout == null || closeTimeout.isNegative()) {
      throw new IllegalArgumentException("closeTimeout must not be negative, got " + closeTimeout);
    }
    if (encodeHelpers < 0) {
      throw new IllegalArgumentException("encodeThreads must be at least 1, got " + (encodeHelpers + 1));
    }
    checkBackgroundPause(backgroundPause);
    Objects.requireNonNull(catalogOptions, "catalogOptions");
    requirePositive(catalogOptions.pollInterval(), "indexPollInterval");
    requirePositive(catalogOptions.uncommittedGrace(), "uncommittedBlockGrace");
  }

  /**
   * How searches use memory and threads.
   *
   * @param cacheBytes about how much heap the search caches (decoded column chunks, small decoded
   *     blocks) may hold; 0 disables caching
   * @param threads row groups of one search scanned at once (1 = on the caller's thread only)
   * @param maxCandidates most candidate traces one search queues at once (about 40 bytes each, at
   *     least 2): a search with more takes them in several passes, newest first, with the same
   *     result, so its memory does not grow with the number of traces it could match
   */
  public record SearchOptions(long cacheBytes, int threads, int maxCandidates) {
    /** Candidates queued per search by default: 262,144 (about 10 MB). */
    public static final int DEFAULT_MAX_CANDIDATES = 1 << 18;

    /** A quarter of the maximum heap, one thread per core, {@link #DEFAULT_MAX_CANDIDATES}. */
    public static final SearchOptions DEFAULT =
        new SearchOptions(Runtime.getRuntime().maxMemory() / 4, Runtime.getRuntime().availableProcessors());

    public SearchOptions {
      if (cacheBytes < 0) {
        throw new IllegalArgumentException("search cacheBytes must be >= 0, got " + cacheBytes);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("search threads must be at least 1, got " + threads);
      }
      if (maxCandidates < 2) {
        throw new IllegalArgumentException("search maxCandidates must be at least 2, got " + maxCandidates);
      }
    }

    /** Options with {@link #DEFAULT_MAX_CANDIDATES}. */
    public SearchOptions(long cacheBytes, int threads) {
      this(cacheBytes, threads, DEFAULT_MAX_CANDIDATES);
    }
  }

  /**
   * Limits on what appends may add; 0 means no limit where noted.
   *
   * @param maxSpanBytes a span estimated larger than this is refused ({@code InvalidSpanException})
   * @param maxTraceBytes a trace whose spans not yet in a block would pass this is refused
   *     ({@code TraceTooLargeException}; Tempo's default is 5 MB)
   * @param ingestionBytesPerSecond sustained append rate in estimated bytes per second; 0 = no limit
   * @param ingestionBurstBytes bytes that may be appended at once above the rate (token bucket size)
   * @param maxLiveTraces most traces held in memory at once; 0 = no limit
   */
  public record Limits(long maxSpanBytes, long maxTraceBytes, long ingestionBytesPerSecond, long ingestionBurstBytes, int maxLiveTraces) {
    /** 4 MiB spans, 5 MB traces, no rate limit, no live-trace limit. */
    public static final Limits DEFAULT = new Limits(4L << 20, 5_000_000, 0, 0, 0);

    public Limits {
      if (maxSpanBytes <= 0 || maxTraceBytes <= 0) {
        throw new IllegalArgumentException("maxSpanBytes and maxTraceBytes must be positive");
      }
      if (ingestionBytesPerSecond < 0 || ingestionBurstBytes < 0 || maxLiveTraces < 0) {
        throw new IllegalArgumentException("rate, burst and live-trace limits must be >= 0 (0 = no limit)");
      }
      if (ingestionBytesPerSecond > 0 && ingestionBurstBytes <= 0) {
        throw new IllegalArgumentException("a rate limit needs a positive burst");
      }
    }
  }

  /**
   * Returns {@code tenant} if it is a valid tenant id.
   *
   * @throws IllegalArgumentException naming the id and the rule
   */
  public static String checkTenant(String tenant) {
    if (tenant == null || !TENANT.matcher(tenant).matches()) {
      throw new IllegalArgumentException("invalid tenant id \"" + tenant
          + "\": use 1-64 characters of A-Z a-z 0-9 . _ - , not starting with a dot");
    }
    return tenant;
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
    }
  }
}
