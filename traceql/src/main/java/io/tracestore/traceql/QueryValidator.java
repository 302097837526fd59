package io.tracestore.traceql;

import com.google.re2j.PatternSyntaxException;
import io.tracestore.traceql.TraceQLException.Kind;
import io.tracestore.traceql.ast.Aggregate;
import io.tracestore.traceql.ast.Attribute;
import io.tracestore.traceql.ast.AttributeScope;
import io.tracestore.traceql.ast.BinaryExpr;
import io.tracestore.traceql.ast.BinaryOp;
import io.tracestore.traceql.ast.Coalesce;
import io.tracestore.traceql.ast.Compare;
import io.tracestore.traceql.ast.FieldExpr;
import io.tracestore.traceql.ast.FieldRef;
import io.tracestore.traceql.ast.FirstStage;
import io.tracestore.traceql.ast.GroupBy;
import io.tracestore.traceql.ast.Intrinsic;
import io.tracestore.traceql.ast.IntrinsicField;
import io.tracestore.traceql.ast.Literal;
import io.tracestore.traceql.ast.MetricsAggregate;
import io.tracestore.traceql.ast.MetricsExpr;
import io.tracestore.traceql.ast.MetricsFilter;
import io.tracestore.traceql.ast.MetricsMath;
import io.tracestore.traceql.ast.MetricsMathQuery;
import io.tracestore.traceql.ast.MetricsQuery;
import io.tracestore.traceql.ast.NilLiteral;
import io.tracestore.traceql.ast.Node;
import io.tracestore.traceql.ast.Pipeline;
import io.tracestore.traceql.ast.PipelineStage;
import io.tracestore.traceql.ast.Query;
import io.tracestore.traceql.ast.QueryBody;
import io.tracestore.traceql.ast.ScalarBinary;
import io.tracestore.traceql.ast.ScalarExpr;
import io.tracestore.traceql.ast.ScalarFilter;
import io.tracestore.traceql.ast.ScalarPipeline;
import io.tracestore.traceql.ast.SecondStage;
import io.tracestore.traceql.ast.Select;
import io.tracestore.traceql.ast.SpansetExpr;
import io.tracestore.traceql.ast.SpansetFilter;
import io.tracestore.traceql.ast.SpansetOperation;
import io.tracestore.traceql.ast.StringLiteral;
import io.tracestore.traceql.ast.TopK;
import io.tracestore.traceql.ast.UnaryExpr;
import io.tracestore.traceql.ast.UnaryOp;
import io.tracestore.traceql.ast.ValueType;
import io.tracestore.traceql.ast.WrappedPipeline;
import java.util.List;

/**
 * Type and semantic checks, following the rules of Tempo's validation: INVALID for type errors,
 * bad regexes, aggregates that do not reference the span, {@code topk(0)}, {@code compare()}
 * combined with second stages or arithmetic, nil compared with an intrinsic; UNSUPPORTED for
 * {@code parent}, non-trivial scalar filters and scalar pipelines. An INVALID problem anywhere wins
 * over an UNSUPPORTED one. One instance per validation; not thread-safe.
 */
final class QueryValidator {
  private final String text;
  private TraceQLException unsupported;

  private QueryValidator(String text) {
    this.text = text;
  }

  /** Validates {@code query}; {@code text} (may be null) is only used for error snippets. */
  static void validate(Query query, String text) {
    QueryValidator v = new QueryValidator(text);
    v.body(query.body());
    if (v.unsupported != null) {
      throw v.unsupported;
    }
  }

  private void body(QueryBody body) {
    if (body instanceof Pipeline p) {
      pipeline(p);
    } else if (body instanceof MetricsQuery m) {
      metricsQuery(m);
    } else {
      MetricsMathQuery m = (MetricsMathQuery) body;
      metricsMath(m.expression());
      secondStages(m.secondStages());
    }
  }

  // ------------------------------------------------------------------ pipelines

  private void pipeline(Pipeline p) {
    for (PipelineStage s : p.stages()) {
      if (s instanceof SpansetExpr e) {
        spanset(e);
      } else if (s instanceof ScalarFilter f) {
        scalarFilter(f);
      } else if (s instanceof GroupBy g) {
        ValueType t = field(g.expression());
        if (!referencesSpan(g.expression())) {
          throw invalid(g, "by() must reference the span (an attribute or intrinsic), not only constants");
        }
        if (t == ValueType.NIL) {
          throw invalid(g, "by() cannot group by nil");
        }
      } else if (s instanceof Select sel) {
        for (FieldRef r : sel.fields()) {
          field(r);
        }
      } else if (!(s instanceof Coalesce)) {
        throw new IllegalStateException("stage " + s);
      }
    }
  }

  private void spanset(SpansetExpr e) {
    if (e instanceof SpansetFilter f) {
      ValueType t = field(f.expression());
      if (t != ValueType.BOOLEAN && t != ValueType.UNKNOWN) {
        throw invalid(
            f.expression(),
            "a spanset filter must be a boolean expression, but this is " + name(t));
      }
    } else if (e instanceof SpansetOperation op) {
      spanset(op.lhs());
      spanset(op.rhs());
    } else {
      pipeline(((WrappedPipeline) e).pipeline());
    }
  }

  // ------------------------------------------------------------------ scalar filters

  private void scalarFilter(ScalarFilter f) {
    ValueType l = scalar(f.lhs());
    ValueType r = scalar(f.rhs());
    if (!l.isNumeric() && l != ValueType.UNKNOWN) {
      throw invalid(f.lhs(), "scalar filters compare numbers, but the left side is " + name(l));
    }
    if (!r.isNumeric() && r != ValueType.UNKNOWN) {
      throw invalid(f.rhs(), "scalar filters compare numbers, but the right side is " + name(r));
    }
    if (!(f.lhs() instanceof Aggregate)) {
      unsupported(
          f.lhs(),
          "scalar filters are only supported as an aggregate compared with a constant,"
              + " e.g. count() > 2");
    } else if (!isConstant(f.rhs())) {
      unsupported(
          f.rhs(),
          "scalar filters are only supported as an aggregate compared with a constant,"
              + " e.g. avg(duration) > 1s");
    }
  }

  private ValueType scalar(ScalarExpr e) {
    if (e instanceof Aggregate a) {
      if (a.field() == null) {
        return ValueType.INT;
      }
      ValueType t = field(a.field());
      if (!t.isNumeric() && t != ValueType.UNKNOWN) {
        throw invalid(
            a.field(),
            a.function().keyword() + "() needs a number or duration, but its argument is " + name(t));
      }
      if (!referencesSpan(a.field())) {
        throw invalid(
            a,
            "the argument of "
                + a.function().keyword()
                + "() must reference the span (an attribute or intrinsic), not only constants");
      }
      return t;
    }
    if (e instanceof ScalarBinary b) {
      ValueType l = scalar(b.lhs());
      ValueType r = scalar(b.rhs());
      if ((!l.isNumeric() && l != ValueType.UNKNOWN) || (!r.isNumeric() && r != ValueType.UNKNOWN)) {
        throw invalid(b, "operator '" + b.op().symbol() + "' needs numbers");
      }
      return l == ValueType.UNKNOWN ? r : l;
    }
    if (e instanceof Literal lit) {
      return lit.type();
    }
    ScalarPipeline sp = (ScalarPipeline) e;
    pipeline(sp.pipeline());
    return scalar(sp.aggregate());
  }

  private static boolean isConstant(ScalarExpr e) {
    if (e instanceof Literal) {
      return true;
    }
    if (e instanceof ScalarBinary b) {
      return isConstant(b.lhs()) && isConstant(b.rhs());
    }
    return false;
  }

  // ------------------------------------------------------------------ metrics

  private void metricsQuery(MetricsQuery m) {
    pipeline(m.pipeline());
    FirstStage first = m.firstStage();
    if (first instanceof MetricsAggregate a) {
      if (a.field() != null) {
        field(a.field());
      }
      for (double q : a.quantiles()) {
        if (!(q >= 0 && q <= 1)) {
          throw invalid(a, "quantiles must be between 0 and 1, got " + q);
        }
      }
      for (FieldRef r : a.by()) {
        field(r);
      }
    } else {
      Compare c = (Compare) first;
      spanset(c.selection());
      if (c.topN() <= 0) {
        throw invalid(c, "compare() needs a positive topN, got " + c.topN());
      }
      if (c.startNanos() < 0 || c.endNanos() < 0) {
        throw invalid(c, "compare() start and end must not be negative");
      }
      if (!m.secondStages().isEmpty()) {
        throw invalid(
            m.secondStages().get(0),
            "compare() cannot be followed by topk(), bottomk() or a filter");
      }
    }
    secondStages(m.secondStages());
  }

  private void metricsMath(MetricsExpr e) {
    if (e instanceof MetricsMath m) {
      metricsMath(m.lhs());
      metricsMath(m.rhs());
    } else if (e instanceof MetricsQuery q) {
      if (q.firstStage() instanceof Compare c) {
        throw invalid(c, "compare() cannot be used in arithmetic between queries");
      }
      metricsQuery(q);
    } else {
      ValueType t = ((Literal) e).type();
      if (!t.isNumeric()) {
        throw invalid(e, "arithmetic between queries needs numbers, not " + name(t));
      }
    }
  }

  private void secondStages(List<SecondStage> stages) {
    for (SecondStage s : stages) {
      if (s instanceof TopK t) {
        if (t.k() <= 0) {
          throw invalid(t, t.keyword() + "() needs a positive number of series, got " + t.k());
        }
      } else {
        MetricsFilter f = (MetricsFilter) s;
        ValueType t = scalar(f.value());
        if (!t.isNumeric() || !isConstant(f.value())) {
          throw invalid(f.value(), "a metrics filter compares with a constant number or duration");
        }
      }
    }
  }

  // ------------------------------------------------------------------ field expressions

  private ValueType field(FieldExpr e) {
    if (e instanceof Literal l) {
      return l.type();
    }
    if (e instanceof Attribute a) {
      if (a.parent()) {
        unsupported(a, "parent. attributes are not supported");
      }
      return ValueType.UNKNOWN;
    }
    if (e instanceof IntrinsicField i) {
      if (i.intrinsic() == Intrinsic.PARENT) {
        unsupported(i, "the parent intrinsic is not supported");
      }
      return i.intrinsic().type();
    }
    if (e instanceof UnaryExpr u) {
      ValueType t = field(u.operand());
      if (u.op() == UnaryOp.NEG) {
        if (!t.isNumeric() && t != ValueType.UNKNOWN) {
          throw invalid(u, "unary '-' needs a number or duration, but its operand is " + name(t));
        }
        return t;
      }
      if (t != ValueType.BOOLEAN && t != ValueType.UNKNOWN) {
        throw invalid(u, "'!' needs a boolean, but its operand is " + name(t));
      }
      return ValueType.BOOLEAN;
    }
    BinaryExpr b = (BinaryExpr) e;
    ValueType l = field(b.lhs());
    ValueType r = field(b.rhs());
    BinaryOp op = b.op();
    if (l == ValueType.NIL || r == ValueType.NIL) {
      nilComparison(b, b.lhs() instanceof NilLiteral ? b.rhs() : b.lhs());
      return ValueType.BOOLEAN;
    }
    if (!compatible(l, r)) {
      throw invalid(
          b, "operator '" + op.symbol() + "' cannot combine " + name(l) + " and " + name(r));
    }
    if (!allowed(op, l) || !allowed(op, r)) {
      ValueType bad = allowed(op, l) ? r : l;
      throw invalid(b, "operator '" + op.symbol() + "' is not defined for " + name(bad));
    }
    if ((op == BinaryOp.REGEX || op == BinaryOp.NOT_REGEX) && b.rhs() instanceof StringLiteral s) {
      try {
        TraceQL.regex(s.value());
      } catch (PatternSyntaxException ex) {
        throw invalid(s, "invalid regular expression: " + ex.getDescription());
      }
    }
    if (op.isComparison() || op.isLogical()) {
      return ValueType.BOOLEAN;
    }
    return l == ValueType.UNKNOWN ? r : l;
  }

  private void nilComparison(BinaryExpr b, FieldExpr other) {
    if (other instanceof NilLiteral || other instanceof Attribute) {
      if (b.op() == BinaryOp.EQ
          && other instanceof Attribute a
          && a.scope() == AttributeScope.RESOURCE
          && !a.parent()
          && a.name().equals("service.name")) {
        throw invalid(b, "resource.service.name always exists; it cannot be nil");
      }
      if (other instanceof Attribute a && a.parent()) {
        unsupported(a, "parent. attributes are not supported");
      }
      return;
    }
    if (other instanceof IntrinsicField i) {
      if (b.op() == BinaryOp.EQ) {
        throw invalid(b, "intrinsic " + i.intrinsic().canonical() + " always exists; it cannot be nil");
      }
      if (i.intrinsic() == Intrinsic.PARENT) {
        unsupported(i, "the parent intrinsic is not supported");
      }
      return;
    }
    throw invalid(b, "only attributes and intrinsics can be compared with nil");
  }

  private static boolean compatible(ValueType l, ValueType r) {
    return l == ValueType.UNKNOWN
        || r == ValueType.UNKNOWN
        || l == r
        || (l.isNumeric() && r.isNumeric());
  }

  private static boolean allowed(BinaryOp op, ValueType t) {
    return switch (t) {
      case UNKNOWN -> true;
      case BOOLEAN -> op == BinaryOp.AND
          || op == BinaryOp.OR
          || op == BinaryOp.EQ
          || op == BinaryOp.NEQ;
      case INT, FLOAT, DURATION -> op.isArithmetic()
          || (op.isComparison() && op != BinaryOp.REGEX && op != BinaryOp.NOT_REGEX);
      case STRING -> op.isComparison();
      case STATUS, KIND, NIL -> op == BinaryOp.EQ || op == BinaryOp.NEQ;
    };
  }

  private static boolean referencesSpan(FieldExpr e) {
    if (e instanceof FieldRef) {
      return true;
    }
    if (e instanceof UnaryExpr u) {
      return referencesSpan(u.operand());
    }
    if (e instanceof BinaryExpr b) {
      return referencesSpan(b.lhs()) || referencesSpan(b.rhs());
    }
    return false;
  }

  private static String name(ValueType t) {
    return switch (t) {
      case INT -> "an integer";
      case FLOAT -> "a float";
      case STRING -> "a string";
      case BOOLEAN -> "a boolean";
      case DURATION -> "a duration";
      case STATUS -> "a status";
      case KIND -> "a span kind";
      case NIL -> "nil";
      case UNKNOWN -> "an attribute";
    };
  }

  private TraceQLException invalid(Node at, String reason) {
    return new TraceQLException(
        Kind.INVALID, reason, at.position().line(), at.position().column(), text);
  }

  private void unsupported(Node at, String reason) {
    if (unsupported == null) {
      unsupported =
          new TraceQLException(
              Kind.UNSUPPORTED, reason, at.position().line(), at.position().column(), text);
    }
  }
}
