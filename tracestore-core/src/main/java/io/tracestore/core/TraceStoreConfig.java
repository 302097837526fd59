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
 * @param maxSpanBytes a span estimated larger than this is refused
 * @param blockOptions Parquet layout of blocks
 */
public record TraceStoreConfig(
    String tenant,
    Path walDirectory,
    FsyncPolicy fsyncPolicy,
    Duration fsyncInterval,
    long maxBlockBytes,
    Duration maxBlockAge,
    Duration traceIdle,
    long maxSpanBytes,
    BlockWriter.Options blockOptions) {

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
    if (maxSpanBytes <= 0) {
      throw new IllegalArgumentException("maxSpanBytes must be positive, got " + maxSpanBytes);
    }
    Objects.requireNonNull(blockOptions, "blockOptions");
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
