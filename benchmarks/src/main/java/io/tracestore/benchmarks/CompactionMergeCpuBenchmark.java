package io.tracestore.benchmarks;

import io.tracestore.api.Span;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.core.block.BlockReader;
import io.tracestore.core.block.BlockWriter;
import io.tracestore.core.storage.InMemoryObjectStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The CPU of one compaction merge, in spans per CPU-second of the merging thread: {@code inputs}
 * blocks of {@code perBlock} generated spans (seed 42) are stored once in memory; each round reads
 * every span of them ({@code BlockReader.readAll}, as a compaction does) and encodes them as one
 * block ({@code BlockWriter.encode}, default options, no helper threads). Prints each round, then
 * the median of the last two thirds for the read, the encode and both. Thread CPU time, little
 * disturbed by other processes on a shared machine; compare two builds by running both jars one
 * after the other. Not JMH: a plain main.
 *
 * <p>Run: {@code java -Xms4g -Xmx4g -cp benchmarks/target/benchmarks.jar
 * io.tracestore.benchmarks.CompactionMergeCpuBenchmark [perBlock=250000] [inputs=4] [rounds=9]}.
 */
public final class CompactionMergeCpuBenchmark {
  private CompactionMergeCpuBenchmark() {}

  public static void main(String[] args) {
    int perBlock = args.length > 0 ? Integer.parseInt(args[0]) : 250_000;
    int inputs = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 9;
    List<Span> all = Workloads.spans(42, perBlock * inputs);
    BlockWriter writer = new BlockWriter(BlockWriter.Options.DEFAULT);
    InMemoryObjectStore store = new InMemoryObjectStore();
    List<BlockReader> readers = new ArrayList<>();
    for (int i = 0; i < inputs; i++) {
      BlockMeta meta = writer.write(store, "bench", all.subList(i * perBlock, (i + 1) * perBlock));
      readers.add(new BlockReader(store, meta));
    }
    all = null;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[] read = new double[rounds];
    double[] encode = new double[rounds];
    double[] both = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long c0 = threads.getCurrentThreadCpuTime();
      List<Span> spans = new ArrayList<>();
      for (BlockReader reader : readers) {
        spans.addAll(reader.readAll());
      }
      long c1 = threads.getCurrentThreadCpuTime();
      long bytes = writer.encode("bench", spans).data().length;
      long c2 = threads.getCurrentThreadCpuTime();
      read[r] = spans.size() / ((c1 - c0) / 1e9);
      encode[r] = spans.size() / ((c2 - c1) / 1e9);
      both[r] = spans.size() / ((c2 - c0) / 1e9);
      System.out.printf("round %d: %,d spans from %d blocks: read %,.0f, encode %,.0f, merge %,.0f spans/CPU-s; %.2f bytes/span%n",
          r, spans.size(), inputs, read[r], encode[r], both[r], (double) bytes / spans.size());
    }
    System.out.printf("median of the last %d rounds (spans per CPU-second of the merging thread): read %,.0f, encode %,.0f, merge %,.0f%n",
        rounds - rounds / 3, median(read), median(encode), median(both));
  }

  private static double median(double[] rounds) {
    double[] kept = Arrays.copyOfRange(rounds, rounds.length / 3, rounds.length);
    Arrays.sort(kept);
    return kept[kept.length / 2];
  }
}
