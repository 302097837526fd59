package io.tracestore.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.Resource;
import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.StatusCode;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.api.Attributes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A trace whose spans sit in two blocks and the head is searched as one trace. */
class SearchAcrossBlocksTest {
  private static final TraceId TRACE = TraceId.fromHex("4bf92f3577b34da6a3ce929d0e0e4736");
  private static final Resource FRONTEND = Resource.of(Attributes.builder().put("service.name", "frontend").build());
  private static final Resource DB = Resource.of(Attributes.builder().put("service.name", "db").build());

  private static Span span(long id, long parent, String name, Resource r, long start, StatusCode status) {
    return Span.builder().traceId(TRACE).spanId(SpanId.of(id)).parentSpanId(parent == 0 ? SpanId.NONE : SpanId.of(parent))
        .name(name).resource(r).startUnixNano(start).endUnixNano(start + 1_000_000).statusCode(status).build();
  }

  @Test
  void structuralQueriesSeeATraceWhoseFragmentsAreInTwoBlocksAndTheHead() {
    Span root = span(1, 0, "GET /cart", FRONTEND, 1_000_000_000L, StatusCode.UNSET);
    Span mid = span(2, 1, "cart.load", FRONTEND, 1_000_100_000L, StatusCode.UNSET);
    Span leaf = span(3, 2, "SELECT", DB, 1_000_200_000L, StatusCode.ERROR);
    try (TraceStore store = TraceStores.inMemory()) {
      store.append(root);
      store.flush();
      store.append(mid);
      store.flush();
      store.append(leaf, root); // the root again, as a client retry would send it
      SearchResult r = store.search(SearchRequest.of("{ resource.service.name = \"frontend\" && name = \"GET /cart\" } >> { status = error }"));
      assertThat(r.traces()).hasSize(1);
      SearchResult.TraceMatch t = r.traces().get(0);
      assertThat(t.rootTraceName()).isEqualTo("GET /cart");
      assertThat(t.durationNanos()).isEqualTo(leaf.endUnixNano() - root.startUnixNano());
      assertThat(t.spanSets().get(0).spans()).extracting(SearchResult.MatchedSpan::spanId).containsExactly(SpanId.of(3));
      assertThat(store.search("{ } | count() = 3").traces()).as("each span counted once").hasSize(1);
      assertThat(store.search("{ name = \"cart.load\" } > { name = \"SELECT\" }").traces()).hasSize(1);
      assertThat(store.search("{ name = \"GET /cart\" } > { name = \"SELECT\" }").traces()).as("not a direct child").isEmpty();
      List<SearchResult.TraceMatch> all = store.search(SearchRequest.of("{ }").withLimit(0)).traces();
      assertThat(all).hasSize(1);
    }
  }
}
