package io.tracestore.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.StatusCode;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends, searches, cuts and compactions (explicit and background) running at once for a while
 * (6 s in a normal build, 60 s with {@code -Pstress}), seeded; then every acknowledged span is
 * present exactly once and searches see every trace once.
 */
class SoakTest {
  @TempDir Path dir;

  @Test
  void appendsSearchesCutsAndCompactionsAtOnceLoseNothingAndDuplicateNothing() throws Exception {
    long seconds = Long.getLong("tracestore.soakSeconds", 6);
    long seed = Long.getLong("tracestore.soakSeed", 20261122L);
    Map<TraceId, List<Span>> acknowledged = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger searches = new AtomicInteger();
    AtomicInteger batches = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (TraceStore store = TraceStores.builder().directory(dir.resolve("soak")).fsyncPolicy(FsyncPolicy.NEVER)
        .blockRetention(Duration.ofDays(36_500)).maxBlockBytes(2L << 20).maxBlockAge(Duration.ofMillis(300))
        .traceIdle(Duration.ofMillis(100)).compactionInterval(Duration.ofMillis(700)).build()) {
      List<Future<?>> tasks = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        long writerSeed = seed + w;
        tasks.add(pool.submit(() -> {
          RandomSpans random = new RandomSpans(writerSeed);
          while (!stop.get()) {
            List<Span> batch = random.traces(200, 12);
            store.append(batch);
            RandomSpans.byTrace(batch).forEach((id, spans) -> acknowledged.merge(id, spans, (a, b) -> {
              List<Span> all = new ArrayList<>(a);
              all.addAll(b);
              return all;
            }));
            batches.incrementAndGet();
          }
          return null;
        }));
      }
      tasks.add(pool.submit(() -> {
        List<String> queries = List.of("{ status = error }", "{ } >> { kind = client }", "{ } | count() > 4",
            "{ span.http.method = \"GET\" }", "{ }");
        for (int i = 0; !stop.get(); i++) {
          SearchResult r = store.search(SearchRequest.of(queries.get(i % queries.size())).withLimit(50));
          Set<TraceId> seen = new HashSet<>();
          for (SearchResult.TraceMatch m : r.traces()) {
            if (!seen.add(m.traceId())) {
              throw new AssertionError("a search returned trace " + m.traceId() + " twice");
            }
          }
          searches.incrementAndGet();
        }
        return null;
      }));
      tasks.add(pool.submit(() -> {
        for (int round = 0; !stop.get(); round++) {
          if (round % 3 == 0) {
            store.compact();
          } else {
            store.flush();
          }
          Thread.sleep(150);
        }
        return null;
      }));
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      stop.set(true);
      for (Future<?> f : tasks) {
        f.get(2, TimeUnit.MINUTES);
      }
      assertThat(batches.get()).isPositive();
      assertThat(searches.get()).isPositive();

      // every acknowledged span exactly once: all of them by search, a sample whole by id
      SearchResult all = store.search(SearchRequest.of("{ }").withLimit(0).withSpansPerSpanSet(0));
      List<TraceId> ids = all.traces().stream().map(SearchResult.TraceMatch::traceId).toList();
      assertThat(new HashSet<>(ids)).hasSize(ids.size()).isEqualTo(acknowledged.keySet());
      for (SearchResult.TraceMatch m : all.traces()) {
        Set<io.tracestore.api.SpanId> expected = new HashSet<>();
        acknowledged.get(m.traceId()).forEach(s -> expected.add(s.spanId()));
        List<io.tracestore.api.SpanId> got = m.spanSets().get(0).spans().stream().map(SearchResult.MatchedSpan::spanId).toList();
        assertThat(got).as("trace %s", m.traceId()).hasSize(expected.size());
        assertThat(new HashSet<>(got)).isEqualTo(expected);
      }
      List<TraceId> sample = new ArrayList<>(acknowledged.keySet());
      java.util.Collections.shuffle(sample, new java.util.Random(seed));
      for (TraceId id : sample.subList(0, Math.min(30, sample.size()))) {
        assertThat(store.findTrace(id)).contains(new Trace(id, acknowledged.get(id)));
      }
      Set<TraceId> withErrors = new HashSet<>();
      acknowledged.forEach((id, spans) -> {
        if (spans.stream().anyMatch(s -> s.statusCode() == StatusCode.ERROR)) {
          withErrors.add(id);
        }
      });
      SearchResult errors = store.search(SearchRequest.of("{ status = error }").withLimit(0));
      List<TraceId> errorIds = errors.traces().stream().map(SearchResult.TraceMatch::traceId).toList();
      // as sets: AssertJ's containsExactlyInAnyOrder is quadratic, minutes for tens of thousands of traces
      assertThat(errorIds).hasSize(withErrors.size());
      assertThat(new HashSet<>(errorIds)).isEqualTo(withErrors);
    } finally {
      pool.shutdownNow();
    }
  }
}
