package io.tracestore.core.search;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tracestore.core.block.BlockReader;
import io.tracestore.core.block.ColumnVector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decoded column chunks of committed blocks, shared by every search of a store: a Caffeine cache
 * weighted by each vector's bytes and bounded by one budget. Blocks are immutable, so an entry never
 * goes stale; entries of deleted blocks age out. Thread-safe.
 */
final class ColumnCache {
  private record Key(String blockId, int rowGroup, String column) {
    static Key of(BlockReader block, int rowGroup, String column) {
      return new Key(block.meta().blockId(), rowGroup, column);
    }
  }

  private final Cache<Key, ColumnVector> vectors;
  /** Columns searches asked for, with when they last did ({@link System#nanoTime}); bounded. */
  private final Cache<String, Long> recentColumns = Caffeine.newBuilder().maximumSize(MAX_WARMED_COLUMNS).build();
  private static final int MAX_WARMED_COLUMNS = 64;
  private static final long RECORD_EVERY_NANOS = 1_000_000_000L;
  /** Chunks read in part recently (bounded): a chunk asked for again is worth decoding whole. */
  private final Cache<Key, Boolean> readInPart;
  private final boolean enabled;

  /** A cache holding at most about {@code maxBytes} of vectors. */
  ColumnCache(long maxBytes) {
    this.enabled = maxBytes > 0;
    this.readInPart = Caffeine.newBuilder().maximumSize(16_384).build();
    this.vectors = Caffeine.newBuilder()
        .maximumWeight(Math.max(0, maxBytes))
        .<Key, ColumnVector>weigher((k, v) -> (int) Math.min(Integer.MAX_VALUE, v.sizeBytes()))
        .build();
  }

  /**
   * Column {@code column} of row group {@code rowGroup} of {@code block}, decoded; null if the block
   * has no such column. Counts the hit or miss (and bytes decoded) in {@code stats}.
   */
  ColumnVector vector(BlockReader block, int rowGroup, String column, ScanStats stats) {
    if (enabled) {
      long now = System.nanoTime();
      Long at = recentColumns.getIfPresent(column);
      if (at == null || now - at > RECORD_EVERY_NANOS) { // a read, not a write, on most calls
        recentColumns.put(column, now);
      }
    }
    return vectorUnrecorded(block, rowGroup, column, stats);
  }

  private ColumnVector vectorUnrecorded(BlockReader block, int rowGroup, String column, ScanStats stats) {
    Key key = Key.of(block, rowGroup, column);
    ColumnVector v = vectors.getIfPresent(key);
    if (v != null) {
      stats.cacheHits++;
      return v;
    }
    stats.cacheMisses++;
    Map<String, ColumnVector> read = block.readColumns(rowGroup, List.of(column));
    v = read.get(column);
    if (v != null) {
      stats.bytesDecoded += v.sizeBytes();
      vectors.put(key, v);
    }
    readInPart.invalidate(key); // decoded whole: if it is evicted, parts are read again before it is promoted again
    return v;
  }

  /**
   * Column {@code column} of the row group from the cache; else decoded whole into it if it was
   * asked for in part recently ({@link #readInPartBefore}); else null, and it counts as asked for in
   * part. For reads that can do without the column (at a cost per call) but should not decode a
   * whole chunk the first time.
   */
  ColumnVector vectorIfAskedBefore(BlockReader block, int rowGroup, String column, ScanStats stats) {
    ColumnVector v = cached(block, rowGroup, column, stats);
    if (v != null || !enabled) {
      return v;
    }
    if (readInPartBefore(block, rowGroup, column)) {
      return vector(block, rowGroup, column, stats);
    }
    readInPart.put(Key.of(block, rowGroup, column), Boolean.TRUE);
    return null;
  }

  /** Column {@code column} of the row group if the cache holds it (counted as a hit), else null. */
  ColumnVector cached(BlockReader block, int rowGroup, String column, ScanStats stats) {
    ColumnVector v = vectors.getIfPresent(Key.of(block, rowGroup, column));
    if (v != null) {
      stats.cacheHits++;
    }
    return v;
  }

  /**
   * Rows {@code [from[k], to[k])} of flat column {@code column}, read from only their pages and not
   * kept (a partial chunk); counted as a miss. Null if the block has no such column.
   */
  ColumnVector readRows(BlockReader block, int rowGroup, String column, long[] from, long[] to, ScanStats stats) {
    stats.cacheMisses++;
    if (enabled) {
      readInPart.put(Key.of(block, rowGroup, column), Boolean.TRUE);
    }
    ColumnVector v = block.readColumnRows(rowGroup, column, from, to);
    if (v != null) {
      stats.bytesDecoded += v.sizeBytes();
    }
    return v;
  }

  /**
   * True if part of this chunk was read recently by {@link #readRows} (and the cache keeps
   * vectors): a search asking for it again should decode it whole into the cache, so a repeated
   * query does not decode the same pages every time.
   */
  boolean readInPartBefore(BlockReader block, int rowGroup, String column) {
    return enabled && readInPart.getIfPresent(Key.of(block, rowGroup, column)) != null;
  }

  /**
   * Decodes into the cache every chunk of {@code block} of the columns searches asked for since
   * {@code sinceNanos} ({@link System#nanoTime}), so the next searches find a new block as warm as
   * the blocks before it. Returns the chunks decoded. For the thread that made the block.
   */
  int warm(BlockReader block, long sinceNanos) {
    if (!enabled) {
      return 0;
    }
    List<String> columns = new ArrayList<>();
    recentColumns.asMap().forEach((column, at) -> {
      if (at - sinceNanos >= 0) {
        columns.add(column);
      }
    });
    int decoded = 0;
    ScanStats stats = new ScanStats();
    for (String column : columns) {
      if (block.columnPosition(column) < 0) {
        continue; // a dedicated column of other blocks
      }
      for (int rg = 0; rg < block.rowGroupCount(); rg++) {
        if (vectorUnrecorded(block, rg, column, stats) != null) {
          decoded++;
        }
      }
    }
    return decoded;
  }

  /** Drops every entry (for tests and memory pressure). */
  void clear() {
    vectors.invalidateAll();
    readInPart.invalidateAll();
  }
}
