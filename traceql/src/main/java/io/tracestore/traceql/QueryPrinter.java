package io.tracestore.traceql;

import io.tracestore.traceql.ast.Aggregate;
import io.tracestore.traceql.ast.Attribute;
import io.tracestore.traceql.ast.AttributeScope;
import io.tracestore.traceql.ast.BinaryExpr;
import io.tracestore.traceql.ast.BinaryOp;
import io.tracestore.traceql.ast.BoolLiteral;
import io.tracestore.traceql.ast.Coalesce;
import io.tracestore.traceql.ast.Compare;
import io.tracestore.traceql.ast.DurationLiteral;
import io.tracestore.traceql.ast.FieldExpr;
import io.tracestore.traceql.ast.FieldRef;
import io.tracestore.traceql.ast.FirstStage;
import io.tracestore.traceql.ast.FloatLiteral;
import io.tracestore.traceql.ast.GroupBy;
import io.tracestore.traceql.ast.Hint;
import io.tracestore.traceql.ast.IntLiteral;
import io.tracestore.traceql.ast.IntrinsicField;
import io.tracestore.traceql.ast.KindLiteral;
import io.tracestore.traceql.ast.Literal;
import io.tracestore.traceql.ast.MetricsAggregate;
import io.tracestore.traceql.ast.MetricsExpr;
import io.tracestore.traceql.ast.MetricsFilter;
import io.tracestore.traceql.ast.MetricsMath;
import io.tracestore.traceql.ast.MetricsMathQuery;
import io.tracestore.traceql.ast.MetricsQuery;
import io.tracestore.traceql.ast.NilLiteral;
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
import io.tracestore.traceql.ast.StatusLiteral;
import io.tracestore.traceql.ast.StringLiteral;
import io.tracestore.traceql.ast.TopK;
import io.tracestore.traceql.ast.UnaryExpr;
import io.tracestore.traceql.ast.UnaryOp;
import io.tracestore.traceql.ast.WrappedPipeline;
import java.util.List;
import java.util.Locale;

/**
 * The canonical printer. Output uses single spaces around binary operators, the canonical
 * spelling of intrinsics, Go-style string escapes and only the parentheses the grammar's
 * precedence needs, so that parsing the output gives back an equal AST for every AST the parser
 * produces. One instance per call; not thread-safe.
 */
final class QueryPrinter {
  private static final int PRIMARY = 8;
  private static final int NEGATIVE_LITERAL = UnaryOp.NEG.precedence();

  private final StringBuilder out = new StringBuilder(64);

  private QueryPrinter() {}

  static String print(Query q) {
    QueryPrinter p = new QueryPrinter();
    p.body(q.body());
    if (!q.hints().isEmpty()) {
      p.out.append(" with(");
      List<Hint> hints = q.hints();
      for (int i = 0; i < hints.size(); i++) {
        if (i > 0) {
          p.out.append(", ");
        }
        p.out.append(hints.get(i).name()).append('=');
        p.literal(hints.get(i).value());
      }
      p.out.append(')');
    }
    return p.out.toString();
  }

  private void body(QueryBody b) {
    if (b instanceof Pipeline p) {
      pipeline(p);
    } else if (b instanceof MetricsQuery m) {
      metricsQuery(m);
    } else {
      MetricsMathQuery m = (MetricsMathQuery) b;
      metricsMath(m.expression(), 0);
      secondStages(m.secondStages());
    }
  }

  private void pipeline(Pipeline p) {
    List<PipelineStage> stages = p.stages();
    for (int i = 0; i < stages.size(); i++) {
      if (i > 0) {
        out.append(" | ");
      }
      stage(stages.get(i));
    }
  }

  private void stage(PipelineStage s) {
    if (s instanceof SpansetExpr e) {
      spanset(e, 0);
    } else if (s instanceof ScalarFilter f) {
      scalar(f.lhs(), 0);
      out.append(' ').append(f.op().symbol()).append(' ');
      scalar(f.rhs(), 0);
    } else if (s instanceof GroupBy g) {
      out.append("by(");
      field(g.expression(), 0);
      out.append(')');
    } else if (s instanceof Select sel) {
      out.append("select(");
      refs(sel.fields());
      out.append(')');
    } else if (s instanceof Coalesce) {
      out.append("coalesce()");
    }
  }

  private void spanset(SpansetExpr e, int minPrec) {
    if (e instanceof SpansetFilter f) {
      filter(f);
    } else if (e instanceof WrappedPipeline w) {
      out.append('(');
      pipeline(w.pipeline());
      out.append(')');
    } else {
      SpansetOperation op = (SpansetOperation) e;
      int p = op.op().precedence();
      boolean parens = p < minPrec;
      if (parens) {
        out.append('(');
      }
      spanset(op.lhs(), p);
      out.append(' ').append(op.op().symbol()).append(' ');
      spanset(op.rhs(), p + 1);
      if (parens) {
        out.append(')');
      }
    }
  }

  private void filter(SpansetFilter f) {
    if (f.expression() instanceof BoolLiteral b && b.value()) {
      out.append("{}");
      return;
    }
    out.append("{ ");
    field(f.expression(), 0);
    out.append(" }");
  }

  // ------------------------------------------------------------------ scalar and metrics

  private void scalar(ScalarExpr e, int minPrec) {
    if (e instanceof ScalarBinary b) {
      int p = b.op().precedence();
      boolean right = b.op() == io.tracestore.traceql.ast.ArithOp.POW;
      boolean parens = p < minPrec;
      if (parens) {
        out.append('(');
      }
      scalar(b.lhs(), right ? p + 1 : p);
      out.append(' ').append(b.op().symbol()).append(' ');
      scalar(b.rhs(), right ? p : p + 1);
      if (parens) {
        out.append(')');
      }
    } else if (e instanceof Aggregate a) {
      aggregate(a);
    } else if (e instanceof ScalarPipeline sp) {
      out.append('(');
      pipeline(sp.pipeline());
      out.append(" | ");
      aggregate(sp.aggregate());
      out.append(')');
    } else {
      literal((Literal) e);
    }
  }

  private void aggregate(Aggregate a) {
    out.append(a.function().keyword()).append('(');
    if (a.field() != null) {
      field(a.field(), 0);
    }
    out.append(')');
  }

  private void metricsQuery(MetricsQuery m) {
    pipeline(m.pipeline());
    out.append(" | ");
    firstStage(m.firstStage());
    secondStages(m.secondStages());
  }

  private void metricsMath(MetricsExpr e, int minPrec) {
    if (e instanceof MetricsMath m) {
      int p = m.op().precedence();
      boolean parens = p < minPrec;
      if (parens) {
        out.append('(');
      }
      metricsMath(m.lhs(), p);
      out.append(' ').append(m.op().symbol()).append(' ');
      metricsMath(m.rhs(), p + 1);
      if (parens) {
        out.append(')');
      }
    } else if (e instanceof MetricsQuery q) {
      out.append('(');
      metricsQuery(q);
      out.append(')');
    } else {
      literal((Literal) e);
    }
  }

  private void firstStage(FirstStage s) {
    if (s instanceof Compare c) {
      out.append("compare(");
      filter(c.selection());
      if (c.startNanos() != 0 || c.endNanos() != 0) {
        out.append(", ").append(c.topN()).append(", ").append(c.startNanos()).append(", ").append(c.endNanos());
      } else if (c.topN() != Compare.DEFAULT_TOP_N) {
        out.append(", ").append(c.topN());
      }
      out.append(')');
      return;
    }
    MetricsAggregate a = (MetricsAggregate) s;
    out.append(a.function().keyword()).append('(');
    if (a.field() != null) {
      field(a.field(), 0);
    }
    for (double q : a.quantiles()) {
      out.append(", ").append(q);
    }
    out.append(')');
    if (!a.by().isEmpty()) {
      out.append(" by (");
      refs(a.by());
      out.append(')');
    }
  }

  private void secondStages(List<SecondStage> stages) {
    for (SecondStage s : stages) {
      if (s instanceof TopK t) {
        out.append(" | ").append(t.keyword()).append('(').append(t.k()).append(')');
      } else {
        MetricsFilter f = (MetricsFilter) s;
        out.append(' ').append(f.op().symbol()).append(' ');
        scalar(f.value(), 0);
      }
    }
  }

  private void refs(List<FieldRef> refs) {
    for (int i = 0; i < refs.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      field(refs.get(i), 0);
    }
  }

  // ------------------------------------------------------------------ field expressions

  private void field(FieldExpr e, int minPrec) {
    if (e instanceof BinaryExpr b) {
      BinaryOp op = b.op();
      int p = op.precedence();
      boolean parens = p < minPrec;
      if (parens) {
        out.append('(');
      }
      field(b.lhs(), op == BinaryOp.POW ? PRIMARY : p);
      out.append(' ').append(op.symbol()).append(' ');
      field(b.rhs(), op == BinaryOp.POW ? p : p + 1);
      if (parens) {
        out.append(')');
      }
    } else if (e instanceof UnaryExpr u) {
      boolean parens = u.op().precedence() < minPrec;
      if (parens) {
        out.append('(');
      }
      out.append(u.op().symbol());
      FieldExpr operand = u.operand();
      boolean bare =
          operand instanceof FieldRef
              || operand instanceof StringLiteral
              || operand instanceof BoolLiteral
              || operand instanceof StatusLiteral
              || operand instanceof KindLiteral
              || (u.op() == UnaryOp.NOT && operand instanceof Literal && !isNegative(operand));
      if (bare) {
        field(operand, PRIMARY);
      } else {
        out.append('(');
        field(operand, 0);
        out.append(')');
      }
      if (parens) {
        out.append(')');
      }
    } else if (e instanceof Attribute a) {
      attribute(a);
    } else if (e instanceof IntrinsicField i) {
      out.append(i.intrinsic().canonical());
    } else {
      boolean parens = isNegative(e) && NEGATIVE_LITERAL < minPrec;
      if (parens) {
        out.append('(');
      }
      literal((Literal) e);
      if (parens) {
        out.append(')');
      }
    }
  }

  private static boolean isNegative(FieldExpr e) {
    if (e instanceof IntLiteral i) {
      return i.value() < 0;
    }
    if (e instanceof FloatLiteral f) {
      return Double.doubleToRawLongBits(f.value()) < 0;
    }
    if (e instanceof DurationLiteral d) {
      return d.nanos() < 0;
    }
    return false;
  }

  private void attribute(Attribute a) {
    if (a.parent()) {
      out.append("parent.");
    }
    if (a.scope() != AttributeScope.NONE) {
      out.append(a.scope().keyword()).append('.');
    } else if (!a.parent()) {
      out.append('.');
    }
    String name = a.name();
    boolean quote = name.isEmpty() || !isPlainName(name);
    if (!quote && a.scope() == AttributeScope.NONE) {
      quote =
          a.parent()
              ? name.startsWith("span.") || name.startsWith("resource.")
              : Character.isDigit(name.charAt(0));
    }
    if (!quote) {
      out.append(name);
      return;
    }
    out.append('"');
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    out.append('"');
  }

  /** True if every character can appear in an unquoted attribute name (see the lexer's ATTR_CHAR). */
  static boolean isPlainName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      switch (c) {
        case ' ', '\t', '\n', '\r', '\u000B', '\u000C', '\u0085', '\u00A0', '\u1680', '\u2028',
            '\u2029', '\u202F', '\u205F', '\u3000', '{', '}', '(', ')', '=', '~', '!', '<', '>',
            '&', '|', '^', ',', '"' -> {
          return false;
        }
        default -> {
          if (c >= '\u2000' && c <= '\u200A') {
            return false;
          }
        }
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ literals

  private void literal(Literal l) {
    if (l instanceof IntLiteral i) {
      out.append(i.value());
    } else if (l instanceof FloatLiteral f) {
      out.append(f.value());
    } else if (l instanceof StringLiteral s) {
      quoteGo(s.value());
    } else if (l instanceof BoolLiteral b) {
      out.append(b.value());
    } else if (l instanceof NilLiteral) {
      out.append("nil");
    } else if (l instanceof DurationLiteral d) {
      duration(d.nanos());
    } else if (l instanceof StatusLiteral s) {
      out.append(s.value().name().toLowerCase(Locale.ROOT));
    } else {
      out.append(((KindLiteral) l).value().name().toLowerCase(Locale.ROOT));
    }
  }

  private void quoteGo(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static final long[] UNIT_NANOS = {
    3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L
  };
  private static final String[] UNIT_NAMES = {"h", "m", "s", "ms", "us", "ns"};

  private void duration(long nanos) {
    if (nanos == 0) {
      out.append("0s");
      return;
    }
    if (nanos == Long.MIN_VALUE) {
      out.append("-9223372036854775808ns");
      return;
    }
    if (nanos < 0) {
      out.append('-');
      nanos = -nanos;
    }
    for (int i = 0; i < UNIT_NANOS.length; i++) {
      long v = nanos / UNIT_NANOS[i];
      if (v > 0) {
        out.append(v).append(UNIT_NAMES[i]);
        nanos -= v * UNIT_NANOS[i];
      }
    }
  }
}
