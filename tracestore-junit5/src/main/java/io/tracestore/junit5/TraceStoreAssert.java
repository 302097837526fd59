package io.tracestore.junit5;

import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.TraceStore;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on the spans of a {@link TraceStore}, written as TraceQL queries. Obtain one with
 * {@link TraceStoreAssertions#assertThat(TraceStore)}.
 *
 * <p>Every failure message names the query and lists the stored traces (the newest
 * {@value TraceTrees#MAX_TRACES}) as trees of spans. An invalid query is not an assertion failure:
 * it throws the store's {@code io.tracestore.traceql.TraceQLException} with line and column.
 *
 * <p>Assertions read the store as it is when called; spans still buffered in an SDK's span
 * processor are not seen (with {@link TraceStoreExtension} nothing is buffered). Not thread-safe,
 * like every AssertJ assertion object.
 */
public final class TraceStoreAssert extends AbstractAssert<TraceStoreAssert, TraceStore> {

  TraceStoreAssert(TraceStore actual) {
    super(actual, TraceStoreAssert.class);
  }

  /** Verifies that at least one stored trace matches {@code traceql}. */
  public TraceStoreAssert hasTraceMatching(String traceql) {
    isNotNull();
    SearchResult r = actual.search(SearchRequest.of(traceql).withLimit(1).withSpansPerSpanSet(1));
    if (r.traces().isEmpty()) {
      failWithMessage("%s", "Expecting a trace matching:\n  " + traceql + "\nbut none did; "
          + TraceTrees.describeStore(actual));
    }
    return this;
  }

  /** Verifies that no stored span matches {@code traceql} (no trace yields a span set). */
  public TraceStoreAssert hasNoSpanMatching(String traceql) {
    isNotNull();
    SearchResult r = actual.search(SearchRequest.of(traceql).withLimit(0).withSpansPerSpanSet(0));
    if (!r.traces().isEmpty()) {
      StringBuilder found = new StringBuilder();
      for (SearchResult.TraceMatch m : r.traces()) {
        for (SearchResult.SpanSet set : m.spanSets()) {
          for (SearchResult.MatchedSpan s : set.spans()) {
            found.append("  ").append(s.name()).append("  span ").append(s.spanId().toHex())
                .append("  trace ").append(m.traceId().toHex()).append('\n');
          }
        }
      }
      failWithMessage("%s", "Expecting no span matching:\n  " + traceql + "\nbut " + matchedSpans(r)
          + " matched:\n" + found + TraceTrees.describeStore(actual));
    }
    return this;
  }

  /**
   * Verifies that {@code traceql} matches exactly {@code expected} spans: the sum of the
   * {@linkplain SearchResult.SpanSet#matched() matched counts} of every span set of every trace,
   * searched without limits. For a plain filter such as {@code { name = "x" }} that is the number
   * of spans named x.
   */
  public TraceStoreAssert hasSpanCountMatching(String traceql, int expected) {
    isNotNull();
    long count = matchedSpans(actual.search(SearchRequest.of(traceql).withLimit(0).withSpansPerSpanSet(0)));
    if (count != expected) {
      failWithMessage("%s", "Expecting " + expected + (expected == 1 ? " span" : " spans") + " matching:\n  "
          + traceql + "\nbut " + count + " matched; " + TraceTrees.describeStore(actual));
    }
    return this;
  }

  static long matchedSpans(SearchResult r) {
    long n = 0;
    for (SearchResult.TraceMatch m : r.traces()) {
      for (SearchResult.SpanSet set : m.spanSets()) {
        n += set.matched();
      }
    }
    return n;
  }
}
