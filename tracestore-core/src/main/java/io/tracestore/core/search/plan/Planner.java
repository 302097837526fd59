package io.tracestore.core.search.plan;

import io.tracestore.core.block.BlockSchema;
import io.tracestore.traceql.ast.Aggregate;
import io.tracestore.traceql.ast.AggregateFunction;
import io.tracestore.traceql.ast.Attribute;
import io.tracestore.traceql.ast.AttributeScope;
import io.tracestore.traceql.ast.BinaryExpr;
import io.tracestore.traceql.ast.BinaryOp;
import io.tracestore.traceql.ast.BoolLiteral;
import io.tracestore.traceql.ast.DurationLiteral;
import io.tracestore.traceql.ast.FieldExpr;
import io.tracestore.traceql.ast.FloatLiteral;
import io.tracestore.traceql.ast.IntLiteral;
import io.tracestore.traceql.ast.IntrinsicField;
import io.tracestore.traceql.ast.KindLiteral;
import io.tracestore.traceql.ast.Literal;
import io.tracestore.traceql.ast.Pipeline;
import io.tracestore.traceql.ast.PipelineStage;
import io.tracestore.traceql.ast.ScalarFilter;
import io.tracestore.traceql.ast.SpansetExpr;
import io.tracestore.traceql.ast.SpansetFilter;
import io.tracestore.traceql.ast.SpansetOperation;
import io.tracestore.traceql.ast.StatusLiteral;
import io.tracestore.traceql.ast.StringLiteral;
import io.tracestore.traceql.ast.WrappedPipeline;
import java.util.List;

/**
 * Derives from a search pipeline the {@link TraceCondition} every matching trace satisfies, so a
 * scan can drop traces (and row groups and blocks) from a few columns before any trace is decoded.
 *
 * <p>The derivation only ever widens: a pipeline's later stages only remove spans, so the spans of
 * its first spanset expression bound the result; a filter {@code { e }} needs a span satisfying
 * (the translatable part of) {@code e}; {@code &&} and the structural operators (whose result holds
 * spans of both sides, or of the right side related to the left) need both sides; {@code ||}
 * needs either; the negated structural forms ({@code !>}, ...) need only their right side. A
 * filter followed by {@code | count() > n} needs {@code n + 1} such spans.
 * Stateless.
 */
public final class Planner {
  private Planner() {}

  /** The condition for {@code pipeline}; {@link TraceCondition#ANY} when nothing can be derived. */
  public static TraceCondition condition(Pipeline pipeline) {
    List<PipelineStage> stages = pipeline.stages();
    PipelineStage first = stages.get(0);
    if (first instanceof SpansetFilter f && stages.size() > 1 && stages.get(1) instanceof ScalarFilter sf) {
      int min = minCount(sf);
      if (min > 1) {
        return new TraceCondition.Exists(predicate(f.expression()), min);
      }
    }
    return first instanceof SpansetExpr e ? condition(e) : TraceCondition.ANY;
  }

  /** The fewest spans a span set needs to pass {@code count() > n} (or {@code >=}, {@code =}); 0 if unknown. */
  private static int minCount(ScalarFilter f) {
    if (!(f.lhs() instanceof Aggregate a) || a.function() != AggregateFunction.COUNT || !(f.rhs() instanceof IntLiteral n)
        || n.value() > Integer.MAX_VALUE - 1) {
      return 0;
    }
    return switch (f.op()) {
      case GT -> (int) Math.max(0, n.value() + 1);
      case GTE, EQ -> (int) Math.max(0, n.value());
      default -> 0;
    };
  }

  private static TraceCondition condition(SpansetExpr e) {
    if (e instanceof SpansetFilter f) {
      SpanPredicate p = predicate(f.expression());
      return p.equals(SpanPredicate.TRUE) ? TraceCondition.ANY : new TraceCondition.Exists(p);
    }
    if (e instanceof WrappedPipeline w) {
      return condition(w.pipeline());
    }
    SpansetOperation op = (SpansetOperation) e;
    TraceCondition l = condition(op.lhs());
    TraceCondition r = condition(op.rhs());
    return switch (op.op()) {
      case UNION -> l instanceof TraceCondition.Always || r instanceof TraceCondition.Always
          ? TraceCondition.ANY : new TraceCondition.AnyOf(List.of(l, r));
      case NOT_CHILD, NOT_PARENT, NOT_DESCENDANT, NOT_ANCESTOR, NOT_SIBLING -> r;
      default -> all(l, r); // && and the structural operators with their union forms
    };
  }

  private static TraceCondition all(TraceCondition l, TraceCondition r) {
    if (l instanceof TraceCondition.Always) {
      return r;
    }
    if (r instanceof TraceCondition.Always) {
      return l;
    }
    return new TraceCondition.AllOf(List.of(l, r));
  }

  /** The span predicate over-approximating boolean field expression {@code e}. */
  public static SpanPredicate predicate(FieldExpr e) {
    if (e instanceof BoolLiteral b) {
      return b.value() ? SpanPredicate.TRUE : SpanPredicate.FALSE;
    }
    if (!(e instanceof BinaryExpr b)) {
      return SpanPredicate.TRUE;
    }
    if (b.op() == BinaryOp.AND) {
      return SpanPredicate.and(predicate(b.lhs()), predicate(b.rhs()));
    }
    if (b.op() == BinaryOp.OR) {
      return SpanPredicate.or(predicate(b.lhs()), predicate(b.rhs()));
    }
    if (!b.op().isComparison()) {
      return SpanPredicate.TRUE;
    }
    if (b.lhs() instanceof Literal && !(b.rhs() instanceof Literal)) {
      BinaryOp flipped = flip(b.op());
      return flipped == null ? SpanPredicate.TRUE : comparison(flipped, b.rhs(), (Literal) b.lhs());
    }
    return b.rhs() instanceof Literal lit ? comparison(b.op(), b.lhs(), lit) : SpanPredicate.TRUE;
  }

  private static BinaryOp flip(BinaryOp op) {
    return switch (op) {
      case EQ, NEQ -> op;
      case LT -> BinaryOp.GT;
      case LTE -> BinaryOp.GTE;
      case GT -> BinaryOp.LT;
      case GTE -> BinaryOp.LTE;
      default -> null; // a regex with the pattern on the left is not a regex match
    };
  }

  private static SpanPredicate comparison(BinaryOp op, FieldExpr field, Literal lit) {
    if (field instanceof IntrinsicField i) {
      return switch (i.intrinsic()) {
        case DURATION -> lit instanceof DurationLiteral d && isOrdering(op)
            ? new SpanPredicate.NumberTest(new SpanPredicate.Column(BlockSchema.DURATION), op, d.nanos(), true)
            : SpanPredicate.TRUE;
        case STATUS -> lit instanceof StatusLiteral s && (op == BinaryOp.EQ || op == BinaryOp.NEQ)
            ? new SpanPredicate.NumberTest(new SpanPredicate.Column(BlockSchema.STATUS_CODE), op, s.value().code(), true)
            : SpanPredicate.TRUE;
        case KIND -> lit instanceof KindLiteral k && (op == BinaryOp.EQ || op == BinaryOp.NEQ)
            ? new SpanPredicate.NumberTest(new SpanPredicate.Column(BlockSchema.KIND), op, k.value().code(), true)
            : SpanPredicate.TRUE;
        case NAME -> string(new SpanPredicate.Column(BlockSchema.NAME), op, lit);
        case STATUS_MESSAGE -> string(new SpanPredicate.Column(BlockSchema.STATUS_MESSAGE), op, lit);
        default -> SpanPredicate.TRUE;
      };
    }
    if (field instanceof Attribute a && !a.parent()) {
      return switch (a.scope()) {
        case SPAN -> attribute(false, a.name(), op, lit);
        case RESOURCE -> attribute(true, a.name(), op, lit);
        case NONE -> SpanPredicate.or(attribute(false, a.name(), op, lit), attribute(true, a.name(), op, lit));
        default -> SpanPredicate.TRUE;
      };
    }
    return SpanPredicate.TRUE;
  }

  private static SpanPredicate attribute(boolean resource, String key, BinaryOp op, Literal lit) {
    SpanPredicate.Field f = new SpanPredicate.AttributeField(resource, key);
    if (lit instanceof StringLiteral) {
      return string(f, op, lit);
    }
    if (lit instanceof IntLiteral i && isOrdering(op)) {
      return new SpanPredicate.NumberTest(f, op, i.value(), true);
    }
    if (lit instanceof FloatLiteral d && isOrdering(op)) {
      return new SpanPredicate.NumberTest(f, op, d.value(), false);
    }
    return SpanPredicate.TRUE;
  }

  private static SpanPredicate string(SpanPredicate.Field f, BinaryOp op, Literal lit) {
    if (!(lit instanceof StringLiteral s)) {
      return SpanPredicate.TRUE;
    }
    return switch (op) {
      case EQ -> new SpanPredicate.StringTest(f, new StringMatcher.Equals(s.value()));
      case NEQ -> new SpanPredicate.StringTest(f, new StringMatcher.Not(new StringMatcher.Equals(s.value())));
      case REGEX -> new SpanPredicate.StringTest(f, StringMatcher.regex(s.value()));
      case NOT_REGEX -> {
        // only exact rewrites may be negated; the widening ones (.*, prefix, substring) may not
        StringMatcher m = StringMatcher.regex(s.value());
        yield new SpanPredicate.StringTest(f, new StringMatcher.Not(
            m instanceof StringMatcher.Equals || m instanceof StringMatcher.In ? m
                : new StringMatcher.Regex(io.tracestore.traceql.TraceQL.regex(s.value()))));
      }
      default -> SpanPredicate.TRUE; // string ordering: not translated
    };
  }

  private static boolean isOrdering(BinaryOp op) {
    return switch (op) {
      case EQ, NEQ, LT, LTE, GT, GTE -> true;
      default -> false;
    };
  }
}
