package io.tracestore.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.TraceStoreException;
import io.tracestore.testing.WorkloadGenerator;
import io.tracestore.traceql.ConformanceFile;
import io.tracestore.traceql.TraceQL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every valid query of Tempo's conformance examples that is a search query (not a metrics query)
 * runs on 20,000 generated spans without an exception. Queries are referred to by index; none is
 * copied here.
 */
@DisplayName("Tempo's valid conformance queries")
class ConformanceSearchTest {
  /**
   * Valid search queries deliberately rejected as "not supported yet", by index in the valid list,
   * with the reason. Empty: every one runs.
   */
  private static final Map<Integer, String> NOT_SUPPORTED_YET = Map.of();

  /** How many valid queries are search queries, and how many are metrics queries (skipped). */
  private static final int SEARCH_QUERIES = 160;
  private static final int METRICS_QUERIES = 124;

  @Test
  @DisplayName("every valid search query executes on generated spans; metrics queries are left to metrics")
  void everyValidSearchQueryExecutes() throws Exception {
    Map<String, List<String>> all = ConformanceFile.load();
    assumeTrue(all != null, "conformance file not found; set -Dtracestore.conformance=PATH");
    List<String> valid = all.get("valid");
    int executed = 0;
    int metrics = 0;
    int matchedSomething = 0;
    Map<Integer, String> unsupported = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    // the engine over the traces directly: the store's own path is covered by StoreSearchTest
    TraceSource source = Fixtures.source(WorkloadGenerator.generate(42, 20_000));
    SearchEngine engine = new SearchEngine();
    for (int i = 0; i < valid.size(); i++) {
      String q = valid.get(i);
      if (TraceQL.parse(q).isMetrics()) {
        metrics++;
        continue;
      }
      try {
        SearchResult r = engine.search(new SearchRequest(q, 0, Long.MAX_VALUE, 0, 3, Duration.ofSeconds(30)), source);
        executed++;
        if (!r.traces().isEmpty()) {
          matchedSomething++;
        }
      } catch (TraceStoreException e) {
        if (e.getMessage() != null && e.getMessage().contains("not supported")) {
          unsupported.put(i, e.getMessage());
        } else {
          failures.add("valid #" + i + ": " + e);
        }
      } catch (RuntimeException e) {
        failures.add("valid #" + i + ": " + e);
      }
    }
    System.out.printf("conformance search: %d executed (%d matched traces), %d metrics skipped, %d not supported%n",
        executed, matchedSomething, metrics, unsupported.size());
    assertThat(failures).isEmpty();
    assertThat(unsupported.keySet()).isEqualTo(NOT_SUPPORTED_YET.keySet());
    assertThat(executed + unsupported.size()).isEqualTo(SEARCH_QUERIES);
    assertThat(metrics).isEqualTo(METRICS_QUERIES);
    assertThat(matchedSomething).as("a good share of the queries find something in a realistic workload").isGreaterThanOrEqualTo(60);
  }
}
