package io.tracestore.core.search;

import io.tracestore.traceql.ast.Aggregate;
import io.tracestore.traceql.ast.Attribute;
import io.tracestore.traceql.ast.BinaryExpr;
import io.tracestore.traceql.ast.Coalesce;
import io.tracestore.traceql.ast.FieldExpr;
import io.tracestore.traceql.ast.FieldRef;
import io.tracestore.traceql.ast.GroupBy;
import io.tracestore.traceql.ast.IntrinsicField;
import io.tracestore.traceql.ast.Literal;
import io.tracestore.traceql.ast.Pipeline;
import io.tracestore.traceql.ast.PipelineStage;
import io.tracestore.traceql.ast.ScalarBinary;
import io.tracestore.traceql.ast.ScalarExpr;
import io.tracestore.traceql.ast.ScalarFilter;
import io.tracestore.traceql.ast.ScalarPipeline;
import io.tracestore.traceql.ast.Select;
import io.tracestore.traceql.ast.SpansetExpr;
import io.tracestore.traceql.ast.SpansetFilter;
import io.tracestore.traceql.ast.SpansetOperation;
import io.tracestore.traceql.ast.UnaryExpr;
import io.tracestore.traceql.ast.WrappedPipeline;
import java.util.Set;
import java.util.TreeSet;

/**
 * The span fields a query reads, when they are all columns that {@link
 * io.tracestore.core.block.ProjectedSpans} builds: the core span fields plus the attributes of the
 * keys it names. Queries that read events, links, the instrumentation scope or parent attributes
 * have no projection and decode whole spans. Immutable.
 *
 * @param spanKeys span attribute keys named (unscoped names count for both scopes)
 * @param resourceKeys resource attribute keys named
 */
record Projection(Set<String> spanKeys, Set<String> resourceKeys) {

  /** The projection of {@code p}, or null if it reads more than projected spans hold. */
  static Projection of(Pipeline p) {
    Projection out = new Projection(new TreeSet<>(), new TreeSet<>());
    return out.pipeline(p) ? new Projection(Set.copyOf(out.spanKeys), Set.copyOf(out.resourceKeys)) : null;
  }

  private boolean pipeline(Pipeline p) {
    for (PipelineStage s : p.stages()) {
      boolean ok;
      if (s instanceof SpansetExpr e) {
        ok = spanset(e);
      } else if (s instanceof ScalarFilter f) {
        ok = scalar(f.lhs()) && scalar(f.rhs());
      } else if (s instanceof GroupBy g) {
        ok = field(g.expression());
      } else if (s instanceof Select sel) {
        ok = sel.fields().stream().allMatch(this::field);
      } else {
        ok = s instanceof Coalesce;
      }
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private boolean spanset(SpansetExpr e) {
    if (e instanceof SpansetFilter f) {
      return field(f.expression());
    }
    if (e instanceof SpansetOperation op) {
      return spanset(op.lhs()) && spanset(op.rhs());
    }
    return e instanceof WrappedPipeline w && pipeline(w.pipeline());
  }

  private boolean scalar(ScalarExpr e) {
    if (e instanceof Aggregate a) {
      return a.field() == null || field(a.field());
    }
    if (e instanceof ScalarBinary b) {
      return scalar(b.lhs()) && scalar(b.rhs());
    }
    if (e instanceof ScalarPipeline sp) {
      return pipeline(sp.pipeline()) && scalar(sp.aggregate());
    }
    return e instanceof Literal;
  }

  private boolean field(FieldExpr e) {
    if (e instanceof BinaryExpr b) {
      return field(b.lhs()) && field(b.rhs());
    }
    if (e instanceof UnaryExpr u) {
      return field(u.operand());
    }
    if (e instanceof Literal) {
      return true;
    }
    return ref((FieldRef) e);
  }

  private boolean ref(FieldRef r) {
    if (r instanceof IntrinsicField i) {
      return switch (i.intrinsic()) {
        case DURATION, NAME, STATUS, STATUS_MESSAGE, KIND, CHILD_COUNT, SPAN_ID, SPAN_PARENT_ID, TRACE_ROOT_NAME,
            TRACE_ROOT_SERVICE, TRACE_DURATION, TRACE_ID, NESTED_SET_LEFT, NESTED_SET_RIGHT, NESTED_SET_PARENT -> true;
        default -> false;
      };
    }
    Attribute a = (Attribute) r;
    if (a.parent()) {
      return false;
    }
    switch (a.scope()) {
      case SPAN -> spanKeys.add(a.name());
      case RESOURCE -> resourceKeys.add(a.name());
      case NONE -> {
        spanKeys.add(a.name());
        resourceKeys.add(a.name());
      }
      default -> {
        return false;
      }
    }
    return true;
  }
}
