package io.tracestore.cli;

import io.tracestore.api.Span;
import io.tracestore.api.StatusCode;
import io.tracestore.api.Trace;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints a trace as an indented tree with service, name, duration, a timing bar and status. */
final class TraceTree {
  private static final int BAR = 30;

  private TraceTree() {}

  static void print(Trace trace, PrintWriter out) {
    long start = trace.startUnixNano();
    long total = Math.max(1, trace.durationNanos());
    out.printf("trace %s  %d spans  %s%n", trace.traceId(), trace.spans().size(), millis(trace.durationNanos()));
    List<Span> tops = new ArrayList<>(trace.roots());
    tops.addAll(trace.orphans());
    for (Span s : tops) {
      print(trace, s, "", start, total, out, s.isRoot() ? "" : " (orphan: parent " + s.parentSpanId() + " missing)");
    }
  }

  private static void print(Trace trace, Span s, String indent, long start, long total, PrintWriter out, String note) {
    int from = (int) Math.min(BAR - 1, (s.startUnixNano() - start) * BAR / total);
    int len = (int) Math.max(1, Math.min(BAR - from, (s.durationNanos() * BAR + total - 1) / total));
    String bar = " ".repeat(from) + "█".repeat(len) + " ".repeat(BAR - from - len);
    String status = s.statusCode() == StatusCode.ERROR
        ? "  ERROR" + (s.statusMessage().isEmpty() ? "" : ": " + s.statusMessage())
        : "";
    out.printf("|%s| %10s  %s%s %s%s%s%n", bar, millis(s.durationNanos()), indent, s.serviceName(), s.name(), status, note);
    for (Span c : trace.children(s.spanId())) {
      print(trace, c, indent + "  ", start, total, out, "");
    }
  }

  static String millis(long nanos) {
    return String.format("%.3f ms", nanos / 1e6);
  }
}
