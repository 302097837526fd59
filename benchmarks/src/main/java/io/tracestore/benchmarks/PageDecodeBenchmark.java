package io.tracestore.benchmarks;

import io.tracestore.core.block.BlockWriter;
import io.tracestore.core.block.ChunkDecoding;
import io.tracestore.core.block.ColumnVector;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Column-chunk decoding into {@code ColumnVector}s, one thread: the vectorized {@code PageDecoder}
 * (with its fallback, as {@code BlockReader} runs it) against parquet-java's value-by-value {@code
 * ColumnReaderImpl} path. The block is {@value #SPANS} generated spans (seed 42) encoded with the
 * default {@link BlockWriter.Options} (10 row groups of 100,000 rows, ZSTD, v2 pages); its pages
 * are decompressed once in the setup, so an operation is pure decoding: every leaf column ({@code
 * columns=all}) or only the flat, non-list ones ({@code columns=flat}) of every row group.
 *
 * <p>The {@code values} counter is slots (leaf entries, nulls included) decoded per second: the
 * per-core figure to compare with DuckDB's. {@code millionSlotsPerCpuSecond} divides by the
 * benchmark thread's CPU time instead of wall time, which holds up where other processes share the
 * cores (GC threads' time is not in it; both decoders allocate the same vectors). It is a
 * per-iteration figure: JMH's summary table sums it over the iterations, so divide by {@code Cnt}. Setup prints {@code nproc}, the block's shape and
 * which columns fall back (lines starting with {@code PageDecodeBenchmark:}).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar PageDecodeBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class PageDecodeBenchmark {
  static final int SPANS = 1_000_000;

  /** {@code vectorized}: PageDecoder; {@code parquet-java}: ColumnReaderImpl value by value. */
  @Param({"vectorized", "parquet-java"})
  public String decoder;

  /** {@code all} leaf columns, or the {@code flat} ones only (no repetition: the span-level columns). */
  @Param({"all", "flat"})
  public String columns;

  private List<ChunkDecoding.Chunk> chunks;
  private long valuesPerPass;

  /** Slots decoded, reported per second of wall time. */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Values {
    public long values;

    @Setup(Level.Iteration)
    public void reset() {
      values = 0;
    }
  }

  /**
   * Per iteration, not rates: the benchmark thread's CPU milliseconds, and slots decoded per
   * CPU-second of that thread (in millions).
   */
  @AuxCounters(AuxCounters.Type.EVENTS)
  @State(Scope.Thread)
  public static class CpuTime {
    public long cpuMillis;
    public double millionSlotsPerCpuSecond;
    long cpuNanos;
    long slots;

    @Setup(Level.Iteration)
    public void reset() {
      cpuMillis = 0;
      millionSlotsPerCpuSecond = 0;
      cpuNanos = 0;
      slots = 0;
    }

    void add(long slotsDecoded, long nanos) {
      slots += slotsDecoded;
      cpuNanos += nanos;
      cpuMillis = cpuNanos / 1_000_000;
      millionSlotsPerCpuSecond = slots * 1e3 / cpuNanos;
    }
  }

  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  @Setup(Level.Trial)
  public void setup() {
    byte[] data = new BlockWriter(BlockWriter.Options.DEFAULT).encode("bench", Workloads.spans(42, SPANS)).data();
    List<ChunkDecoding.Chunk> all = ChunkDecoding.chunks(data);
    chunks = columns.equals("flat") ? all.stream().filter(c -> !c.path().contains(".list.")).toList() : all;
    valuesPerPass = chunks.stream().mapToLong(ChunkDecoding.Chunk::values).sum();
    Map<String, long[]> fallbacks = new TreeMap<>();
    for (ChunkDecoding.Chunk c : chunks) {
      if (!c.vectorized()) {
        fallbacks.computeIfAbsent(c.path(), k -> new long[1])[0] += c.values();
      }
    }
    System.out.println();
    System.out.printf("PageDecodeBenchmark: nproc=%d, %d bytes, %d row groups, %d chunks, %d slots per pass (%s columns)%n",
        Runtime.getRuntime().availableProcessors(), data.length, all.stream().mapToInt(ChunkDecoding.Chunk::rowGroup).max().orElse(-1) + 1,
        chunks.size(), valuesPerPass, columns);
    System.out.println("PageDecodeBenchmark: chunks falling back to parquet-java: " + (fallbacks.isEmpty() ? "none" : fallbacks.keySet()));
    if (decoder.equals("vectorized") && columns.equals("all")) {
      printPerColumn();
    }
  }

  /**
   * A rough per-column breakdown (not a JMH measurement: best of 3 passes after one warm-up pass,
   * summed over the row groups), slowest vectorized columns first.
   */
  private void printPerColumn() {
    Map<String, double[]> perColumn = new TreeMap<>(); // path -> {slots, vectorized ns, parquet-java ns}
    for (int pass = 0; pass < 4; pass++) {
      for (ChunkDecoding.Chunk c : chunks) {
        long t0 = System.nanoTime();
        c.decodeVectorized();
        long t1 = System.nanoTime();
        c.decodeWithParquetJava();
        long t2 = System.nanoTime();
        if (pass > 0) {
          double[] a = perColumn.computeIfAbsent(c.path() + " " + pass, k -> new double[3]);
          a[0] += c.values();
          a[1] += t1 - t0;
          a[2] += t2 - t1;
        }
      }
    }
    Map<String, double[]> best = new TreeMap<>();
    perColumn.forEach((k, a) -> best.merge(k.substring(0, k.lastIndexOf(' ')), a,
        (x, y) -> new double[] {x[0], Math.min(x[1], y[1]), Math.min(x[2], y[2])}));
    System.out.println("PageDecodeBenchmark: per column, M slots/s vectorized | parquet-java | ratio (slowest vectorized first):");
    best.entrySet().stream().sorted(java.util.Comparator.comparingDouble(e -> e.getValue()[0] / e.getValue()[1]))
        .forEach(e -> System.out.printf("PageDecodeBenchmark:   %-55s %9.1f | %7.1f | %5.1fx  (%d slots)%n", e.getKey(),
            e.getValue()[0] / e.getValue()[1] * 1e3, e.getValue()[0] / e.getValue()[2] * 1e3, e.getValue()[2] / e.getValue()[1],
            (long) e.getValue()[0]));
  }

  @Benchmark
  public void decode(Blackhole bh, Values counter, CpuTime cpu) {
    long t0 = THREADS.getCurrentThreadCpuTime();
    boolean vectorized = decoder.equals("vectorized");
    for (ChunkDecoding.Chunk c : chunks) {
      ColumnVector v = vectorized ? c.decodeVectorized() : c.decodeWithParquetJava();
      bh.consume(v);
    }
    counter.values += valuesPerPass;
    cpu.add(valuesPerPass, THREADS.getCurrentThreadCpuTime() - t0);
  }
}
