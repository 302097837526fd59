package io.tracestore.cli;

import io.tracestore.api.SearchResult;
import java.io.PrintWriter;
import java.time.Instant;

/** Prints search results as a table, one line per trace. */
final class ResultTable {
  private ResultTable() {}

  static void print(SearchResult result, PrintWriter out) {
    if (result.traces().isEmpty()) {
      out.println("no matching traces");
      return;
    }
    out.printf("%-32s  %-24s  %10s  %-18s  %-32s  %s%n", "trace id", "start", "duration", "root service", "root name", "matched");
    for (SearchResult.TraceMatch t : result.traces()) {
      int matched = t.spanSets().stream().mapToInt(SearchResult.SpanSet::matched).sum();
      out.printf("%-32s  %-24s  %10s  %-18s  %-32s  %d%n", t.traceId(), Instant.ofEpochSecond(0, t.startUnixNano()),
          TraceTree.millis(t.durationNanos()), clip(t.rootServiceName(), 18), clip(t.rootTraceName(), 32), matched);
    }
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
