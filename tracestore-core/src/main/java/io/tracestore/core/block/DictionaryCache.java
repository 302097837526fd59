package io.tracestore.core.block;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Dictionary pages of committed blocks, decompressed and decoded, shared by every {@link
 * BlockReader} of a store: reading a few rows of a column (a trace by id, a search's candidates)
 * then needs only its data pages, not the dictionary page that often outweighs them. A Caffeine
 * cache weighted by each entry's bytes and bounded by one budget; blocks are immutable, so an entry
 * never goes stale, and entries of deleted blocks age out. Thread-safe.
 */
public final class DictionaryCache {
  /** A cache that holds nothing. */
  public static final DictionaryCache NONE = new DictionaryCache(0);

  record Key(String blockId, int rowGroup, int column) {
    // written out: looked up for every column of every read, and faster than the generated ones
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && rowGroup == k.rowGroup && column == k.column && blockId.equals(k.blockId);
    }

    @Override
    public int hashCode() {
      return (blockId.hashCode() * 31 + rowGroup) * 31 + column;
    }
  }

  /** The decompressed page, and its values as {@link PageDecoder} uses them (null where it does not). */
  record Entry(ChunkPages.Dictionary page, PageDecoder.DictionaryValues values) {
    long sizeBytes() {
      return 64 + page.data().length() + (values == null ? 0 : values.sizeBytes());
    }
  }

  private final Cache<Key, Entry> entries;
  private final boolean enabled;

  /** A cache holding at most about {@code maxBytes} of dictionaries (0: none). */
  public DictionaryCache(long maxBytes) {
    this.enabled = maxBytes > 0;
    this.entries = Caffeine.newBuilder()
        .maximumWeight(Math.max(0, maxBytes))
        .<Key, Entry>weigher((k, v) -> (int) Math.min(Integer.MAX_VALUE, v.sizeBytes()))
        .build();
  }

  Entry get(Key key) {
    return enabled ? entries.getIfPresent(key) : null;
  }

  void put(Key key, Entry entry) {
    if (enabled) {
      entries.put(key, entry);
    }
  }
}
