package io.tracestore.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.SearchResult;
import io.tracestore.api.TraceStore;
import io.tracestore.core.TraceStores;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Searches through a real store give the engine's answers, from the head and from a Parquet block. */
@DisplayName("Searching a store")
class StoreSearchTest {
  private static final List<String> QUERIES = List.of(
      "{ }",
      "{ span.http.status_code >= 200 && kind = server }",
      "{ resource.service.name = \"postgres\" }",
      "{ .deployment.environment = \"staging\" }",
      "{ span.tags = \"a\" }",
      "{ span.nums > 2 }",
      "{ event.exception.type = \"IOError\" }",
      "{ link.relation = \"follows\" }",
      "{ instrumentation.lib.lang = \"java\" }",
      "{ name = \"root\" } >> { name = \"db\" }",
      "{ name = \"db\" } &<< { }",
      "{ name = \"pay\" } !~ { }",
      "{ name = \"cart\" } && { name = \"db\" }",
      "{ } | count() > 3",
      "{ } | by(resource.service.name) | avg(duration) > 50ms",
      "{ name = \"cart\" } | select(span.http.route, span.ratio, span.flag)",
      "{ trace:rootService = \"frontend\" && span:childCount = 1 }");

  private final SearchEngine engine = new SearchEngine();

  @Test
  @DisplayName("gives the same traces and spans before and after the spans are flushed into a block")
  void sameResultsFromHeadAndBlock() {
    try (TraceStore store = TraceStores.inMemory()) {
      store.append(Fixtures.all());
      for (String q : QUERIES) {
        List<SearchResult.TraceMatch> expected =
            engine.search(Fixtures.all(q), Fixtures.source(Fixtures.all())).traces();
        assertThat(expected).as(q).isNotEmpty();
        assertThat(store.search(Fixtures.all(q)).traces()).as("head: %s", q).isEqualTo(expected);
      }
      store.flush();
      for (String q : QUERIES) {
        List<SearchResult.TraceMatch> expected =
            engine.search(Fixtures.all(q), Fixtures.source(Fixtures.all())).traces();
        SearchResult fromBlock = store.search(Fixtures.all(q));
        assertThat(fromBlock.traces()).as("block: %s", q).isEqualTo(expected);
        assertThat(fromBlock.metrics().blocksInspected()).isEqualTo(1);
      }
    }
  }

  @Test
  @DisplayName("uses the default limit and spans per span set of TraceStore.search(String)")
  void defaultRequest() {
    try (TraceStore store = TraceStores.inMemory()) {
      store.append(Fixtures.all());
      SearchResult r = store.search("{ }");
      assertThat(r.traces()).hasSize(3);
      assertThat(r.traces()).allSatisfy(t -> assertThat(t.spanSets().get(0).spans()).hasSizeLessThanOrEqualTo(3));
      assertThat(r.traces().get(0).spanSets().get(0).matched()).isEqualTo(8);
    }
  }
}
