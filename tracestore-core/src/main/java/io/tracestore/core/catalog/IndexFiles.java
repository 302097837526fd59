package io.tracestore.core.catalog;

import io.tracestore.api.CorruptDataException;
import io.tracestore.spi.ObjectNotFoundException;
import io.tracestore.spi.ObjectStore;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes the versions of a tenant's index on an {@link ObjectStore}.
 *
 * <p>Scheme: version {@code n} is stored once at {@code <tenant>/index/<n, 20 digits>.json.gz}
 * with put-if-absent, so of writers racing for the same version exactly one wins and the others
 * re-read and re-apply their change (optimistic concurrency; no version is ever overwritten). The
 * winner then copies it to {@code <tenant>/index.json.gz}, the pointer, unless a newer version
 * already exists. The pointer is only a hint that may lag or even go back by a version when two
 * writers race: readers read it, then probe {@code n+1, n+2, ...} until one is missing. Old
 * versions are deleted by garbage collection, keeping the newest {@value #KEEP_VERSIONS}.
 *
 * <p>Thread-safe (stateless apart from the store and tenant).
 */
public final class IndexFiles {
  private static final Logger LOG = LoggerFactory.getLogger(IndexFiles.class);
  /** Versions kept by {@link #pruneOld}. */
  public static final int KEEP_VERSIONS = 100;

  private final ObjectStore store;
  private final String tenant;

  public IndexFiles(ObjectStore store, String tenant) {
    this.store = store;
    this.tenant = tenant;
  }

  /** The pointer: the latest (or nearly latest) version. */
  public static String pointerKey(String tenant) {
    return tenant + "/index.json.gz";
  }

  /** Prefix of the versioned index files. */
  public static String versionPrefix(String tenant) {
    return tenant + "/index/";
  }

  /** Key of version {@code v}. */
  public static String versionKey(String tenant, long v) {
    return versionPrefix(tenant) + String.format("%020d", v) + ".json.gz";
  }

  /**
   * The newest version, reading the pointer (or, without one, listing the versions) and probing
   * forward; null if the tenant has no index.
   *
   * @throws CorruptDataException if the newest version found cannot be parsed
   * @throws IOException if storage fails
   */
  public TenantIndex readLatest() throws IOException {
    TenantIndex start = null;
    try {
      start = parse(store.get(pointerKey(tenant)), pointerKey(tenant));
    } catch (ObjectNotFoundException e) {
      // no pointer: a new tenant, or a crash before the first pointer write
    } catch (CorruptDataException e) {
      LOG.warn("index pointer of tenant {} is unreadable ({}); looking for the versioned files", tenant, e.getMessage());
    }
    if (start == null) {
      long max = maxListedVersion();
      if (max <= 0) {
        return null;
      }
      start = parse(store.get(versionKey(tenant, max)), versionKey(tenant, max));
    }
    return forward(start);
  }

  /** {@code known}, or the newer versions after it, up to the newest. */
  public TenantIndex forward(TenantIndex known) throws IOException {
    TenantIndex cur = known;
    while (true) {
      String next = versionKey(tenant, cur.version() + 1);
      byte[] bytes;
      try {
        bytes = store.get(next);
      } catch (ObjectNotFoundException e) {
        return cur;
      }
      cur = parse(bytes, next);
    }
  }

  /** True if a version after {@code version} exists. */
  public boolean newerExists(long version) throws IOException {
    return store.exists(versionKey(tenant, version + 1));
  }

  /** The highest version listed under {@code <tenant>/index/}, or 0. */
  public long maxListedVersion() throws IOException {
    long max = 0;
    for (String k : store.list(versionPrefix(tenant))) {
      max = Math.max(max, versionOf(k));
    }
    return max;
  }

  private long versionOf(String key) {
    String name = key.substring(versionPrefix(tenant).length());
    if (!name.endsWith(".json.gz")) {
      return -1;
    }
    try {
      return Long.parseLong(name.substring(0, name.length() - ".json.gz".length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private TenantIndex parse(byte[] bytes, String source) {
    TenantIndex index = TenantIndex.fromGzipJson(bytes, source);
    if (!index.tenant().equals(tenant)) {
      throw new CorruptDataException(source + " belongs to tenant " + index.tenant() + ", not " + tenant);
    }
    return index;
  }

  /**
   * Stores {@code index} as its version if no writer took that version first, then updates the
   * pointer (a failure there is logged: readers probe forward).
   *
   * @return false if the version already exists (re-read and re-apply the change)
   */
  public boolean tryWrite(TenantIndex index) throws IOException {
    byte[] bytes = index.toGzipJson();
    if (!store.putIfAbsent(versionKey(tenant, index.version()), bytes)) {
      return false;
    }
    try {
      if (!newerExists(index.version())) {
        store.put(pointerKey(tenant), bytes);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("index version {} of tenant {} is stored but its pointer could not be updated: {}; readers probe forward",
          index.version(), tenant, e.toString());
    }
    return true;
  }

  /** Deletes versions older than the newest {@value #KEEP_VERSIONS} below {@code latest}; returns how many. */
  public int pruneOld(long latest) throws IOException {
    int n = 0;
    List<String> keys = store.list(versionPrefix(tenant));
    for (String k : keys) {
      long v = versionOf(k);
      if (v > 0 && v <= latest - KEEP_VERSIONS) {
        store.delete(k);
        n++;
      }
    }
    return n;
  }
}
