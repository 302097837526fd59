package io.tracestore.core;

import io.tracestore.api.Span;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A writing process of {@link MultiProcessTest} and {@link MultiWriterProcessTest}: appends batches
 * {@code 0..n-1} of {@link #batch} with fsync ALWAYS to a directory store that cuts small blocks and
 * never compacts (another process is the compactor), printing {@code ack N} after each, then closes
 * and prints {@code done}.
 *
 * <p>Arguments: {@code DIR BATCHES [WRITER [PAUSE_MILLIS]]}. Without {@code WRITER} the store keeps
 * its log in {@code DIR/wal/<tenant>} and writes {@link CrashChild#batch}; writer {@code w} keeps
 * its own log in {@code DIR/wal-w} (several writers share {@code DIR/data}, one per WAL) and writes
 * {@code batch(w, n)}, sleeping {@code PAUSE_MILLIS} (default 0) after each batch.
 */
public final class WriterChild {
  private WriterChild() {}

  /**
   * The spans of writer {@code writer}'s batch {@code n}: {@link CrashChild#batch} with the writer
   * number in the upper half of the trace id's high word, so writers never share a trace. Writer 0's
   * batches are {@link CrashChild#batch}'s.
   */
  static List<Span> batch(int writer, long n) {
    List<Span> spans = new ArrayList<>();
    for (Span s : CrashChild.batch(n)) {
      spans.add(s.toBuilder().traceId(TraceId.of(((long) writer << 32) + n + 1, s.traceId().low())).build());
    }
    return spans;
  }

  public static void main(String[] args) throws InterruptedException {
    Path dir = Path.of(args[0]);
    int batches = Integer.parseInt(args[1]);
    Integer writer = args.length > 2 ? Integer.valueOf(args[2]) : null;
    long pauseMillis = args.length > 3 ? Long.parseLong(args[3]) : 0;
    TraceStores.Builder builder = TraceStores.builder().directory(dir).fsyncPolicy(FsyncPolicy.ALWAYS)
        .maxBlockBytes(30_000).traceIdle(Duration.ofMillis(1)).maxBlockAge(Duration.ofMillis(50))
        .blockRetention(Duration.ofDays(36_500)).compactionInterval(Duration.ZERO)
        .indexPollInterval(Duration.ofMillis(50));
    if (writer != null) {
      builder.walDirectory(dir.resolve("wal-" + writer));
    }
    try (TraceStore store = builder.build()) {
      for (int n = 0; n < batches; n++) {
        store.append(writer == null ? CrashChild.batch(n) : batch(writer, n));
        System.out.println("ack " + n);
        System.out.flush();
        if (pauseMillis > 0) {
          Thread.sleep(pauseMillis);
        }
      }
    }
    System.out.println("done");
    System.out.flush();
  }
}
