package io.tracestore.benchmarks;

import io.tracestore.api.Span;
import io.tracestore.core.block.BlockWriter;
import io.tracestore.core.block.BlockWriter.EncodedBlock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Block encoding throughput, in spans per second (one operation = one span): {@code
 * BlockWriter.encode} of {@value #SPANS} generated spans (seed 42, default {@link
 * BlockWriter.Options}) into one Parquet block in memory: trace layout, choice of dedicated
 * columns, Parquet encoding with ZSTD level 3, page indexes and the trace-id bloom filter. Storing
 * the bytes is not included.
 *
 * <p>Bytes per span ({@code data.length / spans}) and a per-column breakdown are printed once per
 * fork in the setup and again at the end (lines starting with {@code BlockWriteBenchmark:}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class BlockWriteBenchmark {
  static final int SPANS = 100_000;

  private List<Span> spans;
  private BlockWriter writer;
  private volatile EncodedBlock last;

  @Setup(Level.Trial)
  public void setup() {
    spans = Workloads.spans(42, SPANS);
    writer = new BlockWriter(BlockWriter.Options.DEFAULT);
    EncodedBlock block = writer.encode("bench", spans);
    System.out.println();
    System.out.println("BlockWriteBenchmark: " + summary(block));
    System.out.println("BlockWriteBenchmark: " + BlockStats.describe(block.data(), SPANS));
  }

  @TearDown(Level.Trial)
  public void report() {
    if (last != null) {
      System.out.println();
      System.out.println("BlockWriteBenchmark: " + summary(last));
    }
  }

  private static String summary(EncodedBlock block) {
    return String.format("%d spans, %d traces, %d row groups, %d bytes = %.2f bytes/span",
        block.meta().spanCount(), block.meta().traceCount(), block.meta().rowGroups().size(),
        block.data().length, (double) block.data().length / SPANS);
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public EncodedBlock encode() {
    EncodedBlock block = writer.encode("bench", spans);
    last = block;
    return block;
  }
}
