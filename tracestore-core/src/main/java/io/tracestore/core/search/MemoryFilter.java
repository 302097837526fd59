package io.tracestore.core.search;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Span;
import io.tracestore.core.block.BlockSchema;
import io.tracestore.core.search.plan.SpanPredicate;
import io.tracestore.core.search.plan.TraceCondition;
import java.util.List;

/**
 * Decides a {@link TraceCondition}'s leaves on spans held in memory (the head), span by span, with
 * the same widening rules as {@link BlockScanner} on columns: a missing value never passes, an
 * array or list value always may, a missing status message reads as "". So traces still in memory
 * are dropped before the exact evaluation too. Stateless.
 */
final class MemoryFilter {
  private MemoryFilter() {}

  /** Per leaf of {@code leaves}: do at least its minimum count of {@code spans} pass its predicate. */
  static boolean[] flags(List<TraceCondition.Exists> leaves, List<Span> spans) {
    boolean[] out = new boolean[leaves.size()];
    for (int i = 0; i < out.length; i++) {
      int needed = leaves.get(i).minCount();
      SpanPredicate p = leaves.get(i).predicate();
      int count = 0;
      for (int k = 0; k < spans.size() && count < needed; k++) {
        if (test(p, spans.get(k))) {
          count++;
        }
      }
      out[i] = count >= needed;
    }
    return out;
  }

  /** True if {@code s} may satisfy {@code p}. */
  static boolean test(SpanPredicate p, Span s) {
    if (p instanceof SpanPredicate.Constant c) {
      return c.value();
    }
    if (p instanceof SpanPredicate.And a) {
      for (SpanPredicate t : a.terms()) {
        if (!test(t, s)) {
          return false;
        }
      }
      return true;
    }
    if (p instanceof SpanPredicate.Or o) {
      for (SpanPredicate t : o.terms()) {
        if (test(t, s)) {
          return true;
        }
      }
      return false;
    }
    if (p instanceof SpanPredicate.StringTest t) {
      if (t.field() instanceof SpanPredicate.Column c) {
        return switch (c.name()) {
          case BlockSchema.NAME -> t.matcher().test(s.name());
          case BlockSchema.STATUS_MESSAGE -> t.matcher().test(s.statusMessage() == null ? "" : s.statusMessage());
          default -> true;
        };
      }
      AttributeValue v = attribute((SpanPredicate.AttributeField) t.field(), s);
      if (v instanceof AttributeValue.StringValue str) {
        return t.matcher().test(str.value());
      }
      return v instanceof AttributeValue.ArrayValue || v instanceof AttributeValue.KeyValueListValue;
    }
    SpanPredicate.NumberTest n = (SpanPredicate.NumberTest) p;
    if (n.field() instanceof SpanPredicate.Column c) {
      return switch (c.name()) {
        case BlockSchema.DURATION -> Values.ordered(n.op(), Long.compare(s.durationNanos(), n.longConstant()));
        case BlockSchema.STATUS_CODE -> Values.ordered(n.op(), Long.compare(s.statusCode().code(), n.longConstant()));
        case BlockSchema.KIND -> Values.ordered(n.op(), Long.compare(s.kind().code(), n.longConstant()));
        default -> true;
      };
    }
    AttributeValue v = attribute((SpanPredicate.AttributeField) n.field(), s);
    if (v instanceof AttributeValue.LongValue l) {
      return n.integral() ? Values.ordered(n.op(), Long.compare(l.value(), n.longConstant())) : number(n, l.value());
    }
    if (v instanceof AttributeValue.DoubleValue d) {
      return number(n, d.value());
    }
    return v instanceof AttributeValue.ArrayValue || v instanceof AttributeValue.KeyValueListValue;
  }

  private static boolean number(SpanPredicate.NumberTest n, double value) {
    if (Double.isNaN(value) || Double.isNaN(n.constant())) {
      return n.op() == io.tracestore.traceql.ast.BinaryOp.NEQ;
    }
    return Values.ordered(n.op(), Double.compare(value, n.constant()));
  }

  private static AttributeValue attribute(SpanPredicate.AttributeField f, Span s) {
    return (f.resource() ? s.resource().attributes() : s.attributes()).get(f.key()).orElse(null);
  }
}
