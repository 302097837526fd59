package io.tracestore.core.search;

import io.tracestore.traceql.ast.SpansetOp;

/**
 * The structural spanset operators over one trace's tree ({@link TraceView}), on sorted arrays of
 * span indexes. For {@code A op B}, with {@code l} ranging over A's spans and {@code r} over B's:
 *
 * <ul>
 *   <li>{@code >}: each r that is a child of some l; {@code >>}: a descendant of some l
 *   <li>{@code <}: each r that is the parent of some l; {@code <<}: an ancestor of some l
 *   <li>{@code ~}: each r that is a sibling of some l (same parent, r itself excluded)
 *   <li>{@code !>} {@code !>>} {@code !<} {@code !<<} {@code !~}: each r that has that relation to
 *       no l (all of B when A is empty)
 *   <li>{@code &>} {@code &>>} {@code &<} {@code &<<} {@code &~}: both spans of every related pair
 * </ul>
 *
 * Every operator runs in time linear in the trace's span count. Stateless.
 */
final class Structural {
  private Structural() {}

  /** The spans {@code lhs op rhs} selects, as sorted indexes. */
  static int[] relate(SpansetOp op, TraceView tv, int[] lhs, int[] rhs) {
    int n = tv.n;
    int[] parent = tv.parents();
    boolean[] inL = marks(n, lhs);
    boolean[] out = new boolean[n];
    switch (op) {
      case CHILD, NOT_CHILD -> {
        boolean negate = op == SpansetOp.NOT_CHILD;
        for (int r : rhs) {
          boolean m = parent[r] >= 0 && inL[parent[r]];
          out[r] = m != negate;
        }
      }
      case PARENT, NOT_PARENT -> {
        boolean negate = op == SpansetOp.NOT_PARENT;
        boolean[] parentOfL = new boolean[n];
        for (int l : lhs) {
          if (parent[l] >= 0) {
            parentOfL[parent[l]] = true;
          }
        }
        for (int r : rhs) {
          out[r] = parentOfL[r] != negate;
        }
      }
      case DESCENDANT, NOT_DESCENDANT -> {
        boolean negate = op == SpansetOp.NOT_DESCENDANT;
        boolean[] below = hasMarkedAncestor(tv, inL);
        for (int r : rhs) {
          out[r] = below[r] != negate;
        }
      }
      case ANCESTOR, NOT_ANCESTOR -> {
        boolean negate = op == SpansetOp.NOT_ANCESTOR;
        boolean[] above = ancestorsOf(parent, n, lhs);
        for (int r : rhs) {
          out[r] = above[r] != negate;
        }
      }
      case SIBLING, NOT_SIBLING -> {
        boolean negate = op == SpansetOp.NOT_SIBLING;
        int[] perParent = childrenCount(parent, n, lhs);
        for (int r : rhs) {
          int p = parent[r];
          boolean m = p >= 0 && perParent[p] - (inL[r] ? 1 : 0) > 0;
          out[r] = m != negate;
        }
      }
      case UNION_CHILD -> {
        for (int r : rhs) {
          int p = parent[r];
          if (p >= 0 && inL[p]) {
            out[r] = true;
            out[p] = true;
          }
        }
      }
      case UNION_PARENT -> {
        boolean[] inR = marks(n, rhs);
        for (int l : lhs) {
          int p = parent[l];
          if (p >= 0 && inR[p]) {
            out[l] = true;
            out[p] = true;
          }
        }
      }
      case UNION_DESCENDANT -> {
        // pairs (l, r) with r below l
        boolean[] rBelowL = hasMarkedAncestor(tv, inL);
        boolean[] aboveR = ancestorsOf(parent, n, rhs);
        for (int r : rhs) {
          if (rBelowL[r]) {
            out[r] = true;
          }
        }
        for (int l : lhs) {
          if (aboveR[l]) {
            out[l] = true;
          }
        }
      }
      case UNION_ANCESTOR -> {
        // pairs (l, r) with r above l
        boolean[] aboveL = ancestorsOf(parent, n, lhs);
        boolean[] lBelowR = hasMarkedAncestor(tv, marks(n, rhs));
        for (int r : rhs) {
          if (aboveL[r]) {
            out[r] = true;
          }
        }
        for (int l : lhs) {
          if (lBelowR[l]) {
            out[l] = true;
          }
        }
      }
      case UNION_SIBLING -> {
        boolean[] inR = marks(n, rhs);
        int[] lPerParent = childrenCount(parent, n, lhs);
        int[] rPerParent = childrenCount(parent, n, rhs);
        for (int r : rhs) {
          int p = parent[r];
          if (p >= 0 && lPerParent[p] - (inL[r] ? 1 : 0) > 0) {
            out[r] = true;
          }
        }
        for (int l : lhs) {
          int p = parent[l];
          if (p >= 0 && rPerParent[p] - (inR[l] ? 1 : 0) > 0) {
            out[l] = true;
          }
        }
      }
      default -> throw new IllegalArgumentException("not a structural operator: " + op);
    }
    return collect(out);
  }

  static boolean[] marks(int n, int[] idx) {
    boolean[] m = new boolean[n];
    for (int i : idx) {
      m[i] = true;
    }
    return m;
  }

  /** The sorted indexes set in {@code m}. */
  static int[] collect(boolean[] m) {
    int count = 0;
    for (boolean b : m) {
      if (b) {
        count++;
      }
    }
    int[] out = new int[count];
    int k = 0;
    for (int i = 0; i < m.length; i++) {
      if (m[i]) {
        out[k++] = i;
      }
    }
    return out;
  }

  /** For every span: does it have a (strict) ancestor marked in {@code marked}? */
  private static boolean[] hasMarkedAncestor(TraceView tv, boolean[] marked) {
    int[] parent = tv.parents();
    boolean[] result = new boolean[tv.n];
    for (int k : tv.preorder()) {
      int p = parent[k];
      result[k] = p >= 0 && (marked[p] || result[p]);
    }
    return result;
  }

  /** Every strict ancestor of a span of {@code idx}. */
  private static boolean[] ancestorsOf(int[] parent, int n, int[] idx) {
    boolean[] above = new boolean[n];
    for (int i : idx) {
      int p = parent[i];
      while (p >= 0 && !above[p]) {
        above[p] = true;
        p = parent[p];
      }
    }
    return above;
  }

  /** For every span, how many of {@code idx} are its children. */
  private static int[] childrenCount(int[] parent, int n, int[] idx) {
    int[] count = new int[n];
    for (int i : idx) {
      if (parent[i] >= 0) {
        count[parent[i]]++;
      }
    }
    return count;
  }
}
