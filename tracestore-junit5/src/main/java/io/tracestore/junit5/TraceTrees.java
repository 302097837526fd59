package io.tracestore.junit5;

import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.StatusCode;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Renders stored traces as indented trees for failure messages. Stateless. */
final class TraceTrees {
  /** Most traces printed in one message (the newest). */
  static final int MAX_TRACES = 20;

  private TraceTrees() {}

  /** Every stored trace (the {@value #MAX_TRACES} newest), as trees, for a failure message. */
  static String describeStore(TraceStore store) {
    SearchResult all;
    try {
      all = store.search(SearchRequest.of("{ }").withLimit(0).withSpansPerSpanSet(1));
    } catch (RuntimeException e) {
      return "(could not list the stored traces: " + e + ")";
    }
    int total = all.traces().size();
    if (total == 0) {
      return "no traces stored";
    }
    StringBuilder sb = new StringBuilder();
    sb.append(total).append(total == 1 ? " trace stored" : " traces stored");
    if (total > MAX_TRACES) {
      sb.append(", the ").append(MAX_TRACES).append(" newest");
    }
    sb.append(":\n");
    for (SearchResult.TraceMatch m : all.traces().subList(0, Math.min(total, MAX_TRACES))) {
      Optional<Trace> t = store.findTrace(m.traceId());
      t.ifPresent(trace -> render(trace, sb));
    }
    return sb.toString();
  }

  /** One trace as a tree: a header line, then one line per span indented under its parent. */
  static String render(Trace trace) {
    StringBuilder sb = new StringBuilder();
    render(trace, sb);
    return sb.toString();
  }

  private static void render(Trace trace, StringBuilder sb) {
    sb.append("trace ").append(trace.traceId().toHex()).append("  ").append(trace.spans().size())
        .append(trace.spans().size() == 1 ? " span  " : " spans  ").append(millis(trace.durationNanos())).append('\n');
    List<Span> tops = new ArrayList<>(trace.roots());
    tops.addAll(trace.orphans());
    for (Span s : tops) {
      render(trace, s, "  ", sb, s.isRoot() ? "" : "  (orphan: parent " + s.parentSpanId().toHex() + " missing)");
    }
  }

  private static void render(Trace trace, Span s, String indent, StringBuilder sb, String note) {
    sb.append(indent).append("- ").append(s.name());
    if (!s.serviceName().isEmpty()) {
      sb.append(" (").append(s.serviceName()).append(')');
    }
    sb.append("  ").append(s.kind().name().toLowerCase(Locale.ROOT)).append("  ").append(millis(s.durationNanos()));
    if (s.statusCode() == StatusCode.ERROR) {
      sb.append("  ERROR").append(s.statusMessage().isEmpty() ? "" : ": " + s.statusMessage());
    } else if (s.statusCode() == StatusCode.OK) {
      sb.append("  OK");
    }
    sb.append("  span ").append(s.spanId().toHex()).append(note).append('\n');
    for (Span c : trace.children(s.spanId())) {
      render(trace, c, indent + "  ", sb, "");
    }
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }
}
