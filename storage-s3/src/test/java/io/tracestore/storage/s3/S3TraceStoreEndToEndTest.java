package io.tracestore.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.StatusCode;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.TraceStores;
import io.tracestore.testing.WorkloadGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole TraceStore with its blocks on S3 (S3Proxy on 127.0.0.1). */
class S3TraceStoreEndToEndTest {

  @TempDir
  Path tmp;

  @Test
  void spansWrittenThroughS3AreFoundAndSeenByASecondInstance() throws Exception {
    String bucket = S3TestServer.newBucket();
    List<Span> spans = WorkloadGenerator.generate(42, 2_000);
    Map<TraceId, List<Span>> byTrace = new LinkedHashMap<>();
    for (Span s : spans) {
      byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s);
    }
    Set<TraceId> withErrors = spans.stream().filter(s -> s.statusCode() == StatusCode.ERROR)
        .map(Span::traceId).collect(Collectors.toSet());
    assertThat(withErrors).as("the workload has error spans").isNotEmpty();
    TraceId sample = byTrace.keySet().iterator().next();

    try (S3ObjectStore s3 = S3TestServer.storeBuilder(bucket).prefix("e2e").build()) {
      try (TraceStore store = TraceStores.builder().objectStore(s3).walDirectory(tmp.resolve("wal1")).build()) {
        store.append(spans);
        store.flush();
        assertThat(store.findTrace(sample)).contains(new Trace(sample, byTrace.get(sample)));
        assertThat(store.search("{ status = error }").traces()).isNotEmpty()
            .allSatisfy(m -> assertThat(withErrors).contains(m.traceId()));
        SearchResult errors = store.search(io.tracestore.api.SearchRequest.of("{ status = error }")
            .withLimit(0));
        assertThat(errors.traces()).extracting(SearchResult.TraceMatch::traceId)
            .containsExactlyInAnyOrderElementsOf(withErrors);
      }
      assertThat(s3.list("")).as("blocks were written to S3").isNotEmpty();
    }

    // A second instance on the same bucket and prefix, with a fresh (empty) write-ahead log.
    try (S3ObjectStore s3 = S3TestServer.storeBuilder(bucket).prefix("e2e").build();
        TraceStore store = TraceStores.builder().objectStore(s3).walDirectory(tmp.resolve("wal2")).build()) {
      for (Map.Entry<TraceId, List<Span>> e : byTrace.entrySet()) {
        assertThat(store.findTrace(e.getKey())).contains(new Trace(e.getKey(), e.getValue()));
      }
      SearchResult errors = store.search(io.tracestore.api.SearchRequest.of("{ status = error }").withLimit(0));
      assertThat(errors.traces()).hasSize(withErrors.size());
    }
  }
}
