package io.tracestore.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.TraceStore;
import io.tracestore.core.RandomSpans;
import io.tracestore.core.TraceStores;
import io.tracestore.core.storage.InMemoryObjectStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Whole search results from blocks (candidates built from column vectors or decoded records) equal
 * the results of evaluating every decoded trace: root names and services (also a non-string
 * service.name), durations, listed spans, their attributes and the span sets' values.
 */
@DisplayName("Search results from blocks")
class BlockResultsTest {
  private static final List<String> QUERIES = List.of(
      "{ }",
      "{ status = error }",
      "{ kind = server } | select(span.attr.0, resource.host.name)",
      "{ .attr.1 != nil }",
      "{ resource.service.name = \"svc-1\" } >> { }",
      "{ } | by(resource.service.name) | count() > 1",
      "{ duration > 1ms } | avg(duration) > 2ms",
      "{ event.attr.0 != nil }",
      "{ name =~ \".*a.*\" } | select(name, statusMessage)");

  @Test
  @DisplayName("equal the results of decoding every trace, for random spans in several blocks")
  void equalDecodedResults() {
    SearchEngine reference = new SearchEngine();
    for (long seed = 11; seed <= 13; seed++) {
      RandomSpans random = new RandomSpans(seed);
      List<Span> all = new ArrayList<>();
      try (TraceStore store = TraceStores.builder().objectStore(new InMemoryObjectStore()).build()) {
        for (int batch = 0; batch < 3; batch++) {
          List<Span> spans = new ArrayList<>();
          for (int t = 0; t < 40; t++) {
            spans.addAll(random.trace(1 + t % 9));
          }
          store.append(spans);
          all.addAll(spans);
          store.flush();
        }
        for (String q : QUERIES) {
          SearchResult expected = reference.search(Fixtures.all(q), Fixtures.source(all));
          SearchResult got = store.search(Fixtures.all(q));
          assertThat(got.traces()).as("seed %d: %s", seed, q).isEqualTo(expected.traces());
        }
      }
    }
  }
}
