package io.tracestore.core.search.plan;

import java.util.List;

/**
 * What a trace must contain for a query to possibly match it: a combination of "some span satisfies
 * P". Derived from a query by {@link Planner}; a trace that fails it cannot match, a trace that
 * passes it is evaluated exactly. Immutable.
 */
public sealed interface TraceCondition {
  /** Every trace may match. */
  TraceCondition ANY = new Always();

  /** No condition. */
  record Always() implements TraceCondition {}

  /** At least {@code minCount} spans of the trace satisfy {@code predicate}. */
  record Exists(SpanPredicate predicate, int minCount) implements TraceCondition {
    /** Some span satisfies {@code predicate}. */
    public Exists(SpanPredicate predicate) {
      this(predicate, 1);
    }
  }

  /** Every term holds. */
  record AllOf(List<TraceCondition> terms) implements TraceCondition {}

  /** Some term holds. */
  record AnyOf(List<TraceCondition> terms) implements TraceCondition {}

  /** The {@link Exists} leaves, in a fixed order (their index is their slot in per-trace flags). */
  default List<Exists> leaves() {
    java.util.ArrayList<Exists> out = new java.util.ArrayList<>();
    collect(this, out);
    return out;
  }

  private static void collect(TraceCondition c, List<Exists> out) {
    if (c instanceof Exists e) {
      out.add(e);
    } else if (c instanceof AllOf a) {
      a.terms().forEach(t -> collect(t, out));
    } else if (c instanceof AnyOf a) {
      a.terms().forEach(t -> collect(t, out));
    }
  }

  /**
   * Decides the condition given, for each leaf in {@link #leaves()} order, whether some span
   * satisfies it ({@code flags[i]}).
   */
  default boolean test(boolean[] flags) {
    int[] next = {0};
    return eval(this, flags, next);
  }

  private static boolean eval(TraceCondition c, boolean[] flags, int[] next) {
    if (c instanceof Exists) {
      return flags[next[0]++];
    }
    if (c instanceof AllOf a) {
      boolean all = true;
      for (TraceCondition t : a.terms()) {
        all &= eval(t, flags, next); // no short cut: every leaf consumes its slot
      }
      return all;
    }
    if (c instanceof AnyOf a) {
      boolean any = false;
      for (TraceCondition t : a.terms()) {
        any |= eval(t, flags, next);
      }
      return any;
    }
    return true;
  }
}
