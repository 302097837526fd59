package io.tracestore.core.search;

import io.tracestore.api.TraceStoreException;
import io.tracestore.traceql.ast.Aggregate;
import io.tracestore.traceql.ast.AggregateFunction;
import io.tracestore.traceql.ast.ArithOp;
import io.tracestore.traceql.ast.BinaryOp;
import io.tracestore.traceql.ast.Coalesce;
import io.tracestore.traceql.ast.CompareOp;
import io.tracestore.traceql.ast.GroupBy;
import io.tracestore.traceql.ast.Literal;
import io.tracestore.traceql.ast.Pipeline;
import io.tracestore.traceql.ast.PipelineStage;
import io.tracestore.traceql.ast.ScalarBinary;
import io.tracestore.traceql.ast.ScalarExpr;
import io.tracestore.traceql.ast.ScalarFilter;
import io.tracestore.traceql.ast.Select;
import io.tracestore.traceql.ast.SpansetExpr;
import io.tracestore.traceql.ast.SpansetFilter;
import io.tracestore.traceql.ast.SpansetOp;
import io.tracestore.traceql.ast.SpansetOperation;
import io.tracestore.traceql.ast.WrappedPipeline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a spanset pipeline into stages over lists of {@link SpanSetData}, with Tempo's
 * semantics:
 *
 * <ul>
 *   <li>a pipeline starts from one span set holding every span of the trace; its stages run left
 *       to right, each on every span set the previous one produced
 *   <li>{@code { expr }} keeps the spans of a set for which expr is true (dropping sets left
 *       empty); {@code A && B} keeps the union of both sides' spans if both selected some, {@code A
 *       || B} the union if either did; structural operators relate the two sides' spans (see
 *       {@link Structural}); operands are evaluated on each incoming span set separately, and a
 *       result keeps that set's attached values. Where an operand produced several sets (a
 *       parenthesised pipeline with {@code by()}), their spans are taken together (Tempo rejects
 *       this case).
 *   <li>{@code count() > 2}, {@code avg(f) >= 1s}, {@code min max sum}: computes the aggregate per
 *       set (spans where f is nil or not a number are skipped; a set without any value is dropped),
 *       attaches it by name ({@code avg(duration)}) and keeps the sets satisfying the comparison
 *   <li>{@code by(f)} splits each set by the value of f (nil is a group too), attaching the value
 *       as {@code by(f)}; groups come in order of their first span
 *   <li>{@code coalesce()} merges all sets into one without attached values
 *   <li>{@code select(...)} changes no set; the fields show up on the returned spans
 * </ul>
 *
 * Compile once per query; the stages are confined to one search (they hold small caches).
 */
final class PipelineCompiler {
  private PipelineCompiler() {}

  /** A compiled pipeline stage. */
  interface Stage {
    List<SpanSetData> apply(EvalContext c, List<SpanSetData> in);
  }

  /** A compiled spanset expression, evaluated on one incoming span set. */
  interface SetExpr {
    List<SpanSetData> eval(EvalContext c, SpanSetData in);
  }

  /** The stages of {@code p} as one stage. */
  static Stage pipeline(Pipeline p) {
    List<Stage> stages = new ArrayList<>();
    for (PipelineStage s : p.stages()) {
      stages.add(stage(s));
    }
    if (stages.size() == 1) {
      return stages.get(0);
    }
    Stage[] all = stages.toArray(new Stage[0]);
    return (c, in) -> {
      List<SpanSetData> cur = in;
      for (Stage s : all) {
        if (cur.isEmpty()) {
          return cur;
        }
        cur = s.apply(c, cur);
      }
      return cur;
    };
  }

  private static Stage stage(PipelineStage s) {
    if (s instanceof SpansetExpr e) {
      SetExpr se = setExpr(e);
      return (c, in) -> {
        if (in.size() == 1) {
          return se.eval(c, in.get(0));
        }
        List<SpanSetData> out = new ArrayList<>();
        for (SpanSetData ss : in) {
          out.addAll(se.eval(c, ss));
        }
        return out;
      };
    }
    if (s instanceof ScalarFilter f) {
      return scalarFilter(f);
    }
    if (s instanceof GroupBy g) {
      return groupBy(g);
    }
    if (s instanceof Coalesce) {
      return PipelineCompiler::coalesce;
    }
    if (s instanceof Select) {
      return (c, in) -> in;
    }
    throw new IllegalStateException("stage " + s);
  }

  // ------------------------------------------------------------------ spanset expressions

  static SetExpr setExpr(SpansetExpr e) {
    if (e instanceof SpansetFilter f) {
      return filter(f);
    }
    if (e instanceof WrappedPipeline w) {
      Stage p = pipeline(w.pipeline());
      return (c, in) -> p.apply(c, List.of(in));
    }
    SpansetOperation op = (SpansetOperation) e;
    SetExpr l = setExpr(op.lhs());
    SetExpr r = setExpr(op.rhs());
    SpansetOp o = op.op();
    if (o == SpansetOp.AND || o == SpansetOp.UNION) {
      boolean and = o == SpansetOp.AND;
      return (c, in) -> {
        List<SpanSetData> ls = l.eval(c, in);
        if (and && ls.isEmpty()) {
          return List.of();
        }
        List<SpanSetData> rs = r.eval(c, in);
        if (and ? rs.isEmpty() : ls.isEmpty() && rs.isEmpty()) {
          return List.of();
        }
        int[] union = union(c.trace.n, ls, rs);
        return union.length == 0 ? List.of() : List.of(in.withSpans(union));
      };
    }
    return (c, in) -> {
      List<SpanSetData> rs = r.eval(c, in);
      if (rs.isEmpty()) {
        return List.of();
      }
      List<SpanSetData> ls = l.eval(c, in);
      int[] result = Structural.relate(o, c.trace, union(c.trace.n, ls, List.of()), union(c.trace.n, rs, List.of()));
      return result.length == 0 ? List.of() : List.of(in.withSpans(result));
    };
  }

  private static SetExpr filter(SpansetFilter f) {
    FieldCompiler.Compiled compiled = FieldCompiler.compile(f.expression());
    FieldCompiler.SpanPredicate p = FieldCompiler.predicate(compiled);
    if (compiled.constant()) {
      boolean all = compiled.eval().eval(null) == Boolean.TRUE;
      return (c, in) -> all && in.spans.length > 0 ? List.of(in) : List.of();
    }
    return (c, in) -> {
      int[] src = in.spans;
      int[] keep = new int[src.length];
      int k = 0;
      for (int i : src) {
        c.at(i);
        if (p.test(c)) {
          keep[k++] = i;
        }
      }
      if (k == 0) {
        return List.of();
      }
      return List.of(k == src.length ? in : in.withSpans(java.util.Arrays.copyOf(keep, k)));
    };
  }

  /** The sorted union of every span of {@code a} and {@code b}. */
  private static int[] union(int n, List<SpanSetData> a, List<SpanSetData> b) {
    if (b.isEmpty() && a.size() == 1) {
      return a.get(0).spans;
    }
    boolean[] m = new boolean[n];
    for (SpanSetData s : a) {
      for (int i : s.spans) {
        m[i] = true;
      }
    }
    for (SpanSetData s : b) {
      for (int i : s.spans) {
        m[i] = true;
      }
    }
    return Structural.collect(m);
  }

  // ------------------------------------------------------------------ other stages

  private static List<SpanSetData> coalesce(EvalContext c, List<SpanSetData> in) {
    int[] all = union(c.trace.n, in, List.of());
    if (all.length == 0) {
      return List.of();
    }
    return List.of(new SpanSetData(all, SpanSetData.NO_ATTRIBUTES));
  }

  private static Stage groupBy(GroupBy g) {
    Eval e = FieldCompiler.value(g.expression());
    String name = QueryText.groupBy(g.expression());
    return (c, in) -> {
      List<SpanSetData> out = new ArrayList<>();
      for (SpanSetData ss : in) {
        Map<Object, int[]> groups = new LinkedHashMap<>();
        Map<Object, Integer> sizes = new HashMap<>();
        for (int i : ss.spans) {
          c.at(i);
          Object key = groupKey(e.eval(c));
          int[] idx = groups.get(key);
          int size = sizes.getOrDefault(key, 0);
          if (idx == null) {
            idx = new int[Math.min(ss.spans.length, 8)];
          } else if (size == idx.length) {
            idx = java.util.Arrays.copyOf(idx, Math.min(ss.spans.length, idx.length * 2));
          }
          idx[size] = i;
          groups.put(key, idx);
          sizes.put(key, size + 1);
        }
        for (Map.Entry<Object, int[]> group : groups.entrySet()) {
          int size = sizes.get(group.getKey());
          int[] idx = group.getValue();
          out.add(new SpanSetData(size == idx.length ? idx : java.util.Arrays.copyOf(idx, size), ss.attributes)
              .with(name, group.getKey() == NIL_KEY ? null : group.getKey()));
        }
      }
      return out;
    };
  }

  private static final Object NIL_KEY = new Object();

  private static Object groupKey(Object v) {
    if (v == null) {
      return NIL_KEY;
    }
    if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 0x1p53) {
      // 2 and 2.0 are equal values: one group
      return (long) d.doubleValue();
    }
    return v;
  }

  private static Stage scalarFilter(ScalarFilter f) {
    if (!(f.lhs() instanceof Aggregate a)) {
      throw new TraceStoreException(
          "scalar filters are only supported as an aggregate compared with a constant, e.g. count() > 2");
    }
    Object constant = constant(f.rhs());
    BinaryOp op = compareOp(f.op());
    String name = QueryText.aggregate(a);
    AggregateFunction fn = a.function();
    Eval field = a.field() == null ? null : FieldCompiler.value(a.field());
    return (c, in) -> {
      List<SpanSetData> out = new ArrayList<>(in.size());
      for (SpanSetData ss : in) {
        Object value = fn == AggregateFunction.COUNT ? (Object) (long) ss.spans.length : aggregate(fn, field, c, ss);
        if (value == null) {
          continue;
        }
        // an average of durations is reported in whole nanoseconds but compared exactly, as Tempo
        // compares its float average: avg(1ns, 2ms) = 1000000.5ns is > 1ms and != 1ms
        Object compared = fn == AggregateFunction.AVG && value instanceof Values.Dur ? exactAverage(field, c, ss) : value;
        if (constant != null && Values.compare(op, compared, constant)) {
          out.add(ss.with(name, value));
        }
      }
      return out;
    };
  }

  /** The average of the numeric values of {@code field} over the set, as a float. */
  private static Double exactAverage(Eval field, EvalContext c, SpanSetData ss) {
    int count = 0;
    double sum = 0;
    for (int i : ss.spans) {
      c.at(i);
      Object v = field.eval(c);
      if (Values.isNumeric(v)) {
        count++;
        sum += Values.asDouble(v);
      }
    }
    return sum / count;
  }

  /** avg/min/max/sum of {@code field} over the set; null if no span has a numeric value. */
  private static Object aggregate(AggregateFunction fn, Eval field, EvalContext c, SpanSetData ss) {
    int count = 0;
    boolean allLong = true;
    boolean allDur = true;
    long longSum = 0;
    double doubleSum = 0;
    Object best = null;
    for (int i : ss.spans) {
      c.at(i);
      Object v = field.eval(c);
      if (!Values.isNumeric(v)) {
        continue;
      }
      count++;
      allLong &= v instanceof Long;
      allDur &= v instanceof Values.Dur;
      if (v instanceof Long || v instanceof Values.Dur) {
        longSum += Values.asLong(v);
      }
      doubleSum += Values.asDouble(v);
      if (fn == AggregateFunction.MIN && (best == null || Values.compareScalar(BinaryOp.LT, v, best))) {
        best = v;
      } else if (fn == AggregateFunction.MAX && (best == null || Values.compareScalar(BinaryOp.GT, v, best))) {
        best = v;
      }
    }
    if (count == 0) {
      return null;
    }
    return switch (fn) {
      case MIN, MAX -> best;
      case SUM -> allLong ? (Object) longSum : allDur ? new Values.Dur(longSum) : (Object) doubleSum;
      case AVG -> allDur ? new Values.Dur((long) (doubleSum / count)) : (Object) (doubleSum / count);
      case COUNT -> (long) count;
    };
  }

  /** The value of a constant scalar expression (literals and arithmetic between them). */
  static Object constant(ScalarExpr e) {
    if (e instanceof Literal l) {
      return FieldCompiler.literal(l);
    }
    if (e instanceof ScalarBinary b) {
      return Values.arithmetic(arithOp(b.op()), constant(b.lhs()), constant(b.rhs()));
    }
    throw new TraceStoreException(
        "scalar filters are only supported as an aggregate compared with a constant, e.g. count() > 2");
  }

  private static BinaryOp arithOp(ArithOp op) {
    return switch (op) {
      case ADD -> BinaryOp.ADD;
      case SUB -> BinaryOp.SUB;
      case MUL -> BinaryOp.MUL;
      case DIV -> BinaryOp.DIV;
      case MOD -> BinaryOp.MOD;
      case POW -> BinaryOp.POW;
    };
  }

  private static BinaryOp compareOp(CompareOp op) {
    return switch (op) {
      case EQ -> BinaryOp.EQ;
      case NEQ -> BinaryOp.NEQ;
      case LT -> BinaryOp.LT;
      case LTE -> BinaryOp.LTE;
      case GT -> BinaryOp.GT;
      case GTE -> BinaryOp.GTE;
    };
  }
}
