package io.tracestore.benchmarks;

import io.tracestore.api.Span;
import io.tracestore.api.TraceStore;
import io.tracestore.core.FsyncPolicy;
import io.tracestore.core.TraceStores;
import io.tracestore.core.storage.InMemoryObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Acknowledged append throughput, in spans per second (one operation = one span; each call appends
 * a batch of {@value #BATCH} realistic spans).
 *
 * <p><b>What is measured:</b> {@code TraceStore.append} until it returns, i.e. until the spans are
 * acknowledged: validation, for the WAL stores encoding the batch and writing it to the log (plus an
 * fsync per call with {@code wal-always}; with {@code wal-interval} a background thread fsyncs every
 * 200 ms while the benchmark runs), and insertion into the in-memory head.
 *
 * <p><b>What is not measured:</b> cutting the head into a Parquet block. The stores are built with
 * {@code maxBlockBytes = Long.MAX_VALUE} and {@code maxBlockAge = 1 day}, so no cut runs during an
 * iteration; block writing is measured by {@link BlockWriteBenchmark}. A sustained ingest rate is
 * bounded by the slower of the two.
 *
 * <p><b>Memory:</b> every iteration gets a fresh store (and a fresh temporary directory for the WAL
 * stores), closed at the end of the iteration, so the head holds at most one iteration's spans. The
 * close writes the head as one block; that takes a while but is outside the measurement.
 *
 * <p><b>Spans:</b> a pool of {@value #POOL_BATCHES} batches generated once per fork by {@code
 * WorkloadGenerator} (seed 42). Before each call (outside the measurement) the next pooled batch
 * is copied with its trace ids remapped to a fresh set, so every call appends new traces, as a
 * live system does, instead of growing traces already in the head.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class AppendBenchmark {
  static final int BATCH = 1_000;
  static final int POOL_BATCHES = 200;

  /** {@code memory}: TraceStores.inMemory() (no WAL); {@code wal-interval}, {@code wal-always}: a local directory store. */
  @Param({"memory", "wal-interval", "wal-always"})
  public String store;

  private List<List<Span>> pool;
  private final AtomicLong calls = new AtomicLong();
  private TraceStore traceStore;
  private Path dir;

  @Setup(Level.Trial)
  public void generate() {
    pool = Workloads.batches(42, POOL_BATCHES, BATCH);
  }

  @Setup(Level.Iteration)
  public void openStore() {
    switch (store) {
      case "memory" -> traceStore = TraceStores.builder()
          .objectStore(new InMemoryObjectStore())
          .maxBlockBytes(Long.MAX_VALUE)
          .maxBlockAge(Duration.ofDays(1))
          .build();
      case "wal-interval", "wal-always" -> {
        dir = Workloads.tempDirectory("tracestore-bench-append-");
        traceStore = TraceStores.builder()
            .directory(dir)
            .fsyncPolicy(store.equals("wal-always") ? FsyncPolicy.ALWAYS : FsyncPolicy.INTERVAL)
            .maxBlockBytes(Long.MAX_VALUE)
            .maxBlockAge(Duration.ofDays(1))
            .build();
      }
      default -> throw new IllegalArgumentException("unknown store " + store);
    }
  }

  @TearDown(Level.Iteration)
  public void closeStore() {
    traceStore.close();
    traceStore = null;
    Workloads.deleteRecursively(dir);
    dir = null;
  }

  /** The batch the next call appends; prepared outside the measurement. */
  @State(Scope.Thread)
  public static class NextBatch {
    List<Span> spans;

    @Setup(Level.Invocation)
    public void prepare(AppendBenchmark b) {
      long n = b.calls.getAndIncrement();
      spans = Workloads.relabel(b.pool.get((int) (n % POOL_BATCHES)), n + 1);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void append(NextBatch batch) {
    traceStore.append(batch.spans);
  }
}
