package io.tracestore.core.search;

import static io.tracestore.core.search.Fixtures.T1;
import static io.tracestore.core.search.Fixtures.T2;
import static io.tracestore.core.search.Fixtures.T3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.SearchTimeoutException;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStoreException;
import io.tracestore.traceql.TraceQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Search pipelines and results")
class PipelineAndResultTest {
  private static final String T1_FILTER = "{ trace:id = \"00000000000000000000000000000001\" }";
  private final SearchEngine engine = new SearchEngine();

  private SearchResult run(String query) {
    return engine.search(Fixtures.all(query), Fixtures.source(Fixtures.all()));
  }

  private static List<Long> ids(SearchResult.SpanSet s) {
    return s.spans().stream().map(m -> m.spanId().value()).toList();
  }

  private static List<TraceId> traceIds(SearchResult r) {
    return r.traces().stream().map(SearchResult.TraceMatch::traceId).toList();
  }

  @Test
  @DisplayName("count() keeps the span sets with enough spans and reports the count")
  void countFiltersSpanSets() {
    SearchResult r = run("{ } | count() > 7");
    assertThat(traceIds(r)).containsExactly(T1);
    SearchResult.SpanSet set = r.traces().get(0).spanSets().get(0);
    assertThat(set.matched()).isEqualTo(8);
    assertThat(set.attributes()).containsEntry("count()", AttributeValue.of(8L));

    assertThat(traceIds(run("{ name = \"db\" } | count() = 2"))).containsExactly(T1);
    assertThat(traceIds(run("{ } | count() <= 2"))).containsExactly(T3);
    assertThat(traceIds(run("{ } | count() != 8"))).containsExactlyInAnyOrder(T2, T3);
  }

  @Test
  @DisplayName("avg, min, max and sum of durations compare with durations and report Go duration text")
  void durationAggregates() {
    SearchResult avg = run(T1_FILTER + " | avg(duration) > 200ms");
    assertThat(traceIds(avg)).containsExactly(T1);
    assertThat(avg.traces().get(0).spanSets().get(0).attributes())
        .containsEntry("avg(duration)", AttributeValue.of("222.5ms"));
    assertThat(traceIds(run(T1_FILTER + " | avg(duration) > 223ms"))).isEmpty();
    assertThat(traceIds(run(T1_FILTER + " | min(duration) = 10ms"))).containsExactly(T1);
    assertThat(traceIds(run(T1_FILTER + " | max(duration) >= 1s"))).containsExactly(T1);
    assertThat(traceIds(run(T1_FILTER + " | max(duration) > 1s"))).isEmpty();
    SearchResult sum = run(T1_FILTER + " | sum(duration) = 1780ms");
    assertThat(traceIds(sum)).containsExactly(T1);
    assertThat(sum.traces().get(0).spanSets().get(0).attributes())
        .containsEntry("sum(duration)", AttributeValue.of("1.78s"));
    assertThat(traceIds(run("{ } | max(duration) < 100ms"))).containsExactly(T3);
  }

  @Test
  @DisplayName("aggregates over attributes skip spans without a value; sets without any are dropped")
  void attributeAggregates() {
    SearchResult r = run("{ } | avg(span.http.status_code) = 350");
    assertThat(traceIds(r)).containsExactly(T1);
    assertThat(r.traces().get(0).spanSets().get(0).attributes())
        .containsEntry("avg(span.http.status_code)", AttributeValue.of(350.0));
    assertThat(traceIds(run("{ } | min(span.http.status_code) = 200"))).containsExactly(T1);
    assertThat(traceIds(run("{ } | sum(span.http.status_code) = 700"))).containsExactly(T1);
    assertThat(traceIds(run("{ } | max(span.ratio * 2) = 3"))).containsExactly(T1);
    // int / int is an int, as in Tempo: 2 / 6 = 0 and 3 / 2 = 1
    assertThat(traceIds(run("{ } | min(span:childCount) < 2 / 6"))).isEmpty();
    assertThat(traceIds(run("{ } | min(span:childCount) < 3 / 2"))).containsExactlyInAnyOrder(T1, T2, T3);
    assertThat(traceIds(run("{ } | sum(span.missing) > 0"))).isEmpty();
  }

  @Test
  @DisplayName("by() splits span sets by value and names the value by(...)")
  void groupBy() {
    SearchResult r = run(T1_FILTER + " | by(resource.service.name)");
    assertThat(r.traces()).hasSize(1);
    List<SearchResult.SpanSet> sets = r.traces().get(0).spanSets();
    assertThat(sets).extracting(s -> s.attributes().get("by(resource.service.name)"))
        .containsExactly(AttributeValue.of("frontend"), AttributeValue.of("cart"), AttributeValue.of("postgres"),
            AttributeValue.of("checkout"), AttributeValue.of("worker"));
    assertThat(sets).extracting(PipelineAndResultTest::ids)
        .containsExactly(List.of(1L), List.of(2L), List.of(4L, 8L), List.of(3L, 5L, 6L), List.of(7L));

    SearchResult counted = run(T1_FILTER + " | by(resource.service.name) | count() > 1");
    assertThat(counted.traces().get(0).spanSets()).extracting(PipelineAndResultTest::ids)
        .containsExactly(List.of(4L, 8L), List.of(3L, 5L, 6L));
    assertThat(counted.traces().get(0).spanSets().get(1).attributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "by(resource.service.name)", AttributeValue.of("checkout"), "count()", AttributeValue.of(3L)));

    SearchResult nil = run(T1_FILTER + " | by(span.http.route)");
    assertThat(nil.traces().get(0).spanSets()).extracting(PipelineAndResultTest::ids)
        .containsExactly(List.of(1L, 4L, 5L, 6L, 7L, 8L), List.of(2L), List.of(3L));
    assertThat(nil.traces().get(0).spanSets().get(0).attributes()).isEmpty();

    SearchResult computed = run("{ span.http.status_code != nil } | by(span.http.status_code / 100)");
    assertThat(computed.traces().get(0).spanSets()).extracting(s -> s.attributes().get("by(span.http.status_code / 100)"))
        .containsExactly(AttributeValue.of(5L), AttributeValue.of(2L));
  }

  @Test
  @DisplayName("coalesce() merges span sets back into one without pipeline values")
  void coalesce() {
    SearchResult r = run(T1_FILTER + " | by(resource.service.name) | count() > 1 | coalesce()");
    assertThat(r.traces().get(0).spanSets()).hasSize(1);
    SearchResult.SpanSet set = r.traces().get(0).spanSets().get(0);
    assertThat(ids(set)).containsExactly(4L, 3L, 5L, 6L, 8L); // start order
    assertThat(set.attributes()).isEmpty();
  }

  @Test
  @DisplayName("select() and the filters put the fields they reference on the returned spans, keyed as written")
  void selectAddsAttributes() {
    SearchResult r = run("{ name = \"cart\" } | select(span.http.route, resource.service.name, span.tags, duration, status)");
    SearchResult.MatchedSpan cart = r.traces().get(0).spanSets().get(0).spans().get(0);
    assertThat(cart.spanId()).isEqualTo(SpanId.of(2));
    assertThat(cart.name()).isEqualTo("cart");
    assertThat(cart.durationNanos()).isEqualTo(200 * Fixtures.MS);
    assertThat(cart.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "name", AttributeValue.of("cart"),
        "span.http.route", AttributeValue.of("/cart"),
        "resource.service.name", AttributeValue.of("cart"),
        "span.tags", AttributeValue.ofArray(List.of(AttributeValue.of("a"), AttributeValue.of("b"))),
        "duration", AttributeValue.of("200ms"),
        "status", AttributeValue.of("error")));

    SearchResult unscoped = run("{ .deployment.environment = \"staging\" && span.missing = nil }");
    assertThat(unscoped.traces().get(0).spanSets().get(0).spans().get(0).attributes())
        .containsExactlyEntriesOf(Map.of(".deployment.environment", AttributeValue.of("staging")));
    SearchResult event = run("{ event.attempt > 1 }");
    assertThat(event.traces().get(0).spanSets().get(0).spans().get(0).attributes())
        .containsExactlyEntriesOf(Map.of("event.attempt", AttributeValue.of(2L)));
  }

  @Test
  @DisplayName("a filter after a pipeline stage keeps the values attached before it")
  void laterFilterKeepsValues() {
    SearchResult r = run("{ } | count() > 7 | { name = \"db\" }");
    SearchResult.SpanSet set = r.traces().get(0).spanSets().get(0);
    assertThat(ids(set)).containsExactly(4L, 8L);
    assertThat(set.matched()).isEqualTo(2);
    assertThat(set.attributes()).containsEntry("count()", AttributeValue.of(8L));
    assertThat(traceIds(run("count() = 2 | { true }"))).containsExactly(T3);
    assertThat(traceIds(run("select(.a)"))).containsExactly(T1, T2, T3);
    assertThat(traceIds(run("by(resource.service.name) | { name = \"db\" }"))).containsExactly(T1);
  }

  @Test
  @DisplayName("hints are accepted and change nothing")
  void hintsAreIgnored() {
    assertThat(Fixtures.spanIds(run("{ name = \"cart\" } with(sample=0.1)"))).containsExactly(2L);
  }

  @Test
  @DisplayName("traces come newest start first, ties by trace id, cut to the limit")
  void newestFirstAndLimit() {
    List<Span> spans = new ArrayList<>();
    long[] startsMs = {50, 10, 40, 40, 30, 20};
    for (int i = 0; i < startsMs.length; i++) {
      TraceId t = TraceId.of(0, 100 + i);
      spans.add(Fixtures.span(t, 1, 0, "s", "svc", startsMs[i], startsMs[i] + 5).build());
    }
    TraceSource source = Fixtures.source(spans);
    Function<Integer, List<Long>> top = limit -> engine
        .search(new SearchRequest("{ }", 0, Long.MAX_VALUE, limit, 3, Duration.ofSeconds(5)), source)
        .traces().stream().map(m -> m.traceId().low()).toList();
    assertThat(top.apply(0)).containsExactly(100L, 102L, 103L, 104L, 105L, 101L);
    assertThat(top.apply(3)).containsExactly(100L, 102L, 103L);
    assertThat(top.apply(2)).containsExactly(100L, 102L);
    assertThat(top.apply(1)).containsExactly(100L);
    assertThat(top.apply(20)).hasSize(6);
  }

  @Test
  @DisplayName("the time range keeps only traces overlapping it")
  void timeRange() {
    long from = Fixtures.BASE + 2000 * Fixtures.MS;
    SearchResult none = engine.search(Fixtures.all("{ }").withTimeRange(from, Long.MAX_VALUE),
        Fixtures.source(Fixtures.all()));
    assertThat(none.traces()).isEmpty();
    SearchResult t1 = engine.search(Fixtures.all("{ }").withTimeRange(Fixtures.BASE + 500 * Fixtures.MS, from),
        Fixtures.source(Fixtures.all()));
    assertThat(traceIds(t1)).containsExactly(T1);
  }

  @Test
  @DisplayName("a span set lists at most spansPerSpanSet spans in start order but counts them all")
  void spansPerSpanSet() {
    SearchRequest req = new SearchRequest(T1_FILTER, 0, Long.MAX_VALUE, 20, 3, Duration.ofSeconds(5));
    SearchResult.SpanSet set = engine.search(req, Fixtures.source(Fixtures.all())).traces().get(0).spanSets().get(0);
    assertThat(set.matched()).isEqualTo(8);
    assertThat(ids(set)).containsExactly(1L, 2L, 4L);
    SearchResult.SpanSet all = engine.search(req.withSpansPerSpanSet(0), Fixtures.source(Fixtures.all()))
        .traces().get(0).spanSets().get(0);
    assertThat(ids(all)).containsExactly(1L, 2L, 4L, 3L, 5L, 6L, 7L, 8L);
  }

  @Test
  @DisplayName("a trace reports its earliest root, its start and duration, or the placeholder without a root")
  void traceSummary() {
    SearchResult r = run("{ }");
    SearchResult.TraceMatch t1 = r.traces().stream().filter(t -> t.traceId().equals(T1)).findFirst().orElseThrow();
    assertThat(t1.rootServiceName()).isEqualTo("frontend");
    assertThat(t1.rootTraceName()).isEqualTo("root");
    assertThat(t1.startUnixNano()).isEqualTo(Fixtures.BASE);
    assertThat(t1.durationNanos()).isEqualTo(1000 * Fixtures.MS);
    SearchResult.TraceMatch t2 = r.traces().stream().filter(t -> t.traceId().equals(T2)).findFirst().orElseThrow();
    assertThat(t2.rootTraceName()).isEqualTo("r1");
    SearchResult.TraceMatch t3 = r.traces().stream().filter(t -> t.traceId().equals(T3)).findFirst().orElseThrow();
    assertThat(t3.rootServiceName()).isEqualTo(SearchEngine.ROOT_NOT_RECEIVED);
    assertThat(t3.rootTraceName()).isEqualTo("<root span not yet received>");
  }

  @Test
  @DisplayName("metrics count the traces and spans inspected")
  void metrics() {
    SearchResult r = run("{ name = \"cart\" }");
    assertThat(r.metrics().tracesInspected()).isEqualTo(3);
    assertThat(r.metrics().spansInspected()).isEqualTo(14);
    assertThat(r.metrics().elapsedNanos()).isPositive();
  }

  @Test
  @DisplayName("a search running past its timeout fails with SearchTimeoutException")
  void timeout() {
    TraceSource slow = (start, end, visitor) -> {
      for (long i = 1; ; i++) {
        Span s = Fixtures.span(TraceId.of(7, i), 1, 0, "s", "svc", 0, 1).build();
        sleep(1);
        if (!visitor.test(new Trace(s.traceId(), List.of(s)))) {
          return new TraceSource.Stats(0, 0);
        }
      }
    };
    SearchRequest req = Fixtures.all("{ }").withTimeout(Duration.ofMillis(50));
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> engine.search(req, slow)).isInstanceOf(SearchTimeoutException.class)
        .hasMessageContaining("timed out");
    assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(5).toNanos());
  }

  @Test
  @DisplayName("metrics queries are rejected as not supported by search")
  void metricsQueriesRejected() {
    assertThatThrownBy(() -> run("{ } | rate()")).isInstanceOf(TraceStoreException.class)
        .isNotInstanceOf(TraceQLException.class)
        .hasMessage(SearchEngine.METRICS_NOT_SUPPORTED);
  }

  @Test
  @DisplayName("invalid queries fail with a positioned TraceQLException")
  void invalidQueries() {
    assertThatThrownBy(() -> run("{ name = }")).isInstanceOf(TraceQLException.class).hasMessageContaining("col");
    assertThatThrownBy(() -> run("{ name > 3 }")).isInstanceOf(TraceQLException.class);
  }

  @Test
  @DisplayName("values depending only on the resource or scope stay right when many shared instances interleave")
  void sharedResourcesAndScopes() {
    int resources = 300; // more than the cache's slots, so slots are reused
    List<io.tracestore.api.Resource> shared = new ArrayList<>();
    List<io.tracestore.api.InstrumentationScope> scopes = new ArrayList<>();
    for (int i = 0; i < resources; i++) {
      shared.add(io.tracestore.api.Resource.of(io.tracestore.api.Attributes.builder()
          .put("service.name", "svc" + i).put("mod", (long) (i % 7)).build()));
      scopes.add(io.tracestore.api.InstrumentationScope.of("lib" + (i % 5), "1." + (i % 3)));
    }
    java.util.Random rnd = new java.util.Random(5);
    List<Span> spans = new ArrayList<>();
    List<Long> expectedMod = new ArrayList<>();
    List<Long> expectedScope = new ArrayList<>();
    for (int i = 1; i <= 3000; i++) {
      int r = rnd.nextInt(resources);
      Span s = Fixtures.span(TraceId.of(9, 1 + i / 10), i, 0, "s", "x", i, i + 1)
          .resource(shared.get(r)).scope(scopes.get(r)).build();
      spans.add(s);
      if (r % 7 == 3) {
        expectedMod.add((long) i);
      }
      if (r % 5 == 2 && r % 3 == 1) {
        expectedScope.add((long) i);
      }
    }
    TraceSource source = Fixtures.source(spans);
    assertThat(Fixtures.spanIds(engine.search(Fixtures.all("{ resource.mod = 3 }"), source)))
        .isEqualTo(expectedMod);
    assertThat(Fixtures.spanIds(engine.search(
        Fixtures.all("{ instrumentation:name = \"lib2\" && instrumentation:version = \"1.1\" }"), source)))
        .isEqualTo(expectedScope);
  }

  @Test
  @DisplayName("a cycle of parent ids neither hangs structural operators nor relates its spans")
  void parentCycle() {
    TraceId t = TraceId.of(0, 77);
    List<Span> spans = List.of(
        Fixtures.span(t, 1, 0, "root", "svc", 0, 10).build(),
        Fixtures.span(t, 2, 3, "a", "svc", 1, 2).build(),
        Fixtures.span(t, 3, 2, "b", "svc", 1, 2).build(),
        Fixtures.span(t, 4, 3, "c", "svc", 1, 2).build());
    TraceSource source = Fixtures.source(spans);
    for (String op : List.of(">", ">>", "<", "<<", "~", "&>>", "&<<")) {
      assertThat(Fixtures.spanIds(engine.search(Fixtures.all("{ } " + op + " { }"), source))).as(op).isEmpty();
    }
    assertThat(Fixtures.spanIds(engine.search(Fixtures.all("{ } !>> { }"), source))).containsExactly(1L, 2L, 3L, 4L);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
