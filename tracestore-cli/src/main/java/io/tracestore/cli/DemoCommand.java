package io.tracestore.cli;

import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.StatusCode;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.api.TraceStoreException;
import io.tracestore.core.FsyncPolicy;
import io.tracestore.core.TraceStores;
import io.tracestore.core.block.BlockCatalog;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.storage.local.LocalObjectStore;
import io.tracestore.testing.WorkloadGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tracestore demo}: generates realistic traces, stores them durably, cuts them into Parquet
 * blocks, and looks traces up, printing rates and timings.
 */
@Command(name = "demo", description = "Generate realistic traces, store them, and look some up, with timings.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--store", paramLabel = "DIR", description = "Store directory (default: a new directory under the system temp dir).")
  Path store;

  @Option(names = "--spans", defaultValue = "200000", description = "How many spans to generate (default: ${DEFAULT-VALUE}).")
  int spans;

  @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Spec CommandSpec spec;

  /** Queries that show the language on the generated workload. */
  static final List<String> QUERIES = List.of(
      "{ resource.service.name = \"checkout\" && duration > 2s && status = error }",
      "{ resource.service.name = \"frontend\" } >> { resource.service.name = \"checkout\" && status = error }",
      "{ span.http.status_code >= 500 } | count() > 1",
      "{ span.http.route =~ \"/cart.*\" && kind = server }",
      "{ kind = server && duration > 1s } | avg(duration) > 1500ms",
      "{ status = error } | by(resource.service.name)");

  @Override
  public Integer call() throws IOException {
    if (spans <= 0) {
      throw new Main.UserException("--spans must be positive, got " + spans);
    }
    PrintWriter out = spec.commandLine().getOut();
    Path dir = store != null ? store : Files.createTempDirectory("tracestore-demo-");
    out.printf("TraceStore demo: %,d spans into %s%n%n", spans, dir);

    long t0 = System.nanoTime();
    // traces of the last few minutes, so --start -1h and retention see them as recent
    WorkloadGenerator generator = new WorkloadGenerator(io.tracestore.testing.WorkloadConfig.ofSeed(seed)
        .withStart(java.time.Instant.now().minus(java.time.Duration.ofMinutes(5))));
    List<List<Span>> traces = new ArrayList<>();
    long generated = 0;
    while (generated < spans) {
      List<Span> t = generator.nextTraceSpans();
      traces.add(t);
      generated += t.size();
    }
    long t1 = System.nanoTime();
    out.printf("generated %,d spans in %,d traces (%s)%n", generated, traces.size(), seconds(t1 - t0));

    try (TraceStore s = TraceStores.builder().directory(dir).fsyncPolicy(FsyncPolicy.INTERVAL).build()) {
      long a0 = System.nanoTime();
      List<Span> batch = new ArrayList<>(1_000);
      for (List<Span> t : traces) {
        batch.addAll(t);
        if (batch.size() >= 1_000) {
          s.append(batch);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        s.append(batch);
      }
      long a1 = System.nanoTime();
      out.printf("appended  %,d spans in %s: %,.0f spans/s acknowledged (write-ahead log, fsync every 200 ms)%n",
          generated, seconds(a1 - a0), generated / ((a1 - a0) / 1e9));
      s.flush();
      long a2 = System.nanoTime();
      out.printf("cut block %,d spans in %s: %,.0f spans/s into Parquet (ZSTD)%n", generated, seconds(a2 - a1),
          generated / ((a2 - a1) / 1e9));
      try (LocalObjectStore objects = new LocalObjectStore(dir.resolve("data"))) {
        List<BlockMeta> blocks = BlockCatalog.load(objects, "single-tenant").committed();
        long bytes = blocks.stream().mapToLong(BlockMeta::dataSize).sum();
        long blockSpans = blocks.stream().mapToLong(BlockMeta::spanCount).sum();
        out.printf("stored    %d block(s), %,d bytes, %.1f bytes/span%n%n", blocks.size(), bytes, (double) bytes / blockSpans);
      }

      // trace lookups: an error trace, the largest trace, and random ones
      Random r = new Random(seed);
      List<Span> errorTrace = null;
      List<Span> largest = traces.get(0);
      for (List<Span> t : traces) {
        if (errorTrace == null && t.size() >= 4 && t.size() <= 25 && t.stream().anyMatch(x -> x.statusCode() == StatusCode.ERROR)) {
          errorTrace = t;
        }
        if (t.size() > largest.size()) {
          largest = t;
        }
      }
      List<TraceId> lookups = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        lookups.add(traces.get(r.nextInt(traces.size())).get(0).traceId());
      }
      s.findTrace(lookups.get(0)); // loads the block's footer and bloom filter
      long l0 = System.nanoTime();
      long found = 0;
      for (TraceId id : lookups) {
        found += s.findTrace(id).map(tr -> tr.spans().size()).orElse(0);
      }
      long l1 = System.nanoTime();
      out.printf("trace by id: %d random lookups, %,d spans, %.1f µs per lookup (warm)%n", lookups.size(), found,
          (l1 - l0) / 1e3 / lookups.size());
      long b0 = System.nanoTime();
      Trace big = s.findTrace(largest.get(0).traceId()).orElseThrow();
      long b1 = System.nanoTime();
      out.printf("trace by id: the largest trace, %,d spans, in %.1f ms%n", big.spans().size(), (b1 - b0) / 1e6);
      long absent0 = System.nanoTime();
      for (int i = 0; i < 1000; i++) {
        s.findTrace(TraceId.of(r.nextLong(), r.nextLong() | 1));
      }
      long absent1 = System.nanoTime();
      out.printf("trace by id: absent ids, %.1f µs per lookup (bloom filter)%n%n", (absent1 - absent0) / 1e3 / 1000);

      if (errorTrace != null) {
        out.println("an error trace:");
        TraceTree.print(s.findTrace(errorTrace.get(0).traceId()).orElseThrow(), out);
        out.println();
      }
      out.println("TraceQL searches (the 5 newest matching traces of each):");
      for (String q : QUERIES) {
        out.println();
        out.println("> " + q);
        try {
          s.search(SearchRequest.of(q).withLimit(5)); // first run: decodes the predicate columns into the cache
          long q0 = System.nanoTime();
          SearchResult result = s.search(SearchRequest.of(q).withLimit(5));
          long q1 = System.nanoTime();
          ResultTable.print(result, out);
          SearchResult.Metrics m = result.metrics();
          out.printf("%d trace(s) shown, %,d trace(s) decoded, %d of %d row groups and %,d of %,d pages scanned, %.1f ms (cached columns)%n",
              result.traces().size(), m.tracesInspected(), m.rowGroupsInspected(),
              m.rowGroupsInspected() + m.rowGroupsPruned(), m.pagesInspected(), m.pagesInspected() + m.pagesPruned(), (q1 - q0) / 1e6);
        } catch (TraceStoreException e) {
          out.println("not available: " + Main.firstLine(e.getMessage()));
        }
      }
      out.println();
      out.println("try next:");
      out.printf("  ./tracestore query --store %s '{ status = error } | by(resource.service.name)'%n", dir);
      out.printf("  ./tracestore blocks --store %s%n", dir);
      out.printf("  ./tracestore trace --store %s %s%n", dir, errorTrace != null ? errorTrace.get(0).traceId() : lookups.get(0));
      out.printf("  ./tracestore verify --store %s%n", dir);
      out.printf("  duckdb -c \"SELECT service_name, count(*) FROM '%s/data/single-tenant/blocks/*/data.parquet' GROUP BY 1\"%n", dir);
    }
    out.flush();
    return 0;
  }

  private static String seconds(long nanos) {
    return String.format("%.2f s", nanos / 1e9);
  }
}
