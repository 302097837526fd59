package io.tracestore.benchmarks;

import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.TraceStores;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.core.block.BlockWriter;
import io.tracestore.storage.local.LocalObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Trace-by-id latency over a local-directory store of {@code blocks} blocks of {@code
 * spansPerBlock} spans (default 100 × 10,000 = 1,000,000 spans), built by appending the seeded
 * workload (seed 42) and calling {@code flush()} after each {@code spansPerBlock} spans. Each call
 * looks up one id taken in turn from 1,024 ids drawn at random (seed 7): for {@code present}, among
 * the trace ids stored; for {@code absent}, random ids that are not stored (they fall inside every
 * block's trace-id range, so only the bloom filters can rule a block out).
 *
 * <ul>
 *   <li><b>warm</b>: one store instance for the whole fork, opened on the directory's {@code data/}
 *       (as the cold store is, without a WAL) before the
 *       first iteration and primed with one absent and one present lookup, which load every
 *       block's footer and trace-id bloom filters into its {@code BlockReader} (random ids fall
 *       inside every block's trace-id range).
 *   <li><b>cold</b>: before each call (outside the measurement) a new {@code LocalObjectStore} and
 *       a new {@code TraceStore} are opened on the directory's {@code data/} and closed after the
 *       call. So the measured call starts with no block footer, no bloom filter and no other state
 *       of TraceStore in memory: it reads the footer and bloom filters of every block it cannot rule
 *       out by its meta's trace-id range. Opening the store (listing the blocks, reading their
 *       {@code meta.json}) is not measured. The cold store has no WAL (a store opened with {@code
 *       directory()} would add an empty WAL segment on every open). The OS page cache is
 *       <b>not</b> cleared: the files are read from memory, not from the disk.
 * </ul>
 *
 * <p>The directory is built once and reused by later forks: {@code
 * ${java.io.tmpdir}/tracestore-bench-tracebyid-<blocks>x<spansPerBlock>-<jar mtime>}; a rebuilt
 * benchmarks jar builds a new one. Delete {@code /tmp/tracestore-bench-*} to reclaim the space.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class TraceByIdBenchmark {
  static final int IDS = 1_024;

  /** The directory with the blocks and the ids to look up; shared by both modes. */
  @State(Scope.Benchmark)
  public static class Data {
    @Param("100")
    public int blocks;

    @Param("10000")
    public int spansPerBlock;

    Path dir;
    TraceId[] present;
    TraceId[] absent;

    @Setup(Level.Trial)
    public void prepare() throws IOException {
      String version = "format" + BlockMeta.FORMAT_VERSION + "-" + codeVersion();
      dir = Path.of(System.getProperty("java.io.tmpdir"))
          .resolve("tracestore-bench-tracebyid-" + blocks + "x" + spansPerBlock + "-" + version);
      Path ids = dir.resolve("trace-ids.bin");
      if (!Files.exists(ids)) {
        Workloads.deleteRecursively(dir);
        build(ids);
      }
      List<TraceId> stored = readIds(ids);
      Set<TraceId> storedSet = new HashSet<>(stored);
      Random random = new Random(7);
      present = new TraceId[IDS];
      absent = new TraceId[IDS];
      for (int i = 0; i < IDS; i++) {
        present[i] = stored.get(random.nextInt(stored.size()));
        TraceId a;
        do {
          a = TraceId.of(random.nextLong(), random.nextLong());
        } while (!a.isValid() || storedSet.contains(a));
        absent[i] = a;
      }
      System.out.printf("%nTraceByIdBenchmark: %s: %d blocks, %d traces, %d bytes on disk%n",
          dir, blocks, stored.size(), Workloads.sizeOf(dir));
    }

    private void build(Path ids) throws IOException {
      long t0 = System.nanoTime();
      List<TraceId> traceIds = Workloads.writeBlocks(dir, blocks, spansPerBlock);
      ByteBuffer buf = ByteBuffer.allocate(traceIds.size() * TraceId.BYTES);
      for (TraceId id : traceIds) {
        buf.putLong(id.high()).putLong(id.low());
      }
      Path tmp = dir.resolve("trace-ids.bin.tmp");
      Files.write(tmp, buf.array());
      Files.move(tmp, ids);
      System.out.printf("%nTraceByIdBenchmark: built %d blocks of %d spans in %.1f s%n",
          blocks, spansPerBlock, (System.nanoTime() - t0) / 1e9);
    }

    private static List<TraceId> readIds(Path ids) throws IOException {
      ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(ids));
      List<TraceId> out = new ArrayList<>(buf.remaining() / TraceId.BYTES);
      while (buf.hasRemaining()) {
        out.add(TraceId.of(buf.getLong(), buf.getLong()));
      }
      return out;
    }

    /** Changes whenever the benchmarks jar (which contains the core) is rebuilt. */
    private static String codeVersion() {
      try {
        Path jar = Path.of(BlockWriter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return Long.toString(Files.getLastModifiedTime(jar).toMillis(), 36);
      } catch (Exception e) {
        return "unknown";
      }
    }

    /** A store over the directory's blocks, without a WAL (nothing is appended). */
    TraceStore open(LocalObjectStore objects) {
      return TraceStores.builder().objectStore(objects).build();
    }

    LocalObjectStore objects() {
      try {
        return new LocalObjectStore(dir.resolve("data"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Which id the next call looks up. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    int advance() {
      int i = next;
      next = (i + 1) & (IDS - 1);
      return i;
    }
  }

  /** One store for the whole fork, caches primed. */
  @State(Scope.Benchmark)
  public static class Warm {
    LocalObjectStore objects;
    TraceStore store;

    @Setup(Level.Trial)
    public void open(Data data) {
      objects = data.objects();
      store = data.open(objects);
      // one lookup loads the footer and bloom filters of every block whose trace-id range covers
      // the id; random ids fall in every block's range, so this primes all blocks
      if (store.findTrace(data.absent[0]).isPresent()) {
        throw new IllegalStateException("absent id " + data.absent[0] + " found");
      }
      if (store.findTrace(data.present[0]).isEmpty()) {
        throw new IllegalStateException("stored id " + data.present[0] + " not found");
      }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      store.close();
      objects.close();
    }
  }

  /** A store opened just before each call, nothing cached. */
  @State(Scope.Thread)
  public static class Cold {
    LocalObjectStore objects;
    TraceStore store;

    @Setup(Level.Invocation)
    public void open(Data data) {
      objects = data.objects();
      store = data.open(objects);
    }

    @TearDown(Level.Invocation)
    public void close() throws IOException {
      store.close();
      objects.close();
    }
  }

  @Benchmark
  public Optional<Trace> warmPresent(Data data, Warm warm, Cursor cursor) {
    return warm.store.findTrace(data.present[cursor.advance()]);
  }

  @Benchmark
  public Optional<Trace> warmAbsent(Data data, Warm warm, Cursor cursor) {
    return warm.store.findTrace(data.absent[cursor.advance()]);
  }

  @Benchmark
  public Optional<Trace> coldPresent(Data data, Cold cold, Cursor cursor) {
    return cold.store.findTrace(data.present[cursor.advance()]);
  }

  @Benchmark
  public Optional<Trace> coldAbsent(Data data, Cold cold, Cursor cursor) {
    return cold.store.findTrace(data.absent[cursor.advance()]);
  }
}
