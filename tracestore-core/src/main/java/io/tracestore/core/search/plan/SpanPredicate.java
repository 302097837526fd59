package io.tracestore.core.search.plan;

import io.tracestore.traceql.ast.BinaryOp;
import java.util.List;

/**
 * A condition on one span that a scan can decide from columns: the part of a spanset filter's
 * expression the planner could translate. It over-approximates the filter: every span the filter
 * selects satisfies it (a span that satisfies it may still fail the filter, which the exact
 * evaluator decides afterwards). What the planner cannot translate becomes {@link #TRUE}.
 *
 * <p>Comparisons follow TraceQL: a missing value never satisfies a comparison (not even {@code !=}).
 * Immutable.
 */
public sealed interface SpanPredicate {
  /** Every span. */
  SpanPredicate TRUE = new Constant(true);
  /** No span. */
  SpanPredicate FALSE = new Constant(false);

  /** {@link #TRUE} or {@link #FALSE}. */
  record Constant(boolean value) implements SpanPredicate {}

  /** Every term holds. */
  record And(List<SpanPredicate> terms) implements SpanPredicate {}

  /** Some term holds. */
  record Or(List<SpanPredicate> terms) implements SpanPredicate {}

  /** A string column or attribute passes {@code matcher}. */
  record StringTest(Field field, StringMatcher matcher) implements SpanPredicate {}

  /**
   * A numeric column or attribute compared with a constant: {@code value op constant}, integral
   * constants compared as longs with integral values and as doubles otherwise (as TraceQL does).
   */
  record NumberTest(Field field, BinaryOp op, double constant, boolean integral) implements SpanPredicate {
    /** The constant as a long (exact when {@code integral}). */
    public long longConstant() {
      return (long) constant;
    }
  }

  /** What a leaf reads: an intrinsic column, or an attribute of the span or of its resource. */
  sealed interface Field {}

  /** A column of the block schema that every row has: name, duration, status, kind, ... */
  record Column(String name) implements Field {}

  /** A span attribute ({@code resource == false}) or resource attribute. */
  record AttributeField(boolean resource, String key) implements Field {}

  /** {@code a && b}, simplified. */
  static SpanPredicate and(SpanPredicate a, SpanPredicate b) {
    if (a.equals(FALSE) || b.equals(FALSE)) {
      return FALSE;
    }
    if (a.equals(TRUE)) {
      return b;
    }
    if (b.equals(TRUE)) {
      return a;
    }
    return new And(List.of(a, b));
  }

  /** {@code a || b}, simplified. */
  static SpanPredicate or(SpanPredicate a, SpanPredicate b) {
    if (a.equals(TRUE) || b.equals(TRUE)) {
      return TRUE;
    }
    if (a.equals(FALSE)) {
      return b;
    }
    if (b.equals(FALSE)) {
      return a;
    }
    return new Or(List.of(a, b));
  }
}
