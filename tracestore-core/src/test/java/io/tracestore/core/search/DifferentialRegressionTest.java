package io.tracestore.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.TraceStores;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Engine bugs found by the differential test ({@code reference.DifferentialSearchTest}), one test each. */
@DisplayName("Regressions found by the differential test")
class DifferentialRegressionTest {
  private static final TraceId T = TraceId.of(7, 7);

  private static Span span(long id, long start, long durationNanos) {
    return Span.builder()
        .traceId(T)
        .spanId(SpanId.of(id))
        .parentSpanId(id == 1 ? SpanId.NONE : SpanId.of(1))
        .name("n")
        .startUnixNano(Fixtures.BASE + start)
        .endUnixNano(Fixtures.BASE + start + durationNanos)
        .resource(Fixtures.resource("svc"))
        .build();
  }

  private static List<SearchResult.TraceMatch> search(List<Span> spans, String query, boolean flush) {
    try (TraceStore store = TraceStores.inMemory()) {
      store.append(spans);
      if (flush) {
        store.flush();
      }
      return store.search(Fixtures.all(query)).traces();
    }
  }

  @Test
  @DisplayName("avg(duration) compares the exact average, not one truncated to whole nanoseconds")
  void avgDurationComparesExactly() {
    // durations 1ns and 2ms: the average is 1000000.5ns
    List<Span> spans = List.of(span(1, 0, 1), span(2, 10, 2_000_000));
    for (boolean flush : new boolean[] {false, true}) {
      assertThat(search(spans, "{ } | avg(duration) > 1ms", flush)).hasSize(1);
      assertThat(search(spans, "{ } | avg(duration) >= 1000001ns", flush)).isEmpty();
      assertThat(search(spans, "{ } | avg(duration) = 1ms", flush)).isEmpty();
      assertThat(search(spans, "{ } | avg(duration) != 1ms", flush)).hasSize(1);
      assertThat(search(spans, "{ } | avg(duration) < 1000001ns", flush)).hasSize(1);
      // the reported value stays a duration
      List<SearchResult.TraceMatch> r = search(spans, "{ } | avg(duration) > 1ms", flush);
      assertThat(r.get(0).spanSets().get(0).attributes().get("avg(duration)"))
          .isInstanceOf(AttributeValue.StringValue.class);
    }
  }
}
