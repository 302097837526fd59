package io.tracestore.core.search;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Span;
import io.tracestore.core.block.BlockSchema;
import io.tracestore.core.head.SpanSummary;
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
 * tests on {@link Span} fields, and into tests on a trace's {@link SpanSummary} that rule out a
 * trace of the head without reading its spans. Not thread-safe (tests of resource attributes remember the last
 * resource): one per search, used by the searching thread.
 */
final class MemoryFilter {
  /**
   * A compiled {@link SpanPredicate}: on a {@link Span}, may the span satisfy it; on a {@link
   * SpanSummary}, may a span the summary covers satisfy it.
   */
  @FunctionalInterface
  private interface Test<T> {
    boolean test(T t);
  }

  private final List<Test<Span>> tests;
  private final List<Test<SpanSummary>> summaryTests;
  private final int[] minCounts;

  private MemoryFilter(List<TraceCondition.Exists> leaves) {
    tests = leaves.stream().map(l -> compile(l.predicate())).toList();
    summaryTests = leaves.stream().map(l -> summary(l.predicate())).toList();
    minCounts = leaves.stream().mapToInt(TraceCondition.Exists::minCount).toArray();
  }

  /** A filter for the leaves of a condition, compiled once per search. */
  static MemoryFilter of(List<TraceCondition.Exists> leaves) {
    return new MemoryFilter(leaves);
  }

  /**
   * Per leaf: do at least its minimum count of {@code spans} pass its predicate ({@code atLeastOne}:
   * at least one, whatever the minimum). A leaf that the spans' {@link SpanSummary} (when the head
   * handed them out) rules out is decided without reading them.
   */
  boolean[] flags(List<Span> spans, boolean atLeastOne) {
    SpanSummary summary = SpanSummary.of(spans);
    boolean[] out = new boolean[tests.size()];
    for (int i = 0; i < out.length; i++) {
      int needed = atLeastOne ? 1 : minCounts[i];
      if (needed > 0 && summary != null && !summaryTests.get(i).test(summary)) {
        continue; // no span passes: false
      }
      Test<Span> t = tests.get(i);
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

  /**
   * What a summary can rule out: durations outside their range, status codes and kinds not present,
   * resource attributes none of the trace's resources has. Anything else may pass.
   */
  private static Test<SpanSummary> summary(SpanPredicate p) {
    return tree(p, MemoryFilter::summaryLeaf);
  }

  private static Test<SpanSummary> summaryLeaf(SpanPredicate p) {
    SpanPredicate.Field field = field(p);
    if (field instanceof SpanPredicate.AttributeField f && f.resource()) {
      ResourceAnswers passes = new ResourceAnswers(attributesTest(p));
      return s -> s.mayHaveResource(passes);
    }
    if (p instanceof SpanPredicate.NumberTest n && field instanceof SpanPredicate.Column c) {
      BinaryOp op = n.op();
      long k = n.longConstant();
      return switch (c.name()) {
        case BlockSchema.DURATION -> s -> mayBeInRange(s.minDurationNanos(), s.maxDurationNanos(), op, k);
        case BlockSchema.STATUS_CODE -> s -> mayBeInMask(s.statusCodes(), op, k);
        case BlockSchema.KIND -> s -> mayBeInMask(s.kinds(), op, k);
        default -> s -> true;
      };
    }
    return s -> true;
  }

  /**
   * A resource attribute test whose answers are remembered per {@link io.tracestore.api.Resource}
   * instance: the last one, and a small direct-mapped table. Spans of one service in one request,
   * and the head's traces, share a few resource instances, so most tests reuse an answer. Used by
   * one search's thread.
   */
  private static final class ResourceAnswers implements java.util.function.Predicate<io.tracestore.api.Resource> {
    private final AttributesTest test;
    private final io.tracestore.api.Resource[] resources = new io.tracestore.api.Resource[64];
    private final boolean[] answers = new boolean[64];
    private io.tracestore.api.Resource last;
    private boolean lastAnswer;

    ResourceAnswers(AttributesTest test) {
      this.test = test;
    }

    @Override
    public boolean test(io.tracestore.api.Resource r) {
      if (r == last) {
        return lastAnswer;
      }
      int slot = System.identityHashCode(r) & 63;
      if (resources[slot] != r) {
        answers[slot] = test.test(r.attributes());
        resources[slot] = r;
      }
      last = r;
      lastAnswer = answers[slot];
      return lastAnswer;
    }
  }

  /** May a value in {@code [min, max]} compare with {@code k} as {@code op} asks. */
  static boolean mayBeInRange(long min, long max, BinaryOp op, long k) {
    if (min > max) {
      return false;
    }
    return switch (op) {
      case EQ -> min <= k && k <= max;
      case NEQ -> min != max || min != k;
      case LT -> min < k;
      case LTE -> min <= k;
      case GT -> max > k;
      case GTE -> max >= k;
      default -> true;
    };
  }

  /** May a code whose bit ({@code 1 << code}) is in {@code mask} compare with {@code k} as {@code op} asks. */
  private static boolean mayBeInMask(int mask, BinaryOp op, long k) {
    for (int code = 0; code < 32; code++) {
      if ((mask & (1 << code)) != 0 && Values.ordered(op, Long.compare(code, k))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code p} compiled into a test on {@code T}: constants, conjunctions (cheap terms first: most
   * fail one of them) and disjunctions here, the leaves by {@code leaf}.
   */
  private static <T> Test<T> tree(SpanPredicate p, java.util.function.Function<SpanPredicate, Test<T>> leaf) {
    if (p instanceof SpanPredicate.Constant c) {
      boolean v = c.value();
      return t -> v;
    }
    if (p instanceof SpanPredicate.And a) {
      List<Test<T>> terms = a.terms().stream().sorted(java.util.Comparator.comparingInt(MemoryFilter::cost))
          .map(q -> tree(q, leaf)).toList();
      return t -> {
        for (Test<T> term : terms) {
          if (!term.test(t)) {
            return false;
          }
        }
        return true;
      };
    }
    if (p instanceof SpanPredicate.Or o) {
      List<Test<T>> terms = o.terms().stream().map(q -> tree(q, leaf)).toList();
      return t -> {
        for (Test<T> term : terms) {
          if (term.test(t)) {
            return true;
          }
        }
        return false;
      };
    }
    return leaf.apply(p);
  }

  private static Test<Span> compile(SpanPredicate p) {
    return tree(p, MemoryFilter::spanLeaf);
  }

  private static Test<Span> spanLeaf(SpanPredicate p) {
    if (p instanceof SpanPredicate.StringTest t) {
      StringMatcher m = t.matcher();
      if (t.field() instanceof SpanPredicate.Column c) {
        return switch (c.name()) {
          case BlockSchema.NAME -> s -> m.test(s.name());
          case BlockSchema.STATUS_MESSAGE -> s -> m.test(s.statusMessage() == null ? "" : s.statusMessage());
          default -> s -> true;
        };
      }
      return attributeTest(p);
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
    return attributeTest(p);
  }

  /** A test of attributes, the span's or its resource's. */
  @FunctionalInterface
  private interface AttributesTest {
    boolean test(io.tracestore.api.Attributes attributes);
  }

  /** The span test of a leaf on an attribute. */
  private static Test<Span> attributeTest(SpanPredicate p) {
    AttributesTest test = attributesTest(p);
    if (((SpanPredicate.AttributeField) field(p)).resource()) {
      ResourceAnswers passes = new ResourceAnswers(test);
      return s -> passes.test(s.resource());
    }
    return s -> test.test(s.attributes());
  }

  /** The field a leaf (a string or number test) reads. */
  private static SpanPredicate.Field field(SpanPredicate p) {
    return p instanceof SpanPredicate.StringTest t ? t.field() : ((SpanPredicate.NumberTest) p).field();
  }

  /**
   * A leaf on an attribute as a test of the attributes holding it: does the value pass (an array
   * or list value always may, a missing one never does).
   */
  private static AttributesTest attributesTest(SpanPredicate p) {
    if (p instanceof SpanPredicate.StringTest t) {
      StringMatcher m = t.matcher();
      String key = ((SpanPredicate.AttributeField) t.field()).key();
      return a -> {
        AttributeValue v = a.get(key).orElse(null);
        if (v instanceof AttributeValue.StringValue str) {
          return m.test(str.value());
        }
        return v instanceof AttributeValue.ArrayValue || v instanceof AttributeValue.KeyValueListValue;
      };
    }
    SpanPredicate.NumberTest n = (SpanPredicate.NumberTest) p;
    String key = ((SpanPredicate.AttributeField) n.field()).key();
    BinaryOp op = n.op();
    long k = n.longConstant();
    return a -> {
      AttributeValue v = a.get(key).orElse(null);
      if (v instanceof AttributeValue.LongValue l) {
        return n.integral() ? Values.ordered(op, Long.compare(l.value(), k)) : number(n, l.value());
      }
      if (v instanceof AttributeValue.DoubleValue d) {
        return number(n, d.value());
      }
      return v instanceof AttributeValue.ArrayValue || v instanceof AttributeValue.KeyValueListValue;
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
}
