package io.tracestore.core.search.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.FsyncPolicy;
import io.tracestore.core.TraceStores;
import io.tracestore.core.block.BlockWriter;
import io.tracestore.core.search.reference.RefQuery.Pipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test (issue #4): random datasets x random queries, the engine's matched traces and
 * spans against {@link ReferenceEvaluator}'s, on an in-memory store and on a directory store, both
 * loaded in random batches with {@code flush()} at random points (so traces are split across blocks
 * and the head, and a few spans are stored twice).
 *
 * <p>Reproduce a failure with {@code -Ddiff.seed=<seed>}; {@code -Ddiff.datasets} and {@code
 * -Ddiff.queries} change the sizes. A failure prints the seed, the dataset, the store, the query
 * and the failing trace shrunk to the fewest spans that still disagree.
 */
@DisplayName("Differential: engine vs reference evaluator")
class DifferentialSearchTest {
  private static final long SEED = Long.getLong("diff.seed", 0x5EED_2026_0004L);
  private static final int DATASETS = Integer.getInteger("diff.datasets", 40);
  private static final int QUERIES = Integer.getInteger("diff.queries", 250);
  private static final int MAX_REPORTED = 6;

  @TempDir
  Path tmp;

  @Test
  @DisplayName("random queries over random datasets agree, in memory and on disk, blocks cut at random")
  void engineAgreesWithReference() throws Exception {
    long started = System.nanoTime();
    Random rnd = new Random(SEED);
    List<String> failures = new ArrayList<>();
    Set<String> failedQueries = new HashSet<>();
    int combinations = 0;
    int searches = 0;
    int matching = 0;
    long[] phase = new long[4]; // load, reference, in-memory search, directory search
    for (int d = 0; d < DATASETS && failures.size() < MAX_REPORTED; d++) {
      List<List<Span>> traces = RandomData.dataset(rnd, d);
      Map<TraceId, List<Span>> byId = new LinkedHashMap<>();
      for (List<Span> t : traces) {
        byId.put(t.get(0).traceId(), t);
      }
      long loadSeed = rnd.nextLong();
      // on disk: small row groups and pages of random sizes, so row-group and page-index pruning both
      // have work, and a candidate queue of a few entries, so searches take their candidates in passes;
      // the in-memory store scans on the caller's thread, the directory store's row groups on 2-4 threads
      Random layout = new Random(loadSeed - 1);
      // (every other dataset has row groups of 5-64 rows: blocks of many row groups, scanned in parallel)
      int rowGroupRows = layout.nextBoolean() ? 5 + layout.nextInt(60) : 50 + layout.nextInt(2_000);
      BlockWriter.Options small = new BlockWriter.Options(rowGroupRows, 5 + layout.nextInt(200), 20, 0.05, 1);
      try (TraceStore memory = TraceStores.builder().objectStore(new io.tracestore.core.storage.InMemoryObjectStore()).searchThreads(1).build();
          TraceStore disk = TraceStores.builder().directory(tmp.resolve("d" + d)).fsyncPolicy(FsyncPolicy.NEVER)
              .blockOptions(small).searchMaxCandidates(2 + layout.nextInt(40)).searchThreads(2 + layout.nextInt(3)).build()) {
        long t0 = System.nanoTime();
        load(memory, traces, new Random(loadSeed));
        load(disk, traces, new Random(loadSeed + 1));
        phase[0] += System.nanoTime() - t0;
        RandomQueries gen = new RandomQueries(rnd);
        for (int q = 0; q < QUERIES; q++) {
          Pipeline query = gen.pipeline();
          String text = query.text();
          long t1 = System.nanoTime();
          Map<TraceId, Set<Long>> expected = new TreeMap<>();
          byId.forEach((id, spans) -> {
            Set<Long> m = ReferenceEvaluator.matchedSpanIds(query, spans);
            if (!m.isEmpty()) {
              expected.put(id, m);
            }
          });
          combinations++;
          phase[1] += System.nanoTime() - t1;
          if (!expected.isEmpty()) {
            matching++;
          }
          for (TraceStore store : List.of(memory, disk)) {
            searches++;
            Map<TraceId, Set<Long>> got;
            long t2 = System.nanoTime();
            try {
              got = engine(store, text);
              phase[store == memory ? 2 : 3] += System.nanoTime() - t2;
            } catch (RuntimeException e) {
              failures.add(header(d, store == memory, text) + "engine threw " + e);
              failedQueries.add(text);
              break;
            }
            if (!got.equals(expected) && failedQueries.add(text)) {
              failures.add(describe(d, store == memory, query, byId, expected, got));
            }
          }
          if (q % 4 == 0 && !failedQueries.contains(text)) {
            // limit and spansPerSpanSet: the newest k matches (ties: smallest trace id), spans listed up to the cap
            TraceStore store = q % 8 == 0 ? memory : disk;
            int limit = 1 + rnd.nextInt(4);
            int perSet = rnd.nextInt(4);
            String problem = limited(store, text, limit, perSet, expected, byId);
            searches++;
            if (problem != null && failedQueries.add(text)) {
              failures.add(header(d, store == memory, text) + "limit " + limit + ", spansPerSpanSet " + perSet + ": "
                  + problem);
            }
          }
          if (failures.size() >= MAX_REPORTED) {
            break;
          }
        }
      }
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("differential: seed %d, %d query x dataset combinations (%d searches), %d matching, %d pages pruned, %d ms"
        + " (load %d ms, reference %d ms, in-memory %d ms, directory %d ms)%n", SEED, combinations, searches, matching,
        PAGES_PRUNED.get(), ms, phase[0] / 1_000_000, phase[1] / 1_000_000, phase[2] / 1_000_000, phase[3] / 1_000_000);
    assertThat(failures).as("disagreements (seed %d)", SEED).isEmpty();
    assertThat(combinations).isGreaterThanOrEqualTo(DATASETS * QUERIES);
    assertThat(matching).as("queries matching something").isGreaterThan(combinations / 4);
    assertThat(PAGES_PRUNED.get()).as("pages skipped by their bounds").isGreaterThan(combinations / 10);
  }

  /** Appends the spans shuffled, in random batches, flushing at random; re-sends a few spans. */
  private static void load(TraceStore store, List<List<Span>> traces, Random rnd) {
    List<Span> all = new ArrayList<>();
    traces.forEach(all::addAll);
    Collections.shuffle(all, rnd);
    int i = 0;
    List<Span> sent = new ArrayList<>();
    while (i < all.size()) {
      int n = Math.min(all.size() - i, 1 + rnd.nextInt(Math.max(1, all.size() / 3)));
      List<Span> batch = new ArrayList<>(all.subList(i, i + n));
      if (!sent.isEmpty() && rnd.nextInt(4) == 0) {
        batch.add(sent.get(rnd.nextInt(sent.size()))); // stored twice: must count once
      }
      store.append(batch);
      sent.addAll(all.subList(i, i + n));
      i += n;
      if (rnd.nextInt(3) == 0) {
        store.flush();
      }
    }
    if (rnd.nextBoolean()) {
      store.flush();
    }
  }

  /** Checks a limited search; null if it is right, else what is wrong. */
  private static String limited(TraceStore store, String query, int limit, int perSet,
      Map<TraceId, Set<Long>> expected, Map<TraceId, List<Span>> byId) {
    List<TraceId> best = new ArrayList<>(expected.keySet());
    best.sort((a, b) -> {
      int c = Long.compare(start(byId.get(b)), start(byId.get(a)));
      return c != 0 ? c : a.compareTo(b);
    });
    best = best.subList(0, Math.min(limit, best.size()));
    SearchResult r = store.search(SearchRequest.of(query).withLimit(limit).withSpansPerSpanSet(perSet));
    List<TraceId> got = new ArrayList<>();
    for (SearchResult.TraceMatch t : r.traces()) {
      got.add(t.traceId());
      Set<Long> exp = expected.getOrDefault(t.traceId(), Set.of());
      for (SearchResult.SpanSet set : t.spanSets()) {
        int listed = perSet == 0 ? set.matched() : Math.min(perSet, set.matched());
        if (set.spans().size() != listed) {
          return "trace " + t.traceId() + " lists " + set.spans().size() + " spans of " + set.matched();
        }
        for (SearchResult.MatchedSpan m : set.spans()) {
          if (!exp.contains(m.spanId().value())) {
            return "trace " + t.traceId() + " lists span " + m.spanId() + ", expected only " + exp;
          }
        }
      }
    }
    return got.equals(best) ? null : "expected traces " + best + ", engine " + got;
  }

  private static long start(List<Span> trace) {
    long start = Long.MAX_VALUE;
    for (Span s : trace) {
      start = Math.min(start, s.startUnixNano());
    }
    return start;
  }

  /** Pages the engine skipped by their bounds, over every search of the run (the test asserts pruning happened). */
  private static final java.util.concurrent.atomic.AtomicLong PAGES_PRUNED = new java.util.concurrent.atomic.AtomicLong();

  static Map<TraceId, Set<Long>> engine(TraceStore store, String query) {
    SearchResult r = store.search(SearchRequest.of(query).withLimit(0).withSpansPerSpanSet(0));
    PAGES_PRUNED.addAndGet(r.metrics().pagesPruned());
    Map<TraceId, Set<Long>> got = new TreeMap<>();
    for (SearchResult.TraceMatch t : r.traces()) {
      Set<Long> m = new TreeSet<>();
      for (SearchResult.SpanSet set : t.spanSets()) {
        if (set.spans().size() != set.matched()) {
          m.add(-1L); // listed spans disagree with the reported count
        }
        set.spans().forEach(s -> m.add(s.spanId().value()));
      }
      got.put(t.traceId(), m);
    }
    return got;
  }

  private static String header(int d, boolean memory, String query) {
    return "\nseed " + SEED + ", dataset " + d + ", " + (memory ? "in-memory" : "directory") + " store\n  query: "
        + query + "\n  ";
  }

  private static String describe(int d, boolean memory, Pipeline query, Map<TraceId, List<Span>> byId,
      Map<TraceId, Set<Long>> expected, Map<TraceId, Set<Long>> got) {
    StringBuilder sb = new StringBuilder(header(d, memory, query.text()));
    Set<TraceId> ids = new TreeSet<>(expected.keySet());
    ids.addAll(got.keySet());
    for (TraceId id : ids) {
      Set<Long> e = expected.getOrDefault(id, Set.of());
      Set<Long> g = got.getOrDefault(id, Set.of());
      if (e.equals(g)) {
        continue;
      }
      sb.append("trace ").append(id).append(": expected ").append(e).append(", engine ").append(g).append('\n');
      List<Span> minimal = shrink(query, byId.get(id));
      if (minimal == null) {
        sb.append("  (does not fail alone in a fresh store: needs the other traces or the block layout)\n");
      } else {
        sb.append("  minimal trace (").append(minimal.size()).append(" spans), expected ")
            .append(ReferenceEvaluator.matchedSpanIds(query, minimal)).append(":\n");
        for (Span s : minimal) {
          sb.append("    ").append(s).append('\n');
        }
      }
      break;
    }
    return sb.toString();
  }

  /** The trace alone, then with spans dropped while the engine still disagrees; null if alone it agrees. */
  private static List<Span> shrink(Pipeline query, List<Span> trace) {
    if (!fails(query, trace)) {
      return null;
    }
    List<Span> cur = new ArrayList<>(trace);
    boolean progress = true;
    while (progress) {
      progress = false;
      for (int i = 0; i < cur.size() && cur.size() > 1; i++) {
        List<Span> smaller = new ArrayList<>(cur);
        smaller.remove(i);
        if (fails(query, smaller)) {
          cur = smaller;
          progress = true;
          i--;
        }
      }
    }
    return cur;
  }

  /** Does the engine disagree with the reference on this trace alone, in the head or in a block? */
  private static boolean fails(Pipeline query, List<Span> trace) {
    Set<Long> expected = ReferenceEvaluator.matchedSpanIds(query, trace);
    for (boolean flush : new boolean[] {false, true}) {
      try (TraceStore store = TraceStores.inMemory()) {
        store.append(trace);
        if (flush) {
          store.flush();
        }
        Map<TraceId, Set<Long>> got;
        try {
          got = engine(store, query.text());
        } catch (RuntimeException e) {
          return true;
        }
        Set<Long> g = got.getOrDefault(trace.get(0).traceId(), Set.of());
        if (!g.equals(expected)) {
          return true;
        }
      }
    }
    return false;
  }
}
