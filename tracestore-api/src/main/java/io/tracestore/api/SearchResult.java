package io.tracestore.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a search found, shaped like Tempo's search response. Immutable.
 *
 * @param traces matching traces, newest start first (ties by trace id), at most the request's limit
 * @param metrics what the search inspected
 */
public record SearchResult(List<TraceMatch> traces, Metrics metrics) {
  public SearchResult {
    traces = List.copyOf(traces);
    Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * One matching trace.
   *
   * @param rootServiceName service of the root span, or {@code "<root span not yet received>"}
   * @param rootTraceName name of the root span, or the same placeholder
   * @param spanSets the span sets the query produced for this trace
   */
  public record TraceMatch(
      TraceId traceId, String rootServiceName, String rootTraceName, long startUnixNano, long durationNanos,
      List<SpanSet> spanSets) {
    public TraceMatch {
      Objects.requireNonNull(traceId, "traceId");
      spanSets = List.copyOf(spanSets);
    }
  }

  /**
   * A span set: some of its spans (up to the request's spans-per-span-set), how many it has, and
   * the values a pipeline computed for it (e.g. {@code count()} or {@code by(...)} keys), by name.
   */
  public record SpanSet(List<MatchedSpan> spans, int matched, Map<String, AttributeValue> attributes) {
    public SpanSet {
      spans = List.copyOf(spans);
      attributes = Map.copyOf(attributes);
    }
  }

  /**
   * A span of a span set with the attributes the query touched or {@code select()}ed, keyed as
   * written in the query (e.g. {@code span.http.route}).
   */
  public record MatchedSpan(SpanId spanId, String name, long startUnixNano, long durationNanos, Map<String, AttributeValue> attributes) {
    public MatchedSpan {
      Objects.requireNonNull(spanId, "spanId");
      attributes = Map.copyOf(attributes);
    }
  }

  /**
   * Work done by a search.
   *
   * @param blocksInspected blocks read
   * @param blocksPruned blocks skipped by their metadata (time range)
   * @param rowGroupsInspected row groups whose columns were scanned
   * @param rowGroupsPruned row groups skipped by their column statistics without reading data
   * @param pagesInspected pages of predicate columns whose rows were evaluated
   * @param pagesPruned pages of predicate columns skipped by their page index (bounds) without reading them
   * @param tracesInspected traces decoded and evaluated exactly
   * @param spansInspected spans of those traces
   * @param bytesDecoded bytes of column vectors decoded from storage (cache misses)
   * @param cacheHits column chunks found decoded in the cache
   * @param cacheMisses column chunks read and decoded
   * @param elapsedNanos wall time
   */
  public record Metrics(long blocksInspected, long blocksPruned, long rowGroupsInspected, long rowGroupsPruned,
      long pagesInspected, long pagesPruned,
      long tracesInspected, long spansInspected, long bytesDecoded, long cacheHits, long cacheMisses, long elapsedNanos) {}
}
