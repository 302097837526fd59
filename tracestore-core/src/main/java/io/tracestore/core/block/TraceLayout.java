package io.tracestore.core.block;

import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Orders a block's spans (trace id, then start time, then span id), drops repeated span ids within
 * a trace, and computes each trace's nested sets, parent indexes and trace-level fields.
 *
 * <p>Nested sets: a depth-first walk numbers each span's entry ({@code left}) and exit
 * ({@code right}) from 1 within its trace, so {@code a} is an ancestor of {@code d} exactly when
 * {@code a.left < d.left && d.right < a.right}. A span whose parent is not in the trace (an orphan)
 * starts a tree of its own, after the true roots. Stateless.
 */
final class TraceLayout {
  static final Comparator<Span> BLOCK_ORDER = Comparator.comparing(Span::traceId)
      .thenComparingLong(Span::startUnixNano)
      .thenComparing(Span::spanId);

  private TraceLayout() {}

  /** The rows of a block holding {@code spans}, in block order, each (trace id, span id) once. */
  static List<SpanRow> layout(List<Span> spans) {
    Span[] sorted = sort(spans);
    List<SpanRow> rows = new ArrayList<>(sorted.length);
    int i = 0;
    while (i < sorted.length) {
      int j = i + 1;
      while (j < sorted.length && sorted[j].traceId().equals(sorted[i].traceId())) {
        j++;
      }
      layoutTrace(dedup(sorted, i, j), rows);
      i = j;
    }
    return rows;
  }

  /** {@code spans} in {@link #BLOCK_ORDER}, comparing primitive keys copied out once per span. */
  private static Span[] sort(List<Span> spans) {
    SortKey[] keys = new SortKey[spans.size()];
    int k = 0;
    for (Span s : spans) {
      keys[k++] = new SortKey(s);
    }
    Arrays.sort(keys, SortKey.ORDER);
    Span[] sorted = new Span[keys.length];
    for (int i = 0; i < keys.length; i++) {
      sorted[i] = keys[i].span;
    }
    return sorted;
  }

  /** A span's sort key; unsigned ids are flipped so that signed comparison orders them. */
  private static final class SortKey {
    static final Comparator<SortKey> ORDER = (a, b) -> {
      int c = Long.compare(a.high, b.high);
      if (c != 0) {
        return c;
      }
      c = Long.compare(a.low, b.low);
      if (c != 0) {
        return c;
      }
      c = Long.compare(a.start, b.start);
      return c != 0 ? c : Long.compare(a.spanId, b.spanId);
    };

    final long high;
    final long low;
    final long start;
    final long spanId;
    final Span span;

    SortKey(Span s) {
      high = s.traceId().high() ^ Long.MIN_VALUE;
      low = s.traceId().low() ^ Long.MIN_VALUE;
      start = s.startUnixNano();
      spanId = s.spanId().value() ^ Long.MIN_VALUE;
      span = s;
    }
  }

  private static List<Span> dedup(Span[] sorted, int from, int to) {
    List<Span> out = new ArrayList<>(to - from);
    if (to - from == 1) {
      out.add(sorted[from]);
      return out;
    }
    if (to - from <= SMALL_TRACE) {
      long[] kept = new long[to - from];
      int n = 0;
      next:
      for (int k = from; k < to; k++) {
        long id = sorted[k].spanId().value();
        for (int m = 0; m < n; m++) {
          if (kept[m] == id) {
            continue next;
          }
        }
        kept[n++] = id;
        out.add(sorted[k]);
      }
      return out;
    }
    java.util.HashSet<SpanId> seen = new java.util.HashSet<>((to - from) * 2);
    for (int k = from; k < to; k++) {
      if (seen.add(sorted[k].spanId())) {
        out.add(sorted[k]);
      }
    }
    return out;
  }

  /** Traces up to this many spans look ids up by a linear scan rather than a hash map. */
  private static final int SMALL_TRACE = 32;

  /** The row of span id {@code id} within its trace, or -1. */
  private static int indexOf(SpanId id, long[] ids, Map<SpanId, Integer> index) {
    if (index != null) {
      Integer p = index.get(id);
      return p == null ? -1 : p;
    }
    long v = id.value();
    for (int k = 0; k < ids.length; k++) {
      if (ids[k] == v) {
        return k;
      }
    }
    return -1;
  }

  private static void layoutTrace(List<Span> trace, List<SpanRow> rows) {
    int n = trace.size();
    long[] ids = new long[n];
    Map<SpanId, Integer> index = n > SMALL_TRACE ? new HashMap<>(n * 2) : null;
    for (int k = 0; k < n; k++) {
      ids[k] = trace.get(k).spanId().value();
      if (index != null) {
        index.put(trace.get(k).spanId(), k);
      }
    }
    int[] parent = new int[n];
    int[] childCount = new int[n];
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    Span root = null;
    for (int k = 0; k < n; k++) {
      Span s = trace.get(k);
      int p = s.isRoot() ? -1 : indexOf(s.parentSpanId(), ids, index);
      parent[k] = p == k ? -1 : p;
      if (parent[k] >= 0) {
        childCount[parent[k]]++;
      }
      if (root == null && s.isRoot()) {
        root = s; // trace is in start order: the earliest true root
      }
      start = Math.min(start, s.startUnixNano());
      end = Math.max(end, s.endUnixNano());
    }
    // children lists in start order (CSR layout)
    int[] firstChild = new int[n + 1];
    for (int k = 0; k < n; k++) {
      firstChild[k + 1] = firstChild[k] + childCount[k];
    }
    int[] children = new int[firstChild[n]];
    int[] fill = Arrays.copyOf(firstChild, n);
    for (int k = 0; k < n; k++) {
      if (parent[k] >= 0) {
        children[fill[parent[k]]++] = k;
      }
    }
    int[] left = new int[n];
    int[] right = new int[n];
    int counter = 0;
    int[] stack = new int[n];
    int[] next = new int[n];
    // true roots first, then orphans, each in start order
    for (int pass = 0; pass < 2; pass++) {
      for (int r = 0; r < n; r++) {
        boolean isTrueRoot = trace.get(r).isRoot();
        if (parent[r] != -1 || left[r] != 0 || isTrueRoot != (pass == 0)) {
          continue;
        }
        int sp = 0;
        stack[sp++] = r;
        left[r] = ++counter;
        next[r] = firstChild[r];
        while (sp > 0) {
          int top = stack[sp - 1];
          if (next[top] < firstChild[top + 1]) {
            int c = children[next[top]++];
            if (left[c] != 0) {
              continue; // a cycle of parent ids; each span is visited once
            }
            left[c] = ++counter;
            next[c] = firstChild[c];
            stack[sp++] = c;
          } else {
            right[top] = ++counter;
            sp--;
          }
        }
      }
    }
    // spans on a parent cycle unreachable from any root: number them as single nodes
    for (int k = 0; k < n; k++) {
      if (left[k] == 0) {
        left[k] = ++counter;
        right[k] = ++counter;
      }
    }
    SpanRow.TraceSummary summary = new SpanRow.TraceSummary(
        root == null ? "" : root.serviceName(), root == null ? "" : root.name(), start, end - start);
    for (int k = 0; k < n; k++) {
      rows.add(new SpanRow(trace.get(k), left[k], right[k], parent[k], summary));
    }
  }
}
