package io.tracestore.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.Attributes;
import io.tracestore.api.Resource;
import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.SpanKind;
import io.tracestore.api.StatusCode;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.TraceStores;
import io.tracestore.core.block.BlockWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The work a search skips, read from its metrics: blocks outside the time range, row groups whose
 * statistics rule a predicate out, traces whose columns rule the query out, traces that cannot make
 * the top N, and column chunks found in the cache.
 */
@DisplayName("Search pruning")
class SearchPruningTest {
  private static final long T0 = 1_700_000_000_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final int TRACES = 1_000;
  /** Small row groups, so a block has several. */
  private static final BlockWriter.Options SMALL_GROUPS = new BlockWriter.Options(1_000, 100, 20, 0.05, 1);

  /**
   * 1,000 traces of 3 spans in one block, 3 row groups of 1,000 rows. Trace i has id (0, i+1), so
   * block order is trace order; only the last 10 traces (all in the last row group) have a span
   * longer than 2 s, only trace 500 runs in service "rare" and only trace 100 in "svc3x".
   */
  private static List<Span> spans(long startOffsetMs) {
    List<Span> out = new ArrayList<>();
    for (int i = 0; i < TRACES; i++) {
      TraceId trace = TraceId.of(0, i + 1);
      long start = T0 + (startOffsetMs + i) * MS;
      String service = i == 500 ? "rare" : i == 100 ? "svc3x" : "svc" + (i % 7);
      for (int s = 0; s < 3; s++) {
        long duration = (i >= TRACES - 10 && s == 2 ? 3_000 : 10 + s) * MS;
        out.add(Span.builder().traceId(trace).spanId(SpanId.of(i * 10L + s + 1))
            .parentSpanId(s == 0 ? SpanId.NONE : SpanId.of(i * 10L + 1))
            .name(s == 0 ? "GET /" : "db").kind(s == 0 ? SpanKind.SERVER : SpanKind.CLIENT)
            .startUnixNano(start + s * MS).endUnixNano(start + s * MS + duration)
            .statusCode(StatusCode.UNSET)
            .attributes(Attributes.builder().put("http.route", "/api/" + (i % 13)).build())
            .resource(Resource.of(Attributes.builder().put("service.name", service).build()))
            .build());
      }
    }
    return out;
  }

  private static TraceStore store() {
    return TraceStores.builder().objectStore(new io.tracestore.core.storage.InMemoryObjectStore())
        .blockOptions(SMALL_GROUPS).build();
  }

  private static SearchResult search(TraceStore store, String query, int limit) {
    return store.search(SearchRequest.of(query).withLimit(limit));
  }

  @Test
  @DisplayName("skips row groups whose duration statistics rule the predicate out, and finds the matches")
  void rowGroupsPrunedByStatistics() {
    try (TraceStore store = store()) {
      store.append(spans(0));
      store.flush();
      SearchResult r = search(store, "{ duration > 2s }", 100);
      assertThat(r.traces()).hasSize(10);
      assertThat(r.metrics().rowGroupsPruned()).isEqualTo(2);
      assertThat(r.metrics().rowGroupsInspected()).isEqualTo(1);
      assertThat(r.metrics().tracesInspected()).isEqualTo(10);
    }
  }

  @Test
  @DisplayName("skips the pages whose bounds rule the predicate out and reads only the others")
  void pagesPrunedByTheirBounds() {
    try (TraceStore store = store()) {
      store.append(spans(0));
      store.flush();
      // of the 30 pages of service_name one holds "rare" (trace 500's): only that page is decoded, and not kept;
      // with a count no trace reaches (each has 3 spans), no trace is read either. Asked again, the chunk is
      // decoded whole into the cache (a repeated query should not decode the same page every time); then it is a hit
      String query = "{ resource.service.name = \"rare\" } | count() > 3";
      SearchResult[] runs = new SearchResult[3];
      for (int run = 0; run < 3; run++) {
        runs[run] = search(store, query, 20);
        assertThat(runs[run].traces()).isEmpty();
        assertThat(runs[run].metrics().pagesInspected()).isEqualTo(1);
        assertThat(runs[run].metrics().pagesPruned()).isEqualTo(29);
      }
      // the generic resource attribute keys, consulted too, are cached from the first run on
      assertThat(runs[1].metrics().cacheMisses()).as("the chunk, not kept the first time, now decoded whole").isEqualTo(1);
      assertThat(runs[2].metrics().cacheMisses()).isZero();
      assertThat(runs[2].metrics().bytesDecoded()).isZero();
      // a predicate no page bound rules out decodes the other two chunks whole, a page costs a fraction of that
      SearchResult whole = search(store, "{ resource.service.name != \"nothing\" } | count() > 3", 20);
      assertThat(whole.traces()).isEmpty();
      assertThat(whole.metrics().pagesPruned()).isZero();
      assertThat(whole.metrics().pagesInspected()).isEqualTo(30);
      assertThat(whole.metrics().cacheMisses()).isEqualTo(2);
      assertThat(whole.metrics().bytesDecoded()).isGreaterThan(runs[1].metrics().bytesDecoded()); // two chunks, not one
      // duration: two row groups pruned by their statistics; in the last, only the page of the slow traces is read
      SearchResult slow = search(store, "{ duration > 2s }", 100);
      assertThat(slow.traces()).hasSize(10);
      assertThat(slow.metrics().pagesInspected()).isEqualTo(1);
      assertThat(slow.metrics().pagesPruned()).isEqualTo(9);
      // the same predicate finding the trace
      SearchResult rare = search(store, "{ resource.service.name = \"rare\" }", 20);
      assertThat(rare.traces()).extracting(SearchResult.TraceMatch::traceId).containsExactly(TraceId.of(0, 501));
      assertThat(rare.metrics().pagesInspected()).isEqualTo(1);
      assertThat(rare.metrics().pagesPruned()).isEqualTo(29);
    }
  }

  @Test
  @DisplayName("skips row groups by string statistics and column chunks whose dictionary lacks the value")
  void rowGroupsAndChunksPrunedByStringsTheyCannotHold() {
    try (TraceStore store = store()) {
      store.append(spans(0));
      store.flush();
      // "svc3x" (trace 100, row group 0) lies between the bounds of every page (svc0 .. svc6); the
      // dictionaries of row groups 1 and 2 lack it, so none of their data pages is read (run first:
      // the traces found below put columns in the cache)
      SearchResult between = search(store, "{ resource.service.name = \"svc3x\" }", 20);
      assertThat(between.traces()).extracting(SearchResult.TraceMatch::traceId).containsExactly(TraceId.of(0, 101));
      assertThat(between.metrics().pagesPruned()).isEqualTo(20);
      assertThat(between.metrics().pagesInspected()).isEqualTo(10);
      // span names are "GET /" and "db": "zzz" is above every row group's maximum
      SearchResult above = search(store, "{ name = \"zzz\" }", 20);
      assertThat(above.traces()).isEmpty();
      assertThat(above.metrics().rowGroupsPruned()).isEqualTo(3);
      assertThat(search(store, "{ name = \"db\" }", 20).metrics().rowGroupsPruned()).isZero();
      SearchResult present = search(store, "{ resource.service.name = \"svc3\" }", 200);
      assertThat(present.traces()).hasSize(142); // i % 7 == 3 for 143 traces of 1,000, but trace 500 runs in "rare"
      assertThat(present.metrics().pagesInspected()).isEqualTo(30);
    }
  }

  @Test
  @DisplayName("skips a block whose meta.json lists no value of the column that passes, before reading its footer")
  void blocksPrunedByTheValuesListedInTheirMeta() {
    io.tracestore.core.storage.InMemoryObjectStore objects = new io.tracestore.core.storage.InMemoryObjectStore();
    try (TraceStore store = TraceStores.builder().objectStore(objects).blockOptions(SMALL_GROUPS).build()) {
      store.append(spans(0));
      store.flush();
      store.append(spans(0).stream().map(s -> s.toBuilder().traceId(TraceId.of(1, s.traceId().low()))
          .resource(Resource.of(Attributes.builder().put("service.name", "other").build())).build()).toList());
      store.flush();
      List<io.tracestore.core.block.BlockMeta> metas = new ArrayList<>();
      for (String key : objects.list("")) {
        if (key.endsWith("/meta.json")) {
          metas.add(io.tracestore.core.block.BlockMeta.fromJson(objects.get(key), key));
        }
      }
      assertThat(metas).extracting(m -> m.valuesOf("service_name")).containsExactlyInAnyOrder(
          List.of("other"), List.of("rare", "svc0", "svc1", "svc2", "svc3", "svc3x", "svc4", "svc5", "svc6"));
      assertThat(metas).extracting(m -> m.valuesOf("name")).containsOnly(List.of("GET /", "db"));

      SearchResult r = search(store, "{ resource.service.name = \"other\" && name = \"GET /\" }", 2_000);
      assertThat(r.traces()).hasSize(1_000).allMatch(t -> t.traceId().high() == 1);
      assertThat(r.metrics().rowGroupsPruned()).isEqualTo(3); // the first block's three, by its meta.json
      assertThat(r.metrics().rowGroupsInspected()).isEqualTo(3);
      // an attribute no span has, in no dedicated column or generic list: both blocks ruled out
      SearchResult none = search(store, "{ span.nothing = \"x\" }", 20);
      assertThat(none.traces()).isEmpty();
      assertThat(none.metrics().rowGroupsPruned()).isEqualTo(6);
      assertThat(none.metrics().rowGroupsInspected()).isZero();
      assertThat(none.metrics().cacheMisses()).isZero();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  @DisplayName("prunes blocks by the number ranges in their meta.json, keeping every match")
  void blocksPrunedByTheNumberRangesInTheirMeta() throws java.io.IOException {
    // block 1: the usual spans (10-12 ms, 3 s for the last traces, status unset, http.status_code 200);
    // block 2: slow errors with http.status_code 500-504
    List<Span> fast = spans(0).stream().map(s -> s.toBuilder()
        .attributes(Attributes.builder().put("http.route", "/a").put("http.status_code", 200L).build()).build()).toList();
    List<Span> slow = new ArrayList<>();
    for (Span s : spans(0)) {
      slow.add(s.toBuilder().traceId(TraceId.of(2, s.traceId().low())).endUnixNano(s.startUnixNano() + 5_000 * MS)
          .statusCode(StatusCode.ERROR)
          .attributes(Attributes.builder().put("http.route", "/b").put("http.status_code", 500L + s.traceId().low() % 5).build())
          .build());
    }
    io.tracestore.core.storage.InMemoryObjectStore objects = new io.tracestore.core.storage.InMemoryObjectStore();
    try (TraceStore store = TraceStores.builder().objectStore(objects).blockOptions(SMALL_GROUPS).build();
        TraceStore memory = TraceStores.inMemory()) {
      store.append(fast);
      store.flush();
      store.append(slow);
      store.flush();
      memory.append(fast);
      memory.append(slow);
      List<io.tracestore.core.block.BlockMeta> metas = new ArrayList<>();
      for (String key : objects.list("")) {
        if (key.endsWith("/meta.json")) {
          metas.add(io.tracestore.core.block.BlockMeta.fromJson(objects.get(key), key));
        }
      }
      assertThat(metas).extracting(m -> m.rangeOf("duration_nano")).containsExactlyInAnyOrder(
          new io.tracestore.core.block.BlockMeta.Range(10 * MS, 3_000 * MS), new io.tracestore.core.block.BlockMeta.Range(5_000 * MS, 5_000 * MS));
      assertThat(metas).extracting(m -> m.rangeOf("span.http.status_code")).containsExactlyInAnyOrder(
          new io.tracestore.core.block.BlockMeta.Range(200, 200), new io.tracestore.core.block.BlockMeta.Range(500, 504));
      assertThat(metas).extracting(m -> m.rangeOf("status_code")).containsExactlyInAnyOrder(
          new io.tracestore.core.block.BlockMeta.Range(0, 0), new io.tracestore.core.block.BlockMeta.Range(2, 2));

      // each of these rules out the first block (3 row groups) by its meta.json alone
      for (String q : List.of("{ duration > 4s }", "{ duration >= 5s && kind = server }", "{ status = error }",
          "{ span.http.status_code >= 500 }", "{ span.http.status_code = 502 }", "{ span.http.status_code > 499.5 }",
          "{ span.http.status_code != 200 }")) {
        SearchResult r = search(store, q, 2_000);
        assertThat(r.traces()).as(q).isNotEmpty().allMatch(t -> t.traceId().high() == 2);
        assertThat(r.traces()).as(q).extracting(SearchResult.TraceMatch::traceId)
            .containsExactlyElementsOf(search(memory, q, 2_000).traces().stream().map(SearchResult.TraceMatch::traceId).toList());
        assertThat(r.metrics().rowGroupsPruned()).as(q).isGreaterThanOrEqualTo(3);
      }
      // ranges that hold a match prune nothing by meta; an attribute no block has as a number prunes both
      for (String q : List.of("{ duration <= 10ms }", "{ span.http.status_code < 201 }", "{ duration != 5s }")) {
        SearchResult r = search(store, q, 2_000);
        assertThat(r.traces()).as(q).extracting(SearchResult.TraceMatch::traceId)
            .containsExactlyElementsOf(search(memory, q, 2_000).traces().stream().map(SearchResult.TraceMatch::traceId).toList());
        assertThat(r.traces()).as(q).anyMatch(t -> t.traceId().high() == 0);
      }
      SearchResult none = search(store, "{ span.nothing > 3 }", 20);
      assertThat(none.traces()).isEmpty();
      assertThat(none.metrics().rowGroupsInspected()).isZero();
      assertThat(none.metrics().cacheMisses()).isZero();
    }
  }

  @Test
  @DisplayName("prunes no page that holds a match, whatever the operator")
  void pagePruningKeepsEveryMatch() {
    try (TraceStore store = store()) {
      store.append(spans(0));
      store.flush();
      for (String q : List.of("{ duration >= 3s }", "{ duration < 11ms }", "{ duration <= 10ms }", "{ duration = 12ms }",
          "{ duration != 10ms }", "{ resource.service.name = \"svc3\" }", "{ resource.service.name =~ \"ra.*\" }",
          "{ resource.service.name != \"svc3\" }", "{ name = \"GET /\" && duration > 2s }", "{ span.http.route = \"/api/12\" }",
          "{ resource.service.name =~ \"rare|svc6\" }", "{ name =~ \"G.*\" }")) {
        SearchResult r = search(store, q, 2_000);
        try (TraceStore memory = TraceStores.inMemory()) {
          memory.append(spans(0));
          assertThat(r.traces()).as(q).extracting(SearchResult.TraceMatch::traceId)
              .containsExactlyElementsOf(search(memory, q, 2_000).traces().stream().map(SearchResult.TraceMatch::traceId).toList());
        }
      }
    }
  }

  @Test
  @DisplayName("decodes only the traces whose columns may match")
  void onlyCandidateTracesAreDecoded() {
    try (TraceStore store = store()) {
      store.append(spans(0));
      store.flush();
      SearchResult r = search(store, "{ resource.service.name = \"rare\" && kind = server }", 20);
      assertThat(r.traces()).extracting(SearchResult.TraceMatch::traceId).containsExactly(TraceId.of(0, 501));
      assertThat(r.metrics().tracesInspected()).isEqualTo(1);
      assertThat(r.metrics().rowGroupsInspected()).isEqualTo(3);
    }
  }

  @Test
  @DisplayName("stops decoding once no remaining trace can make the top N")
  void earlyStopForTopN() {
    try (TraceStore store = store()) {
      store.append(spans(0));
      store.flush();
      SearchResult r = search(store, "{ }", 5);
      assertThat(r.traces()).extracting(SearchResult.TraceMatch::traceId)
          .containsExactly(TraceId.of(0, 1000), TraceId.of(0, 999), TraceId.of(0, 998), TraceId.of(0, 997), TraceId.of(0, 996));
      assertThat(r.metrics().tracesInspected()).isLessThanOrEqualTo(64);
    }
  }

  @Test
  @DisplayName("skips blocks outside the time range")
  void blocksPrunedByTimeRange() {
    try (TraceStore store = store()) {
      store.append(spans(0));
      store.flush();
      store.append(spans(10_000_000).stream().map(s -> s.toBuilder()
          .traceId(TraceId.of(1, s.traceId().low())).build()).toList());
      store.flush();
      long from = T0 + 10_000_000 * MS;
      SearchResult r = store.search(SearchRequest.of("{ name = \"GET /\" }").withLimit(0)
          .withTimeRange(from, from + 2_000_000 * MS));
      assertThat(r.traces()).hasSize(TRACES);
      assertThat(r.metrics().blocksPruned()).isEqualTo(1);
      assertThat(r.metrics().blocksInspected()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("serves a repeated search's columns from the cache")
  void repeatedSearchHitsTheCache() {
    try (TraceStore store = store()) {
      store.append(spans(0));
      store.flush();
      SearchResult first = search(store, "{ span.http.route = \"/api/3\" && status = unset }", 20);
      SearchResult second = search(store, "{ span.http.route = \"/api/3\" && status = unset }", 20);
      assertThat(second.traces()).isEqualTo(first.traces());
      assertThat(first.metrics().cacheMisses()).isPositive();
      assertThat(first.metrics().bytesDecoded()).isPositive();
      assertThat(second.metrics().cacheMisses()).isZero();
      assertThat(second.metrics().cacheHits()).isPositive();
    }
  }

  @Test
  @DisplayName("stops with a clear error when its thread is interrupted, and the store keeps working")
  void interruptedSearchStops() {
    try (TraceStore store = store()) {
      store.append(spans(0));
      store.flush();
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> search(store, "{ status = unset }", 20))
            .isInstanceOf(io.tracestore.api.TraceStoreException.class).hasMessageContaining("interrupted");
      } finally {
        Thread.interrupted();
      }
      assertThat(search(store, "{ status = unset }", 20).traces()).hasSize(20);
    }
  }

  @Test
  @DisplayName("tests spans still in memory with the same predicates, so only candidates are evaluated")
  void headTracesArePrefilteredToo() {
    try (TraceStore store = store()) {
      store.append(spans(0)); // not flushed: all in the head
      SearchResult r = search(store, "{ resource.service.name = \"rare\" && kind = server }", 20);
      assertThat(r.traces()).extracting(SearchResult.TraceMatch::traceId).containsExactly(TraceId.of(0, 501));
      assertThat(r.metrics().tracesInspected()).isEqualTo(1);
      SearchResult counted = search(store, "{ duration > 2s } | count() > 0", 100);
      assertThat(counted.traces()).hasSize(10);
      assertThat(counted.metrics().tracesInspected()).isEqualTo(10);
    }
  }
}
