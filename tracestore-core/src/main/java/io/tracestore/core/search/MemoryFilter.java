package io.tracestore.core.search;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Span;
import io.tracestore.core.block.BlockSchema;
import io.tracestore.core.search.plan.SpanPredicate;
import io.tracestore.core.search.plan.StringMatcher;
import io.tracestore.core.search.plan.TraceCondition;
import io.tracestore.traceql.ast.BinaryOp;
import java.util.List;

/**
 * Decides a {@link TraceCondition}'s leaves on spans held in memory (the head), span by span, with
 * the same widening rules as {@link BlockScanner} on columns: a missing value never passes, an
 * array or list value always may, a missing status message reads as "". So traces still in memory
 * are dropped before the exact evaluation too. The predicates are compiled once per search into
 * tests on {@link Span} fields. Not thread-safe (tests of resource attributes remember the last
 * resource): one per search, used by the searching thread.
 */
final class MemoryFilter {
  /** A compiled {@link SpanPredicate}: may the span satisfy it. */
  @FunctionalInterface
  private interface SpanTest {
    boolean test(Span s);
  }

  private final SpanTest[] tests;
  private final int[] minCounts;

  private MemoryFilter(List<TraceCondition.Exists> leaves) {
    tests = new SpanTest[leaves.size()];
    minCounts = new int[leaves.size()];
    for (int i = 0; i < tests.length; i++) {
      tests[i] = compile(leaves.get(i).predicate());
      minCounts[i] = leaves.get(i).minCount();
    }
  }

  /** A filter for the leaves of a condition, compiled once per search. */
  static MemoryFilter of(List<TraceCondition.Exists> leaves) {
    return new MemoryFilter(leaves);
  }

  /**
   * Per leaf: do at least its minimum count of {@code spans} pass its predicate ({@code atLeastOne}:
   * at least one, whatever the minimum).
   */
  boolean[] flags(List<Span> spans, boolean atLeastOne) {
    boolean[] out = new boolean[tests.length];
    for (int i = 0; i < out.length; i++) {
      int needed = atLeastOne ? 1 : minCounts[i];
      SpanTest t = tests[i];
      int count = 0;
      for (int k = 0; k < spans.size() && count < needed; k++) {
        if (t.test(spans.get(k))) {
          count++;
        }
      }
      out[i] = count >= needed;
    }
    return out;
  }

  private static SpanTest compile(SpanPredicate p) {
    if (p instanceof SpanPredicate.Constant c) {
      boolean v = c.value();
      return s -> v;
    }
    if (p instanceof SpanPredicate.And a) {
      // span fields before attribute lookups: most spans fail a cheap term first
      SpanTest[] terms = a.terms().stream().sorted(java.util.Comparator.comparingInt(MemoryFilter::cost))
          .map(MemoryFilter::compile).toArray(SpanTest[]::new);
      return s -> {
        for (SpanTest t : terms) {
          if (!t.test(s)) {
            return false;
          }
        }
        return true;
      };
    }
    if (p instanceof SpanPredicate.Or o) {
      SpanTest[] terms = o.terms().stream().map(MemoryFilter::compile).toArray(SpanTest[]::new);
      return s -> {
        for (SpanTest t : terms) {
          if (t.test(s)) {
            return true;
          }
        }
        return false;
      };
    }
    if (p instanceof SpanPredicate.StringTest t) {
      StringMatcher m = t.matcher();
      if (t.field() instanceof SpanPredicate.Column c) {
        return switch (c.name()) {
          case BlockSchema.NAME -> s -> m.test(s.name());
          case BlockSchema.STATUS_MESSAGE -> s -> m.test(s.statusMessage() == null ? "" : s.statusMessage());
          default -> s -> true;
        };
      }
      SpanPredicate.AttributeField f = (SpanPredicate.AttributeField) t.field();
      SpanTest test = s -> {
        AttributeValue v = attribute(f, s);
        if (v instanceof AttributeValue.StringValue str) {
          return m.test(str.value());
        }
        return v instanceof AttributeValue.ArrayValue || v instanceof AttributeValue.KeyValueListValue;
      };
      return f.resource() ? perResource(test) : test;
    }
    SpanPredicate.NumberTest n = (SpanPredicate.NumberTest) p;
    BinaryOp op = n.op();
    long k = n.longConstant();
    if (n.field() instanceof SpanPredicate.Column c) {
      return switch (c.name()) {
        case BlockSchema.DURATION -> s -> Values.ordered(op, Long.compare(s.durationNanos(), k));
        case BlockSchema.STATUS_CODE -> s -> Values.ordered(op, Long.compare(s.statusCode().code(), k));
        case BlockSchema.KIND -> s -> Values.ordered(op, Long.compare(s.kind().code(), k));
        default -> s -> true;
      };
    }
    SpanPredicate.AttributeField f = (SpanPredicate.AttributeField) n.field();
    SpanTest test = s -> {
      AttributeValue v = attribute(f, s);
      if (v instanceof AttributeValue.LongValue l) {
        return n.integral() ? Values.ordered(op, Long.compare(l.value(), k)) : number(n, l.value());
      }
      if (v instanceof AttributeValue.DoubleValue d) {
        return number(n, d.value());
      }
      return v instanceof AttributeValue.ArrayValue || v instanceof AttributeValue.KeyValueListValue;
    };
    return f.resource() ? perResource(test) : test;
  }

  /**
   * A test of a resource attribute, remembered for the last {@link io.tracestore.api.Resource}
   * seen: the spans of a trace (and of a service) share one resource instance, so most spans reuse
   * the answer. The compiled filter is used by one thread at a time.
   */
  private static SpanTest perResource(SpanTest test) {
    return new SpanTest() {
      private io.tracestore.api.Resource last;
      private boolean lastResult;

      @Override
      public boolean test(Span s) {
        io.tracestore.api.Resource r = s.resource();
        if (r != last) {
          lastResult = test.test(s);
          last = r;
        }
        return lastResult;
      }
    };
  }

  /** Evaluation order within a conjunction: span fields, then attributes, then the rest. */
  private static int cost(SpanPredicate p) {
    if (p instanceof SpanPredicate.NumberTest n) {
      return n.field() instanceof SpanPredicate.Column ? 0 : 2;
    }
    if (p instanceof SpanPredicate.StringTest t) {
      return t.field() instanceof SpanPredicate.Column ? 1 : 2;
    }
    return 3;
  }

  private static boolean number(SpanPredicate.NumberTest n, double value) {
    if (Double.isNaN(value) || Double.isNaN(n.constant())) {
      return n.op() == BinaryOp.NEQ;
    }
    return Values.ordered(n.op(), Double.compare(value, n.constant()));
  }

  private static AttributeValue attribute(SpanPredicate.AttributeField f, Span s) {
    return (f.resource() ? s.resource().attributes() : s.attributes()).get(f.key()).orElse(null);
  }
}
