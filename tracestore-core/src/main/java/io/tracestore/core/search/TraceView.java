package io.tracestore.core.search;

import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.Trace;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One trace as the evaluator sees it: its spans by index (the trace's start order, then span id)
 * and, computed on first use, its tree: each span's parent index, child count and nested-set
 * bounds.
 *
 * <p>The tree follows the block layout ({@code TraceLayout}): a span's parent is the span of the
 * trace with its parent span id; a span whose parent is absent (an orphan) has no parent and, like a
 * true root, starts a tree of its own (true roots are numbered first, then orphans, each in start
 * order). A span on a cycle of parent ids that no root reaches is a tree of one. Spans are
 * therefore related by {@code >} {@code >>} {@code ~} only within one tree, and two roots are not
 * siblings. Not thread-safe; one per trace evaluation.
 */
final class TraceView {
  final Trace trace;
  final List<Span> spans;
  final int n;

  private int[] parent;
  private int[] childCount;
  private int[] left;
  private int[] right;
  private int[] preorder;
  private Span root;
  private boolean rootKnown;
  private String traceIdHex;
  private long durationNanos;
  private boolean durationKnown;

  TraceView(Trace trace) {
    this.trace = trace;
    this.spans = trace.spans();
    this.n = spans.size();
  }

  Span span(int i) {
    return spans.get(i);
  }

  /** The earliest span without a parent id, or null. */
  Span root() {
    if (!rootKnown) {
      for (Span s : spans) {
        if (s.isRoot()) {
          root = s;
          break;
        }
      }
      rootKnown = true;
    }
    return root;
  }

  String traceIdHex() {
    if (traceIdHex == null) {
      traceIdHex = trace.traceId().toHex();
    }
    return traceIdHex;
  }

  /** The trace's duration, from its earliest start to its latest end. */
  long durationNanos() {
    if (!durationKnown) {
      durationNanos = trace.durationNanos();
      durationKnown = true;
    }
    return durationNanos;
  }

  /** Parent index of every span, -1 for roots, orphans and spans on a cycle. */
  int[] parents() {
    if (parent == null) {
      build();
    }
    return parent;
  }

  int[] childCounts() {
    if (parent == null) {
      build();
    }
    return childCount;
  }

  /** Nested-set entry number of every span, from 1. */
  int[] lefts() {
    if (parent == null) {
      build();
    }
    return left;
  }

  /** Nested-set exit number of every span. */
  int[] rights() {
    if (parent == null) {
      build();
    }
    return right;
  }

  /** Span indexes in depth-first order: a parent always comes before its descendants. */
  int[] preorder() {
    if (parent == null) {
      build();
    }
    return preorder;
  }

  private void build() {
    int[] par = new int[n];
    Map<SpanId, Integer> index = new HashMap<>(n * 2);
    for (int k = 0; k < n; k++) {
      index.put(spans.get(k).spanId(), k);
    }
    int[] count = new int[n];
    for (int k = 0; k < n; k++) {
      Span s = spans.get(k);
      Integer p = s.isRoot() ? null : index.get(s.parentSpanId());
      par[k] = p == null || p == k ? -1 : p;
      if (par[k] >= 0) {
        count[par[k]]++;
      }
    }
    int[] firstChild = new int[n + 1];
    for (int k = 0; k < n; k++) {
      firstChild[k + 1] = firstChild[k] + count[k];
    }
    int[] children = new int[firstChild[n]];
    int[] fill = Arrays.copyOf(firstChild, n);
    for (int k = 0; k < n; k++) {
      if (par[k] >= 0) {
        children[fill[par[k]]++] = k;
      }
    }
    int[] l = new int[n];
    int[] r = new int[n];
    int[] pre = new int[n];
    int visited = 0;
    int counter = 0;
    int[] stack = new int[n];
    int[] next = new int[n];
    for (int pass = 0; pass < 2; pass++) {
      for (int start = 0; start < n; start++) {
        boolean trueRoot = spans.get(start).isRoot();
        if (par[start] != -1 || l[start] != 0 || trueRoot != (pass == 0)) {
          continue;
        }
        int sp = 0;
        stack[sp++] = start;
        l[start] = ++counter;
        pre[visited++] = start;
        next[start] = firstChild[start];
        while (sp > 0) {
          int top = stack[sp - 1];
          if (next[top] < firstChild[top + 1]) {
            int c = children[next[top]++];
            if (l[c] != 0) {
              continue;
            }
            l[c] = ++counter;
            pre[visited++] = c;
            next[c] = firstChild[c];
            stack[sp++] = c;
          } else {
            r[top] = ++counter;
            sp--;
          }
        }
      }
    }
    for (int k = 0; k < n; k++) {
      if (l[k] == 0) {
        // on a cycle of parent ids no root reaches: a tree of its own
        l[k] = ++counter;
        r[k] = ++counter;
        pre[visited++] = k;
      }
    }
    // keep parent links consistent with the nested sets (drops links along unreachable cycles)
    for (int k = 0; k < n; k++) {
      int p = par[k];
      if (p >= 0 && !(l[p] < l[k] && r[k] < r[p])) {
        count[p]--;
        par[k] = -1;
      }
    }
    this.parent = par;
    this.childCount = count;
    this.left = l;
    this.right = r;
    this.preorder = pre;
  }
}
