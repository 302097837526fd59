package io.tracestore.core;

import io.tracestore.api.TraceStore;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The writing process of {@link MultiProcessTest}: appends batches {@code 0..n-1} of {@link
 * CrashChild#batch} with fsync ALWAYS to a directory store that cuts small blocks and never
 * compacts (another process is the compactor), printing {@code ack N} after each, then closes and
 * prints {@code done}.
 */
public final class WriterChild {
  private WriterChild() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int batches = Integer.parseInt(args[1]);
    try (TraceStore store = TraceStores.builder().directory(dir).fsyncPolicy(FsyncPolicy.ALWAYS)
        .maxBlockBytes(30_000).traceIdle(Duration.ofMillis(1)).maxBlockAge(Duration.ofMillis(50))
        .blockRetention(Duration.ofDays(36_500)).compactionInterval(Duration.ZERO)
        .indexPollInterval(Duration.ofMillis(50)).build()) {
      for (int n = 0; n < batches; n++) {
        store.append(CrashChild.batch(n));
        System.out.println("ack " + n);
        System.out.flush();
      }
    }
    System.out.println("done");
    System.out.flush();
  }
}
