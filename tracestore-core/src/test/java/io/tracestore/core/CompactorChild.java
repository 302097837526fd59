package io.tracestore.core;

import io.tracestore.api.TraceStore;
import io.tracestore.core.block.BlockTombstone;
import io.tracestore.core.storage.InMemoryObjectStore;
import io.tracestore.spi.ObjectStore;
import io.tracestore.storage.local.LocalObjectStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The compacting process of {@link MultiWriterProcessTest}, killed and restarted by it.
 *
 * <p>First warms up on a store in memory (cuts two blocks and merges them, so that the shared store is
 * compacted by warm code: a cold JVM needs about a second for its first merge), prints {@code warm}
 * and waits for a line {@code go [POINT]} on stdin (the test starts the next compactor while the
 * current one runs, and lets it go once the current one is dead: one compactor at a time). Then
 * opens a store on {@code DIR/data} without a write-ahead log (it never appends), prints {@code
 * ready}, and loops {@link TraceStore#compact()} with a pause of {@code PAUSE_MILLIS} between calls,
 * printing {@code compacting} before each call and {@code compacted N} (blocks removed) after it,
 * or {@code failed <exception>} if it threw. Runs until killed.
 *
 * <p>With a {@code POINT}, the first compaction output to reach that point of the commit protocol
 * stops there for good, after printing {@code holding POINT BLOCK_ID}, for the test to kill it:
 * {@code before-data} (its pending entry is in the index, nothing uploaded), {@code before-meta}
 * ({@code data.parquet} uploaded, no {@code meta.json}) or {@code after-meta} (committed: {@code
 * meta.json} stored, the index still lists it as pending).
 *
 * <p>Arguments: {@code DIR PAUSE_MILLIS}.
 */
public final class CompactorChild {
  /** The points of the commit protocol a compactor can be held at. */
  static final List<String> HOLD_POINTS = List.of("before-data", "before-meta", "after-meta");

  private CompactorChild() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Path dir = Path.of(args[0]);
    long pauseMillis = Long.parseLong(args[1]);
    warmUp();
    System.out.println("warm");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String go;
    do {
      go = in.readLine();
      if (go == null) {
        return; // the test ended without needing this compactor
      }
    } while (!go.startsWith("go"));
    String hold = go.length() > 3 ? go.substring(3) : null;
    ObjectStore objects = new HoldingStore(new LocalObjectStore(dir.resolve("data")), hold);
    TraceStore store = TraceStores.builder().ownedObjectStore(objects)
        .blockRetention(Duration.ofDays(36_500)).compactionInterval(Duration.ZERO)
        .indexPollInterval(Duration.ofMillis(50)).build();
    System.out.println("ready");
    System.out.flush();
    while (true) {
      System.out.println("compacting");
      System.out.flush();
      String result;
      try {
        result = "compacted " + store.compact();
      } catch (RuntimeException e) {
        result = "failed " + e;
      }
      System.out.println(result);
      System.out.flush();
      Thread.sleep(pauseMillis);
    }
  }

  /** Cuts two blocks in memory and merges them, so that compacting the shared store runs warm code. */
  private static void warmUp() {
    try (TraceStore warm = TraceStores.builder().objectStore(new InMemoryObjectStore())
        .blockRetention(Duration.ofDays(36_500)).compactionInterval(Duration.ZERO).build()) {
      for (int b = 0; b < 2; b++) {
        warm.append(WriterChild.batch(1_000, b));
        warm.flush();
      }
      warm.compact();
    }
  }

  /**
   * Forwards every call to a store, except that the first block upload reaching {@code point} (one
   * of {@link #HOLD_POINTS}, or null for none) prints {@code holding POINT BLOCK_ID} and blocks
   * its thread until the process is killed.
   */
  private static final class HoldingStore implements ObjectStore {
    private final ObjectStore store;
    private final String point;

    HoldingStore(ObjectStore store, String point) {
      this.store = store;
      this.point = point;
      if (point != null && !HOLD_POINTS.contains(point)) {
        throw new IllegalArgumentException("no hold point " + point);
      }
    }

    private void holdIf(String here, String key) {
      if (here.equals(point) && key.contains("/blocks/")) {
        String id = key.substring(key.indexOf("/blocks/") + 8, key.lastIndexOf('/'));
        System.out.println("holding " + here + " " + id);
        System.out.flush();
        while (true) {
          try {
            Thread.sleep(Long.MAX_VALUE);
          } catch (InterruptedException e) {
            // held until killed
          }
        }
      }
    }

    @Override
    public void put(String key, byte[] data) throws IOException {
      boolean blockData = key.endsWith("/data.parquet");
      if (blockData) {
        holdIf("before-data", key);
      }
      store.put(key, data);
      if (blockData) {
        holdIf("before-meta", key);
      }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] data) throws IOException {
      boolean created = store.putIfAbsent(key, data);
      if (created && key.endsWith("/meta.json") && !BlockTombstone.is(data)) {
        holdIf("after-meta", key);
      }
      return created;
    }

    @Override
    public byte[] get(String key) throws IOException {
      return store.get(key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) throws IOException {
      return store.getRange(key, offset, length);
    }

    @Override
    public long size(String key) throws IOException {
      return store.size(key);
    }

    @Override
    public boolean exists(String key) throws IOException {
      return store.exists(key);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
      return store.list(prefix);
    }

    @Override
    public boolean delete(String key) throws IOException {
      return store.delete(key);
    }

    @Override
    public void close() throws IOException {
      store.close();
    }
  }
}
