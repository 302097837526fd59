package io.tracestore.benchmarks;

import io.tracestore.api.Span;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.TraceStoreConfig;
import io.tracestore.core.TraceStores;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.storage.local.LocalObjectStore;
import io.tracestore.testing.WorkloadGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The spans {@link SearchVsDuckDbBenchmark} searches with both engines: the seeded workload (seed
 * 42) written by a directory store into blocks of about {@value #SPANS_PER_BLOCK} spans, each cut
 * at a trace boundary so that every trace lives whole in one block (one {@code flush()} per
 * block). DuckDB reads the same {@code data.parquet} files.
 *
 * <p>The directory is {@code <base>/spans-<spans>-format<version>}, where {@code <base>} is the
 * system property {@value #DIR_PROPERTY} or, by default, {@code tracestore-bench-search/} next to
 * the benchmarks jar (i.e. under {@code benchmarks/target/}). It is generated once and reused while
 * its marker file {@value #MARKER} exists: the marker is written last, so an interrupted generation
 * is started over. Generate ahead of a run (e.g. 10 M spans take several minutes) with {@code java
 * -cp benchmarks/target/benchmarks.jar io.tracestore.benchmarks.SearchDataset 10000000}.
 */
public final class SearchDataset {
  /** System property naming the base directory of the generated datasets. */
  public static final String DIR_PROPERTY = "tracestore.bench.dir";
  /** Written last: its presence means the directory is complete. */
  public static final String MARKER = "COMPLETE";
  /** Spans per block, about (blocks end at a trace boundary). */
  public static final int SPANS_PER_BLOCK = 250_000;
  /** Stored trace ids drawn for the trace-by-id query. */
  public static final int SAMPLE_IDS = 256;

  private static final long SEED = 42;
  private static final String IDS_FILE = "sample-trace-ids.bin";

  /** The store directory (its blocks are under {@code data/<tenant>/blocks/}). */
  public final Path dir;
  /** Spans stored (whole traces, so slightly more than asked). */
  public final long spans;
  /** Traces stored. */
  public final long traces;
  /** {@value #SAMPLE_IDS} stored trace ids drawn at random (seed 7). */
  public final List<TraceId> sampleIds;

  private SearchDataset(Path dir, long spans, long traces, List<TraceId> sampleIds) {
    this.dir = dir;
    this.spans = spans;
    this.traces = traces;
    this.sampleIds = sampleIds;
  }

  /** The dataset of at least {@code spans} spans, generated first if it does not exist complete. */
  public static SearchDataset ensure(int spans) {
    Path dir = directory(spans);
    try {
      if (!Files.exists(dir.resolve(MARKER))) {
        Workloads.deleteRecursively(dir);
        Files.createDirectories(dir);
        generate(dir, spans);
      }
      return load(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Spans stored in the complete dataset of {@code spans} spans, or {@code spans} if there is none. */
  public static long storedSpans(int spans) {
    Path dir = directory(spans);
    try {
      return Files.exists(dir.resolve(MARKER)) ? load(dir).spans : spans;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path directory(int spans) {
    return baseDirectory().resolve("spans-" + spans + "-format" + BlockMeta.FORMAT_VERSION);
  }

  /** The glob DuckDB's {@code read_parquet} takes for every block of the dataset. */
  public String parquetGlob() {
    return dir.resolve("data").resolve(TraceStoreConfig.DEFAULT_TENANT).resolve("blocks")
        .toAbsolutePath() + "/*/data.parquet";
  }

  /**
   * A read-only store over the blocks, without a write-ahead log, searching on the calling thread
   * only (so its figures are per core) and never compacting.
   */
  public TraceStore openStore() {
    try {
      return TraceStores.builder()
          .ownedObjectStore(new LocalObjectStore(dir.resolve("data")))
          .searchThreads(1)
          .compactionInterval(java.time.Duration.ZERO)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path baseDirectory() {
    String configured = System.getProperty(DIR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    try {
      Path jar = Path.of(SearchDataset.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return jar.getParent().resolve("tracestore-bench-search"); // jar: target/x.jar, IDE: target/classes
    } catch (Exception e) {
      return Path.of("benchmarks", "target", "tracestore-bench-search");
    }
  }

  private static void generate(Path dir, int spans) throws IOException {
    long t0 = System.nanoTime();
    WorkloadGenerator generator = new WorkloadGenerator(SEED);
    List<TraceId> ids = new ArrayList<>();
    long written = 0;
    int blocks = 0;
    // no write-ahead log: each block is flushed at once, and the benchmark only reads
    try (TraceStore store = TraceStores.builder()
        .ownedObjectStore(new LocalObjectStore(dir.resolve("data")))
        .maxBlockBytes(Long.MAX_VALUE).maxBlockAge(Duration.ofDays(1)).build()) {
      while (written < spans) {
        List<Span> block = new ArrayList<>(SPANS_PER_BLOCK + 5_000);
        while (block.size() < SPANS_PER_BLOCK && written + block.size() < spans) {
          List<Span> trace = generator.nextTraceSpans();
          ids.add(trace.get(0).traceId());
          block.addAll(trace);
        }
        store.append(block);
        store.flush();
        written += block.size();
        blocks++;
        System.out.printf("SearchDataset: block %d, %,d spans so far, %.0f s%n", blocks, written,
            (System.nanoTime() - t0) / 1e9);
      }
    }
    Random random = new Random(7);
    ByteBuffer buf = ByteBuffer.allocate(SAMPLE_IDS * TraceId.BYTES);
    for (int i = 0; i < SAMPLE_IDS; i++) {
      TraceId id = ids.get(random.nextInt(ids.size()));
      buf.putLong(id.high()).putLong(id.low());
    }
    Files.write(dir.resolve(IDS_FILE), buf.array());
    String marker = "spans=" + written + "\ntraces=" + ids.size() + "\nblocks=" + blocks + "\n";
    Files.writeString(dir.resolve(MARKER), marker, StandardCharsets.UTF_8);
    System.out.printf("SearchDataset: %s: %,d spans, %,d traces, %d blocks in %.0f s%n", dir, written,
        ids.size(), blocks, (System.nanoTime() - t0) / 1e9);
  }

  private static SearchDataset load(Path dir) throws IOException {
    long spans = 0;
    long traces = 0;
    for (String line : Files.readAllLines(dir.resolve(MARKER), StandardCharsets.UTF_8)) {
      if (line.startsWith("spans=")) {
        spans = Long.parseLong(line.substring(6));
      } else if (line.startsWith("traces=")) {
        traces = Long.parseLong(line.substring(7));
      }
    }
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(IDS_FILE)));
    List<TraceId> ids = new ArrayList<>(SAMPLE_IDS);
    while (buf.hasRemaining()) {
      ids.add(TraceId.of(buf.getLong(), buf.getLong()));
    }
    return new SearchDataset(dir, spans, traces, List.copyOf(ids));
  }

  /** Generates the dataset of {@code args[0]} spans (default 10,000,000) unless it exists complete. */
  public static void main(String[] args) {
    int spans = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 10_000_000;
    SearchDataset d = ensure(spans);
    System.out.printf("SearchDataset: %s complete: %,d spans, %,d traces%n", d.dir, d.spans, d.traces);
  }
}
