package io.tracestore.benchmarks;

import io.tracestore.api.Span;
import io.tracestore.core.block.BlockWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Block encoding cost in spans per CPU-second of the encoding thread: {@code BlockWriter.encode}
 * (default options) of {@code spans} generated spans (seed 42) cut into blocks of {@code perBlock},
 * repeated for {@code rounds} rounds; prints each round and the best. Thread CPU time, unlike JMH's
 * wall-clock throughput, is little disturbed by other processes on a shared machine. Not JMH: a
 * plain main.
 *
 * <p>With {@code -Dhelpers=N} (default 0) the writer has N helper threads for the row groups of a
 * block; the calling thread's CPU then misses theirs, so compare the wall-clock rate and the
 * process CPU (all threads) per span.
 *
 * <p>Run: {@code java -Xmx4g [-Dhelpers=1] -cp benchmarks/target/benchmarks.jar
 * io.tracestore.benchmarks.BlockEncodeCpuBenchmark [spans=1000000] [perBlock=100000] [rounds=6]}.
 */
public final class BlockEncodeCpuBenchmark {
  private BlockEncodeCpuBenchmark() {}

  public static void main(String[] args) {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int perBlock = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
    List<Span> all = Workloads.spans(42, total);
    List<List<Span>> blocks = new ArrayList<>();
    for (int i = 0; i + perBlock <= total; i += perBlock) {
      blocks.add(new ArrayList<>(all.subList(i, i + perBlock)));
    }
    int helpers = Integer.getInteger("helpers", 0);
    java.util.concurrent.ExecutorService pool = helpers == 0 ? null : java.util.concurrent.Executors.newFixedThreadPool(helpers, r -> {
      Thread t = new Thread(r, "encode-helper");
      t.setDaemon(true);
      return t;
    });
    BlockWriter writer = new BlockWriter(BlockWriter.Options.DEFAULT, pool, helpers);
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double best = 0;
    for (int r = 0; r < rounds; r++) {
      long cpu0 = threads.getCurrentThreadCpuTime();
      long process0 = os.getProcessCpuTime();
      long wall0 = System.nanoTime();
      long bytes = 0;
      long spans = 0;
      for (List<Span> block : blocks) {
        bytes += writer.encode("bench", block).data().length;
        spans += block.size();
      }
      double cpuS = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
      double wallS = (System.nanoTime() - wall0) / 1e9;
      double processS = (os.getProcessCpuTime() - process0) / 1e9;
      best = Math.max(best, spans / cpuS);
      System.out.printf("round %d: %d spans in %d blocks, %.0f spans/CPU-s (encoding thread), %.0f spans/wall-s, "
              + "%.0f spans/process-CPU-s, %.2f bytes/span%n",
          r, spans, blocks.size(), spans / cpuS, spans / wallS, spans / processS, (double) bytes / spans);
    }
    System.out.printf("best: %.0f spans per CPU-second of the encoding thread%n", best);
  }
}
