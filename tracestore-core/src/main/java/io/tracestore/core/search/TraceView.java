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

  /** Where a trace's tree is stored rather than worked out: a block's parent-index and nested-set columns. */
  @FunctionalInterface
  interface StoredTree {
    /** {parent index, nested-set left, nested-set right} per span in the trace's order, or null. */
    int[][] read();
  }

  private final StoredTree stored;

  TraceView(Trace trace) {
    this(trace, null);
  }

  /**
   * A view whose tree comes from {@code stored} (null: worked out from the spans' ids). The stored
   * tree must follow the same rules ({@code TraceLayout} writes it so); one that does not fit the
   * spans (other length, numbers out of range) is ignored and the tree worked out.
   */
  TraceView(Trace trace, StoredTree stored) {
    this.trace = trace;
    this.spans = trace.spans();
    this.n = spans.size();
    this.stored = stored;
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
    if (stored != null && fromStored(stored.read())) {
      return;
    }
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
    keepConsistent(par, count, l, r);
    this.parent = par;
    this.childCount = count;
    this.left = l;
    this.right = r;
    this.preorder = pre;
  }

  /** Keeps parent links consistent with the nested sets (drops links along unreachable cycles). */
  private void keepConsistent(int[] par, int[] count, int[] l, int[] r) {
    for (int k = 0; k < n; k++) {
      int p = par[k];
      if (p >= 0 && !(l[p] < l[k] && r[k] < r[p])) {
        count[p]--;
        par[k] = -1;
      }
    }
  }

  /**
   * Takes the tree from stored columns: no map from span id to index. Depth-first order is the
   * order of the entry numbers, which are 1..2n, each used once with the exit numbers.
   *
   * @return false if the columns do not fit this trace's spans (the caller works the tree out)
   */
  private boolean fromStored(int[][] t) {
    if (t == null || t.length != 3 || t[0].length != n || t[1].length != n || t[2].length != n) {
      return false;
    }
    int[] par = t[0].clone();
    int[] l = t[1];
    int[] r = t[2];
    int[] at = new int[2 * n + 1];
    java.util.Arrays.fill(at, -1);
    int[] count = new int[n];
    for (int k = 0; k < n; k++) {
      if (par[k] < -1 || par[k] >= n || l[k] < 1 || l[k] > 2 * n || r[k] <= l[k] || r[k] > 2 * n || at[l[k]] >= 0 || at[r[k]] >= 0) {
        return false;
      }
      at[l[k]] = k;
      at[r[k]] = n + k; // taken, not an entry
      if (par[k] == k) {
        par[k] = -1;
      }
      if (par[k] >= 0) {
        if (!spans.get(par[k]).spanId().equals(spans.get(k).parentSpanId())) {
          return false; // not this trace's spans in this order
        }
        count[par[k]]++;
      }
    }
    int[] pre = new int[n];
    int visited = 0;
    for (int number = 1; number <= 2 * n; number++) {
      if (at[number] >= 0 && at[number] < n) {
        pre[visited++] = at[number];
      }
    }
    keepConsistent(par, count, l, r);
    this.parent = par;
    this.childCount = count;
    this.left = l.clone();
    this.right = r.clone();
    this.preorder = pre;
    return true;
  }
}
