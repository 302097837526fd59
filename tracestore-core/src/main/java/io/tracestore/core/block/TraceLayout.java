package io.tracestore.core.block;

import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.TraceId;
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
    Scratch scratch = new Scratch();
    int i = 0;
    while (i < sorted.length) {
      int j = i + 1;
      while (j < sorted.length && sorted[j].traceId().equals(sorted[i].traceId())) {
        j++;
      }
      layoutTrace(sorted, i, dedup(sorted, i, j), rows, scratch);
      i = j;
    }
    return rows;
  }

  /**
   * {@code spans} in {@link #BLOCK_ORDER}; stable (of spans equal in that order, the earlier in
   * {@code spans} comes first, so {@link #dedup} keeps it). Inputs come as runs of one trace's
   * spans (a cut hands the head over trace by trace, a merge concatenates sorted blocks): the runs
   * are sorted by trace id, then each trace's spans by start time and span id, which compares far
   * fewer keys than sorting every span; an input of mostly single spans is sorted span by span.
   */
  private static Span[] sort(List<Span> spans) {
    Span[] in = spans.toArray(new Span[0]);
    int n = in.length;
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < n; ) {
      int j = i + 1;
      while (j < n && in[j].traceId().equals(in[i].traceId())) {
        j++;
      }
      runs.add(new Run(in[i].traceId(), i, j));
      i = j;
    }
    if (runs.size() * 2 > n) {
      return sortSpanBySpan(in);
    }
    runs.sort(Run.ORDER);
    Span[] out = new Span[n];
    int at = 0;
    for (int k = 0; k < runs.size(); ) {
      int traceFrom = at;
      TraceId trace = runs.get(k).traceId();
      do { // the runs of one trace, in input order
        Run run = runs.get(k++);
        System.arraycopy(in, run.from(), out, at, run.to() - run.from());
        at += run.to() - run.from();
      } while (k < runs.size() && runs.get(k).traceId().equals(trace));
      sortWithinTrace(out, traceFrom, at);
    }
    return out;
  }

  /** Spans {@code [from, to)} of the input, all of one trace; ordered by trace id, then place in the input (stable). */
  private record Run(TraceId traceId, int from, int to) {
    static final Comparator<Run> ORDER = Comparator.comparing(Run::traceId).thenComparingInt(Run::from);
  }

  private static Span[] sortSpanBySpan(Span[] in) {
    SortKey[] keys = new SortKey[in.length];
    for (int i = 0; i < in.length; i++) {
      keys[i] = new SortKey(in[i]);
    }
    Arrays.sort(keys, SortKey.ORDER);
    Span[] sorted = new Span[keys.length];
    for (int i = 0; i < keys.length; i++) {
      sorted[i] = keys[i].span;
    }
    return sorted;
  }

  /** Sorts one trace's spans {@code a[from, to)} by start time, then unsigned span id; stable. */
  private static void sortWithinTrace(Span[] a, int from, int to) {
    boolean sorted = true;
    for (int i = from + 1; i < to && sorted; i++) {
      sorted = WITHIN_TRACE.compare(a[i - 1], a[i]) <= 0;
    }
    if (sorted) {
      return;
    }
    if (to - from > SMALL_TRACE) {
      Arrays.sort(a, from, to, WITHIN_TRACE); // TimSort: stable
      return;
    }
    for (int i = from + 1; i < to; i++) { // insertion sort: stable
      Span s = a[i];
      int j = i - 1;
      while (j >= from && WITHIN_TRACE.compare(a[j], s) > 0) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = s;
    }
  }

  private static final Comparator<Span> WITHIN_TRACE = (x, y) -> {
    int c = Long.compare(x.startUnixNano(), y.startUnixNano());
    return c != 0 ? c : Long.compareUnsigned(x.spanId().value(), y.spanId().value());
  };

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

  /**
   * Drops the repeats of a span id from one trace's sorted spans {@code sorted[from, to)}, keeping
   * the first of each; moves the kept ones to the front of the range and returns its new end.
   */
  private static int dedup(Span[] sorted, int from, int to) {
    if (to - from == 1) {
      return to;
    }
    int end = from;
    if (to - from <= SMALL_TRACE) {
      next:
      for (int k = from; k < to; k++) {
        long id = sorted[k].spanId().value();
        for (int m = from; m < end; m++) {
          if (sorted[m].spanId().value() == id) {
            continue next;
          }
        }
        sorted[end++] = sorted[k];
      }
      return end;
    }
    java.util.HashSet<SpanId> seen = new java.util.HashSet<>((to - from) * 2);
    for (int k = from; k < to; k++) {
      if (seen.add(sorted[k].spanId())) {
        sorted[end++] = sorted[k];
      }
    }
    return end;
  }

  /** Work arrays of {@link #layoutTrace}, reused from trace to trace of one block. */
  private static final class Scratch {
    long[] ids = new long[0];
    int[] parent;
    int[] childCount;
    int[] firstChild;
    int[] children;
    int[] fill;
    int[] left;
    int[] right;
    int[] stack;
    int[] next;

    /** Ensures room for a trace of {@code n} spans; {@code childCount} and {@code left} are zero up to {@code n}. */
    void prepare(int n) {
      if (ids.length < n) {
        int size = Math.max(n, ids.length * 2);
        ids = new long[size];
        parent = new int[size];
        childCount = new int[size];
        firstChild = new int[size + 1];
        children = new int[size];
        fill = new int[size];
        left = new int[size];
        right = new int[size];
        stack = new int[size];
        next = new int[size];
      } else {
        Arrays.fill(childCount, 0, n, 0);
        Arrays.fill(left, 0, n, 0);
      }
    }
  }

  /** Traces up to this many spans look ids up by a linear scan rather than a hash map. */
  private static final int SMALL_TRACE = 32;

  /** The row of span id {@code id} within its trace, or -1. */
  private static int indexOf(SpanId id, long[] ids, int n, Map<SpanId, Integer> index) {
    if (index != null) {
      Integer p = index.get(id);
      return p == null ? -1 : p;
    }
    long v = id.value();
    for (int k = 0; k < n; k++) {
      if (ids[k] == v) {
        return k;
      }
    }
    return -1;
  }

  /** Appends the rows of one trace, its deduplicated spans {@code sorted[from, to)} in block order. */
  private static void layoutTrace(Span[] sorted, int from, int to, List<SpanRow> rows, Scratch scratch) {
    int n = to - from;
    scratch.prepare(n);
    long[] ids = scratch.ids;
    Map<SpanId, Integer> index = n > SMALL_TRACE ? new HashMap<>(n * 2) : null;
    for (int k = 0; k < n; k++) {
      ids[k] = sorted[from + k].spanId().value();
      if (index != null) {
        index.put(sorted[from + k].spanId(), k);
      }
    }
    int[] parent = scratch.parent;
    int[] childCount = scratch.childCount;
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    Span root = null;
    for (int k = 0; k < n; k++) {
      Span s = sorted[from + k];
      int p = s.isRoot() ? -1 : indexOf(s.parentSpanId(), ids, n, index);
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
    int[] firstChild = scratch.firstChild;
    firstChild[0] = 0;
    for (int k = 0; k < n; k++) {
      firstChild[k + 1] = firstChild[k] + childCount[k];
    }
    int[] children = scratch.children;
    int[] fill = scratch.fill;
    System.arraycopy(firstChild, 0, fill, 0, n);
    for (int k = 0; k < n; k++) {
      if (parent[k] >= 0) {
        children[fill[parent[k]]++] = k;
      }
    }
    int[] left = scratch.left;
    int[] right = scratch.right;
    int counter = 0;
    int[] stack = scratch.stack;
    int[] next = scratch.next;
    // true roots first, then orphans, each in start order
    for (int pass = 0; pass < 2; pass++) {
      for (int r = 0; r < n; r++) {
        boolean isTrueRoot = sorted[from + r].isRoot();
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
      rows.add(new SpanRow(sorted[from + k], left[k], right[k], parent[k], summary));
    }
  }
}
