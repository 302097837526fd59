package io.tracestore.traceql.parser;

import io.tracestore.api.SpanKind;
import io.tracestore.api.StatusCode;
import io.tracestore.traceql.TraceQLException;
import io.tracestore.traceql.TraceQLOptions;
import io.tracestore.traceql.ast.Aggregate;
import io.tracestore.traceql.ast.AggregateFunction;
import io.tracestore.traceql.ast.ArithOp;
import io.tracestore.traceql.ast.Attribute;
import io.tracestore.traceql.ast.AttributeScope;
import io.tracestore.traceql.ast.BinaryExpr;
import io.tracestore.traceql.ast.BinaryOp;
import io.tracestore.traceql.ast.BoolLiteral;
import io.tracestore.traceql.ast.Coalesce;
import io.tracestore.traceql.ast.Compare;
import io.tracestore.traceql.ast.CompareOp;
import io.tracestore.traceql.ast.DurationLiteral;
import io.tracestore.traceql.ast.FieldExpr;
import io.tracestore.traceql.ast.FieldRef;
import io.tracestore.traceql.ast.FirstStage;
import io.tracestore.traceql.ast.FloatLiteral;
import io.tracestore.traceql.ast.GroupBy;
import io.tracestore.traceql.ast.Hint;
import io.tracestore.traceql.ast.IntLiteral;
import io.tracestore.traceql.ast.Intrinsic;
import io.tracestore.traceql.ast.IntrinsicField;
import io.tracestore.traceql.ast.KindLiteral;
import io.tracestore.traceql.ast.Literal;
import io.tracestore.traceql.ast.MetricsAggregate;
import io.tracestore.traceql.ast.MetricsExpr;
import io.tracestore.traceql.ast.MetricsFilter;
import io.tracestore.traceql.ast.MetricsFunction;
import io.tracestore.traceql.ast.MetricsMath;
import io.tracestore.traceql.ast.MetricsMathQuery;
import io.tracestore.traceql.ast.MetricsQuery;
import io.tracestore.traceql.ast.NilLiteral;
import io.tracestore.traceql.ast.Pipeline;
import io.tracestore.traceql.ast.PipelineStage;
import io.tracestore.traceql.ast.Position;
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
import io.tracestore.traceql.ast.SpansetOp;
import io.tracestore.traceql.ast.SpansetOperation;
import io.tracestore.traceql.ast.StatusLiteral;
import io.tracestore.traceql.ast.StringLiteral;
import io.tracestore.traceql.ast.TopK;
import io.tracestore.traceql.ast.UnaryExpr;
import io.tracestore.traceql.ast.UnaryOp;
import io.tracestore.traceql.ast.WrappedPipeline;
import io.tracestore.traceql.parser.Literals.LiteralException;
import io.tracestore.traceql.parser.TraceQLParser.*;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Turns an ANTLR parse tree into the immutable AST. Enforces the few syntax rules the grammar
 * leaves to code (nil placement, aggregates in scalar filters, metrics arithmetic needing a
 * metrics query), decodes literals, and bounds the depth of the tree it builds: long
 * left-associative chains are walked iteratively so that they cannot overflow the stack. One
 * instance per parse; not thread-safe.
 */
final class AstBuilder {
  private final String query;
  private final int maxDepth;

  AstBuilder(String query, TraceQLOptions options) {
    this.query = query;
    this.maxDepth = options.maxExpressionDepth();
  }

  Query build(QueryContext ctx) {
    QueryBody body = body(ctx.queryBody());
    List<Hint> hints = new ArrayList<>();
    for (HintsContext h : ctx.hints()) {
      for (HintContext hc : h.hint()) {
        hints.add(new Hint(hc.IDENT().getText(), staticValue(hc.staticValue()), pos(hc.IDENT())));
      }
    }
    return new Query(body, hints, pos(ctx.start));
  }

  // ------------------------------------------------------------------ query bodies

  private QueryBody body(QueryBodyContext ctx) {
    if (ctx instanceof PipelineBodyContext c) {
      Pipeline pipeline = pipeline(c.spansetPipeline(), 1);
      if (c.metricsFirstStage() == null) {
        return pipeline;
      }
      return new MetricsQuery(
          pipeline,
          firstStage(c.metricsFirstStage()),
          secondStages(c.metricsSecondStage()),
          pipeline.position());
    }
    if (ctx instanceof PipelineExpressionBodyContext c) {
      SpansetExpr e = spansetPipelineExpression(c.spansetPipelineExpression(), 1);
      if (e instanceof WrappedPipeline w) {
        return w.pipeline();
      }
      return new Pipeline(List.of(e), pos(ctx.start));
    }
    if (ctx instanceof ScalarPipelineFilterBodyContext c) {
      ScalarPipelineFilterContext f = c.scalarPipelineFilter();
      ScalarExpr lhs = scalarPipelineExpression(f.scalarPipelineExpression(0), 2);
      ScalarExpr rhs;
      if (f.scalarPipelineExpression().size() > 1) {
        rhs = scalarPipelineExpression(f.scalarPipelineExpression(1), 2);
      } else if (f.staticValue() != null) {
        rhs = staticValue(f.staticValue());
      } else {
        NegativeNumberContext n = f.negativeNumber();
        rhs = number((TerminalNode) n.getChild(1), true, pos(n.SUB()));
      }
      ScalarFilter filter =
          new ScalarFilter(compareOp(f.compareOp()), lhs, rhs, pos(f.compareOp().start));
      return new Pipeline(List.of(filter), pos(ctx.start));
    }
    MetricsMathBodyContext c = (MetricsMathBodyContext) ctx;
    MetricsExpr e = metricsMath(c.metricsMath(), 1);
    List<SecondStage> stages = secondStages(c.metricsSecondStage());
    if (e instanceof MetricsQuery q) {
      List<SecondStage> all = new ArrayList<>(q.secondStages());
      all.addAll(stages);
      return new MetricsQuery(q.pipeline(), q.firstStage(), all, q.position());
    }
    if (!containsMetricsQuery(e)) {
      throw syntax(
          c.metricsMath().start,
          "expected a metrics query such as ({ } | rate()); arithmetic needs at least one"
              + " parenthesised metrics query");
    }
    return new MetricsMathQuery((MetricsMath) e, stages, pos(ctx.start));
  }

  private static boolean containsMetricsQuery(MetricsExpr e) {
    if (e instanceof MetricsQuery) {
      return true;
    }
    if (e instanceof MetricsMath m) {
      return containsMetricsQuery(m.lhs()) || containsMetricsQuery(m.rhs());
    }
    return false;
  }

  // ------------------------------------------------------------------ pipelines

  private Pipeline pipeline(SpansetPipelineContext ctx, int depth) {
    enter(depth, ctx.start);
    List<PipelineStage> stages = new ArrayList<>();
    stages.add(stage(ctx.pipelineHead().getChild(0), depth + 1));
    for (PipelineElementContext e : ctx.pipelineElement()) {
      stages.add(stage(e.getChild(0), depth + 1));
    }
    return new Pipeline(stages, stages.get(0).position());
  }

  private PipelineStage stage(ParseTree t, int depth) {
    if (t instanceof SpansetExpressionContext s) {
      return spansetExpression(s, depth);
    }
    if (t instanceof ScalarFilterContext s) {
      return scalarFilter(s, depth);
    }
    if (t instanceof GroupOperationContext g) {
      return new GroupBy(field(g.fieldExpression(), depth + 1), pos(g.BY()));
    }
    if (t instanceof SelectOperationContext s) {
      List<FieldRef> refs = new ArrayList<>();
      for (FieldRefContext r : s.fieldRef()) {
        refs.add(fieldRef(r));
      }
      return new Select(refs, pos(s.SELECT()));
    }
    CoalesceOperationContext c = (CoalesceOperationContext) t;
    return new Coalesce(pos(c.COALESCE()));
  }

  private SpansetExpr spansetExpression(SpansetExpressionContext ctx, int depth) {
    return chain(
        ctx,
        SpansetExpressionContext.class,
        depth,
        (c, d, parentOp) -> {
          if (c instanceof SpansetParensContext p) {
            return spansetExpression(p.spansetExpression(), d);
          }
          return spansetFilter(((SpansetFilterExprContext) c).spansetFilter(), d);
        },
        (op, l, r) -> new SpansetOperation(spansetOp(op), l, r, pos(op)));
  }

  private SpansetExpr spansetPipelineExpression(SpansetPipelineExpressionContext ctx, int depth) {
    return chain(
        ctx,
        SpansetPipelineExpressionContext.class,
        depth,
        (c, d, parentOp) -> {
          if (c instanceof PipelineExprParensContext p) {
            return spansetPipelineExpression(p.spansetPipelineExpression(), d);
          }
          WrappedSpansetPipelineContext w = ((PipelineExprWrappedContext) c).wrappedSpansetPipeline();
          return new WrappedPipeline(pipeline(w.spansetPipeline(), d + 1), pos(w.LPAREN()));
        },
        (op, l, r) -> new SpansetOperation(spansetOp(op), l, r, pos(op)));
  }

  private SpansetFilter spansetFilter(SpansetFilterContext ctx, int depth) {
    enter(depth, ctx.start);
    FieldExpr e =
        ctx.fieldExpression() == null
            ? new BoolLiteral(true, pos(ctx.LBRACE()))
            : field(ctx.fieldExpression(), depth + 1);
    return new SpansetFilter(e, pos(ctx.LBRACE()));
  }

  private static SpansetOp spansetOp(Token op) {
    return switch (op.getType()) {
      case TraceQLLexer.AND -> SpansetOp.AND;
      case TraceQLLexer.OR -> SpansetOp.UNION;
      case TraceQLLexer.GT -> SpansetOp.CHILD;
      case TraceQLLexer.LT -> SpansetOp.PARENT;
      case TraceQLLexer.DESC -> SpansetOp.DESCENDANT;
      case TraceQLLexer.ANCE -> SpansetOp.ANCESTOR;
      case TraceQLLexer.TILDE -> SpansetOp.SIBLING;
      case TraceQLLexer.NOT_CHILD -> SpansetOp.NOT_CHILD;
      case TraceQLLexer.NOT_PARENT -> SpansetOp.NOT_PARENT;
      case TraceQLLexer.NOT_DESC -> SpansetOp.NOT_DESCENDANT;
      case TraceQLLexer.NOT_ANCE -> SpansetOp.NOT_ANCESTOR;
      case TraceQLLexer.NRE -> SpansetOp.NOT_SIBLING;
      case TraceQLLexer.UNION_CHILD -> SpansetOp.UNION_CHILD;
      case TraceQLLexer.UNION_PARENT -> SpansetOp.UNION_PARENT;
      case TraceQLLexer.UNION_DESC -> SpansetOp.UNION_DESCENDANT;
      case TraceQLLexer.UNION_ANCE -> SpansetOp.UNION_ANCESTOR;
      case TraceQLLexer.UNION_SIBL -> SpansetOp.UNION_SIBLING;
      default -> throw new IllegalStateException("spanset operator " + op.getText());
    };
  }

  // ------------------------------------------------------------------ scalar filters

  private ScalarFilter scalarFilter(ScalarFilterContext ctx, int depth) {
    ScalarExpr lhs = scalarExpression(ctx.scalarExpression(0), depth + 1);
    if (!containsAggregate(lhs)) {
      throw syntax(
          ctx.start,
          "expected an aggregate such as count() or avg(duration) on the left of a scalar"
              + " filter");
    }
    ScalarExpr rhs = scalarExpression(ctx.scalarExpression(1), depth + 1);
    return new ScalarFilter(compareOp(ctx.compareOp()), lhs, rhs, pos(ctx.compareOp().start));
  }

  private static boolean containsAggregate(ScalarExpr e) {
    if (e instanceof Aggregate) {
      return true;
    }
    if (e instanceof ScalarBinary b) {
      return containsAggregate(b.lhs()) || containsAggregate(b.rhs());
    }
    return false;
  }

  private ScalarExpr scalarExpression(ScalarExpressionContext ctx, int depth) {
    return chain(
        ctx,
        ScalarExpressionContext.class,
        depth,
        (c, d, parentOp) -> {
          if (c instanceof ScalarParensContext p) {
            return scalarExpression(p.scalarExpression(), d);
          }
          if (c instanceof ScalarAggregateContext a) {
            return aggregate(a.aggregate(), d);
          }
          SignedNumberContext n = ((ScalarNumberContext) c).signedNumber();
          return number((TerminalNode) n.getChild(n.getChildCount() - 1), n.SUB() != null, pos(n.start));
        },
        (op, l, r) -> new ScalarBinary(arithOp(op), l, r, pos(op)));
  }

  private ScalarExpr scalarPipelineExpression(ScalarPipelineExpressionContext ctx, int depth) {
    return chain(
        ctx,
        ScalarPipelineExpressionContext.class,
        depth,
        (c, d, parentOp) -> {
          if (c instanceof ScalarPipelineParensContext p) {
            return scalarPipelineExpression(p.scalarPipelineExpression(), d);
          }
          WrappedScalarPipelineContext w = ((ScalarPipelineWrappedContext) c).wrappedScalarPipeline();
          return new ScalarPipeline(
              pipeline(w.spansetPipeline(), d + 1), aggregate(w.aggregate(), d + 1), pos(w.LPAREN()));
        },
        (op, l, r) -> new ScalarBinary(arithOp(op), l, r, pos(op)));
  }

  private Aggregate aggregate(AggregateContext ctx, int depth) {
    enter(depth, ctx.start);
    if (ctx.COUNT() != null) {
      return new Aggregate(AggregateFunction.COUNT, null, pos(ctx.COUNT()));
    }
    AggregateFunction fn =
        switch (ctx.fn.getType()) {
          case TraceQLLexer.MAX -> AggregateFunction.MAX;
          case TraceQLLexer.MIN -> AggregateFunction.MIN;
          case TraceQLLexer.AVG -> AggregateFunction.AVG;
          default -> AggregateFunction.SUM;
        };
    return new Aggregate(fn, field(ctx.fieldExpression(), depth + 1), pos(ctx.fn));
  }

  private static CompareOp compareOp(CompareOpContext ctx) {
    return switch (ctx.start.getType()) {
      case TraceQLLexer.EQ -> CompareOp.EQ;
      case TraceQLLexer.NEQ -> CompareOp.NEQ;
      case TraceQLLexer.LT -> CompareOp.LT;
      case TraceQLLexer.LTE -> CompareOp.LTE;
      case TraceQLLexer.GT -> CompareOp.GT;
      default -> CompareOp.GTE;
    };
  }

  private static ArithOp arithOp(Token op) {
    return switch (op.getType()) {
      case TraceQLLexer.ADD -> ArithOp.ADD;
      case TraceQLLexer.SUB -> ArithOp.SUB;
      case TraceQLLexer.MUL -> ArithOp.MUL;
      case TraceQLLexer.DIV -> ArithOp.DIV;
      case TraceQLLexer.MOD -> ArithOp.MOD;
      default -> ArithOp.POW;
    };
  }

  // ------------------------------------------------------------------ metrics

  private FirstStage firstStage(MetricsFirstStageContext ctx) {
    if (ctx instanceof MetricsCountingContext c) {
      MetricsFunction fn =
          c.fn.getType() == TraceQLLexer.RATE ? MetricsFunction.RATE : MetricsFunction.COUNT_OVER_TIME;
      return new MetricsAggregate(fn, null, List.of(), by(c.byClause()), pos(c.fn));
    }
    if (ctx instanceof MetricsOverTimeContext c) {
      MetricsFunction fn =
          switch (c.fn.getType()) {
            case TraceQLLexer.MIN_OVER_TIME -> MetricsFunction.MIN_OVER_TIME;
            case TraceQLLexer.MAX_OVER_TIME -> MetricsFunction.MAX_OVER_TIME;
            case TraceQLLexer.AVG_OVER_TIME -> MetricsFunction.AVG_OVER_TIME;
            case TraceQLLexer.SUM_OVER_TIME -> MetricsFunction.SUM_OVER_TIME;
            default -> MetricsFunction.HISTOGRAM_OVER_TIME;
          };
      return new MetricsAggregate(fn, fieldRef(c.fieldRef()), List.of(), by(c.byClause()), pos(c.fn));
    }
    if (ctx instanceof MetricsQuantileContext c) {
      List<Double> qs = new ArrayList<>();
      for (QuantileContext q : c.quantile()) {
        TerminalNode t = (TerminalNode) q.getChild(0);
        Literal l = number(t, false, pos(t));
        qs.add(l instanceof IntLiteral i ? (double) i.value() : ((FloatLiteral) l).value());
      }
      return new MetricsAggregate(
          MetricsFunction.QUANTILE_OVER_TIME,
          fieldRef(c.fieldRef()),
          qs,
          by(c.byClause()),
          pos(c.QUANTILE_OVER_TIME()));
    }
    MetricsCompareContext c = (MetricsCompareContext) ctx;
    List<TerminalNode> ints = c.INTEGER();
    long[] args = {Compare.DEFAULT_TOP_N, 0, 0};
    for (int i = 0; i < ints.size(); i++) {
      args[i] = integer(ints.get(i), false);
    }
    return new Compare(spansetFilter(c.spansetFilter(), 2), args[0], args[1], args[2], pos(c.COMPARE()));
  }

  private List<FieldRef> by(ByClauseContext ctx) {
    List<FieldRef> refs = new ArrayList<>();
    if (ctx != null) {
      for (FieldRefContext r : ctx.fieldRef()) {
        refs.add(fieldRef(r));
      }
    }
    return refs;
  }

  private List<SecondStage> secondStages(List<MetricsSecondStageContext> ctxs) {
    List<SecondStage> stages = new ArrayList<>();
    for (MetricsSecondStageContext s : ctxs) {
      if (s instanceof TopKStageContext t) {
        stages.add(new TopK(t.fn.getType() == TraceQLLexer.BOTTOMK, integer(t.INTEGER(), false), pos(t.fn)));
      } else {
        FilterStageContext f = (FilterStageContext) s;
        MetricsFilterValueContext v = f.metricsFilterValue();
        ScalarExpr value;
        if (v.DURATION() != null) {
          value = number(v.DURATION(), v.SUB() != null, pos(v.start));
        } else {
          value = constant(v.constantExpression(), 2);
        }
        stages.add(new MetricsFilter(compareOp(f.compareOp()), value, pos(f.compareOp().start)));
      }
    }
    return stages;
  }

  private ScalarExpr constant(ConstantExpressionContext ctx, int depth) {
    return chain(
        ctx,
        ConstantExpressionContext.class,
        depth,
        (c, d, parentOp) -> {
          if (c instanceof ConstantParensContext p) {
            return constant(p.constantExpression(), d);
          }
          ConstantNumberContext n = (ConstantNumberContext) c;
          return number((TerminalNode) n.getChild(n.getChildCount() - 1), n.SUB() != null, pos(n.start));
        },
        (op, l, r) -> new ScalarBinary(arithOp(op), l, r, pos(op)));
  }

  private MetricsExpr metricsMath(MetricsMathContext ctx, int depth) {
    return chain(
        ctx,
        MetricsMathContext.class,
        depth,
        (c, d, parentOp) -> {
          if (c instanceof MetricsMathParensContext p) {
            return metricsMath(p.metricsMath(), d);
          }
          if (c instanceof MetricsMathNumberContext n) {
            return number((TerminalNode) n.getChild(n.getChildCount() - 1), n.SUB() != null, pos(n.start));
          }
          WrappedMetricsPipelineContext w = ((MetricsMathPipelineContext) c).wrappedMetricsPipeline();
          Pipeline p = pipeline(w.spansetPipeline(), d + 1);
          return new MetricsQuery(
              p, firstStage(w.metricsFirstStage()), secondStages(w.metricsSecondStage()), p.position());
        },
        (op, l, r) -> new MetricsMath(arithOp(op), l, r, pos(op)));
  }

  // ------------------------------------------------------------------ field expressions

  private FieldExpr field(FieldExpressionContext ctx, int depth) {
    return chain(ctx, FieldExpressionContext.class, depth, this::fieldLeaf, AstBuilder::binary);
  }

  private static FieldExpr binary(Token op, FieldExpr l, FieldExpr r) {
    BinaryOp b =
        switch (op.getType()) {
          case TraceQLLexer.ADD -> BinaryOp.ADD;
          case TraceQLLexer.SUB -> BinaryOp.SUB;
          case TraceQLLexer.MUL -> BinaryOp.MUL;
          case TraceQLLexer.DIV -> BinaryOp.DIV;
          case TraceQLLexer.MOD -> BinaryOp.MOD;
          case TraceQLLexer.POW -> BinaryOp.POW;
          case TraceQLLexer.EQ -> BinaryOp.EQ;
          case TraceQLLexer.NEQ -> BinaryOp.NEQ;
          case TraceQLLexer.LT -> BinaryOp.LT;
          case TraceQLLexer.LTE -> BinaryOp.LTE;
          case TraceQLLexer.GT -> BinaryOp.GT;
          case TraceQLLexer.GTE -> BinaryOp.GTE;
          case TraceQLLexer.RE -> BinaryOp.REGEX;
          case TraceQLLexer.NRE -> BinaryOp.NOT_REGEX;
          case TraceQLLexer.AND -> BinaryOp.AND;
          default -> BinaryOp.OR;
        };
    return new BinaryExpr(b, l, r, pos(op));
  }

  private FieldExpr fieldLeaf(FieldExpressionContext c, int depth, Token parentOp) {
    if (c instanceof FieldParensContext p) {
      return field(p.fieldExpression(), depth);
    }
    if (c instanceof FieldNotContext n) {
      return new UnaryExpr(UnaryOp.NOT, field(n.fieldExpression(), depth + 1), pos(n.NOT()));
    }
    if (c instanceof FieldNegateContext n) {
      FieldExpressionContext operand = n.fieldExpression();
      if (operand instanceof FieldStaticContext s) {
        Token t = s.staticValue().start;
        int type = t.getType();
        if (type == TraceQLLexer.INTEGER || type == TraceQLLexer.FLOAT || type == TraceQLLexer.DURATION) {
          return number((TerminalNode) s.staticValue().getChild(0), true, pos(n.SUB()));
        }
      }
      return new UnaryExpr(UnaryOp.NEG, field(operand, depth + 1), pos(n.SUB()));
    }
    if (c instanceof FieldStaticContext s) {
      return staticValue(s.staticValue());
    }
    if (c instanceof FieldNilContext n) {
      if (parentOp == null
          || (parentOp.getType() != TraceQLLexer.EQ && parentOp.getType() != TraceQLLexer.NEQ)) {
        throw syntax(n.NIL().getSymbol(), "nil can only be compared with '=' or '!=', e.g. .attr != nil");
      }
      return new NilLiteral(pos(n.NIL()));
    }
    return fieldRef(((FieldReferenceContext) c).fieldRef());
  }

  private FieldRef fieldRef(FieldRefContext ctx) {
    if (ctx.intrinsic() != null) {
      Token t = ctx.intrinsic().start;
      Intrinsic i =
          Intrinsic.fromSpelling(t.getText())
              .orElseThrow(() -> new IllegalStateException("intrinsic " + t.getText()));
      return new IntrinsicField(i, pos(t));
    }
    AttributeContext a = ctx.attribute();
    Token scopeTok = a.ATTR_SCOPE().getSymbol();
    String scopeText = scopeTok.getText();
    boolean parent = scopeText.startsWith("parent.");
    String rest = parent ? scopeText.substring("parent.".length()) : scopeText;
    AttributeScope scope =
        switch (rest) {
          case "" , "." -> AttributeScope.NONE;
          case "span." -> AttributeScope.SPAN;
          case "resource." -> AttributeScope.RESOURCE;
          case "event." -> AttributeScope.EVENT;
          case "link." -> AttributeScope.LINK;
          default -> AttributeScope.INSTRUMENTATION;
        };
    String name;
    if (a.ATTR_QUOTED() != null) {
      try {
        name = Literals.unquoteAttribute(a.ATTR_QUOTED().getText());
      } catch (LiteralException e) {
        throw syntax(a.ATTR_QUOTED().getSymbol(), e.getMessage());
      }
    } else {
      name = a.ATTR_NAME().getText();
    }
    return new Attribute(scope, parent, name, pos(scopeTok));
  }

  // ------------------------------------------------------------------ literals

  private Literal staticValue(StaticValueContext ctx) {
    Token t = ctx.start;
    Position p = pos(t);
    switch (t.getType()) {
      case TraceQLLexer.STRING:
        try {
          return new StringLiteral(Literals.unquoteGo(t.getText()), p);
        } catch (LiteralException e) {
          throw syntax(t, e.getMessage());
        }
      case TraceQLLexer.RAW_STRING:
        return new StringLiteral(Literals.unquoteRaw(t.getText()), p);
      case TraceQLLexer.INTEGER:
      case TraceQLLexer.FLOAT:
      case TraceQLLexer.DURATION:
        return number((TerminalNode) ctx.getChild(0), false, p);
      case TraceQLLexer.TRUE:
        return new BoolLiteral(true, p);
      case TraceQLLexer.FALSE:
        return new BoolLiteral(false, p);
      case TraceQLLexer.STATUS_OK:
        return new StatusLiteral(StatusCode.OK, p);
      case TraceQLLexer.STATUS_ERROR:
        return new StatusLiteral(StatusCode.ERROR, p);
      case TraceQLLexer.STATUS_UNSET:
        return new StatusLiteral(StatusCode.UNSET, p);
      case TraceQLLexer.KIND_UNSPECIFIED:
        return new KindLiteral(SpanKind.UNSPECIFIED, p);
      case TraceQLLexer.KIND_INTERNAL:
        return new KindLiteral(SpanKind.INTERNAL, p);
      case TraceQLLexer.KIND_SERVER:
        return new KindLiteral(SpanKind.SERVER, p);
      case TraceQLLexer.KIND_CLIENT:
        return new KindLiteral(SpanKind.CLIENT, p);
      case TraceQLLexer.KIND_PRODUCER:
        return new KindLiteral(SpanKind.PRODUCER, p);
      default:
        return new KindLiteral(SpanKind.CONSUMER, p);
    }
  }

  /** An INTEGER, FLOAT or DURATION token as a literal, negated if {@code negative}. */
  private Literal number(TerminalNode node, boolean negative, Position p) {
    Token t = node.getSymbol();
    try {
      return switch (t.getType()) {
        case TraceQLLexer.INTEGER -> new IntLiteral(Literals.parseInt(t.getText(), negative), p);
        case TraceQLLexer.FLOAT -> new FloatLiteral(Literals.parseFloat(t.getText(), negative), p);
        default -> new DurationLiteral(Literals.parseDuration(t.getText(), negative), p);
      };
    } catch (LiteralException e) {
      throw syntax(t, e.getMessage());
    }
  }

  private long integer(TerminalNode node, boolean negative) {
    try {
      return Literals.parseInt(node.getText(), negative);
    } catch (LiteralException e) {
      throw syntax(node.getSymbol(), e.getMessage());
    }
  }

  // ------------------------------------------------------------------ chains and limits

  @FunctionalInterface
  private interface Leaf<C, R> {
    R build(C ctx, int depth, Token parentOp);
  }

  @FunctionalInterface
  private interface Combine<R> {
    R apply(Token op, R lhs, R rhs);
  }

  /**
   * Builds a binary-operator tree. ANTLR gives left-deep trees for left-associative chains; the
   * left spine is walked with a loop, so only right operands and brackets recurse.
   */
  private <C extends ParserRuleContext, R> R chain(
      C ctx, Class<C> type, int depth, Leaf<C, R> leaf, Combine<R> combine) {
    enter(depth, ctx.start);
    if (!isBinary(ctx, type)) {
      return leaf.build(ctx, depth, null);
    }
    List<C> spine = new ArrayList<>();
    C cur = ctx;
    while (isBinary(cur, type)) {
      spine.add(cur);
      cur = type.cast(cur.getChild(0));
    }
    enter(depth + spine.size(), cur.start);
    C bottom = spine.get(spine.size() - 1);
    R acc = leaf.build(cur, depth + spine.size(), opToken(bottom));
    for (int i = spine.size() - 1; i >= 0; i--) {
      C b = spine.get(i);
      Token op = opToken(b);
      C rhsCtx = type.cast(b.getChild(2));
      R rhs =
          isBinary(rhsCtx, type)
              ? chain(rhsCtx, type, depth + i + 1, leaf, combine)
              : leaf.build(rhsCtx, depth + i + 1, op);
      acc = combine.apply(op, acc, rhs);
    }
    return acc;
  }

  private static boolean isBinary(ParserRuleContext ctx, Class<?> type) {
    return ctx.getChildCount() == 3
        && type.isInstance(ctx.getChild(0))
        && ctx.getChild(1) instanceof TerminalNode;
  }

  private static Token opToken(ParserRuleContext binary) {
    return ((TerminalNode) binary.getChild(1)).getSymbol();
  }

  private void enter(int depth, Token at) {
    if (depth > maxDepth) {
      throw new TraceQLException(
          TraceQLException.Kind.LIMIT,
          "query is nested too deeply (syntax tree deeper than "
              + maxDepth
              + "; see TraceQLOptions.maxExpressionDepth)",
          at.getLine(),
          at.getCharPositionInLine() + 1,
          query);
    }
  }

  private TraceQLException syntax(Token at, String message) {
    return new TraceQLException(
        TraceQLException.Kind.SYNTAX, message, at.getLine(), at.getCharPositionInLine() + 1, query);
  }

  private static Position pos(Token t) {
    return Position.of(t.getLine(), t.getCharPositionInLine() + 1);
  }

  private static Position pos(TerminalNode n) {
    return pos(n.getSymbol());
  }
}
