package io.tracestore.core.search.reference;

import io.tracestore.api.SpanKind;
import io.tracestore.api.StatusCode;
import io.tracestore.core.search.reference.ReferenceEvaluator.Dur;
import io.tracestore.core.search.reference.RefQuery.Agg;
import io.tracestore.core.search.reference.RefQuery.And;
import io.tracestore.core.search.reference.RefQuery.Arith;
import io.tracestore.core.search.reference.RefQuery.Attr;
import io.tracestore.core.search.reference.RefQuery.Bare;
import io.tracestore.core.search.reference.RefQuery.Neg;
import io.tracestore.core.search.reference.RefQuery.By;
import io.tracestore.core.search.reference.RefQuery.Cmp;
import io.tracestore.core.search.reference.RefQuery.Coalesce;
import io.tracestore.core.search.reference.RefQuery.Cond;
import io.tracestore.core.search.reference.RefQuery.Filter;
import io.tracestore.core.search.reference.RefQuery.Intr;
import io.tracestore.core.search.reference.RefQuery.Lit;
import io.tracestore.core.search.reference.RefQuery.NilTest;
import io.tracestore.core.search.reference.RefQuery.Not;
import io.tracestore.core.search.reference.RefQuery.Or;
import io.tracestore.core.search.reference.RefQuery.Pipeline;
import io.tracestore.core.search.reference.RefQuery.Select;
import io.tracestore.core.search.reference.RefQuery.SetOp;
import io.tracestore.core.search.reference.RefQuery.SetQ;
import io.tracestore.core.search.reference.RefQuery.Stage;
import io.tracestore.core.search.reference.RefQuery.StageFilter;
import io.tracestore.core.search.reference.RefQuery.True;
import io.tracestore.core.search.reference.RefQuery.Val;
import io.tracestore.core.search.reference.RefQuery.Wrapped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** A seeded random generator of queries in the reference's model ({@link RefQuery}). */
final class RandomQueries {
  static final String[] CMP = {"=", "!=", "<", "<=", ">", ">="};
  static final String[] SET_OPS = {
      "&&", "||", ">", ">>", "<", "<<", "~", "!>", "!>>", "!<", "!<<", "!~", "&>", "&>>", "&<", "&<<", "&~"};
  private static final String[] SCOPES = {"span", "resource", "", "event", "link", "instrumentation"};
  private static final String[] STRINGS = {
      "a", "b", "ab", "", "n1", "n2", "svc1", "boom", "e1", "retry", "lib0", "\u00e9", "\uff5a", "\ud83d\ude00"};
  private static final String[] REGEXES = {"a.*", "n[0-2]", "svc(1|2)", ".*b", "", "b|ab", "retry|e0", "lib.*", ".a", "\u00e9|\uff5a"};
  private static final String[] DUR_LITS = {"0ns", "1ns", "999ns", "1us", "1000ns", "1ms", "1000000ns", "1000001ns", "2ms", "3ms", "5ms"};

  private final Random rnd;

  RandomQueries(Random rnd) {
    this.rnd = rnd;
  }

  private <T> T pick(T[] a) {
    return a[rnd.nextInt(a.length)];
  }

  Pipeline pipeline() {
    if (rnd.nextInt(12) == 0) {
      return new Pipeline(pipelineExpression(2), List.of());
    }
    SetQ first = set(2);
    List<Stage> stages = new ArrayList<>();
    int shape = rnd.nextInt(10);
    if (shape < 5 || hasWrapped(first)) {
      // no stage (Tempo's grammar does not pipe an expression of parenthesised pipelines)
      // no stage
    } else if (shape == 5) {
      stages.add(agg());
    } else if (shape == 6) {
      stages.add(new By(byField()));
      if (rnd.nextBoolean()) {
        stages.add(countAgg());
      }
      if (rnd.nextBoolean()) {
        // per group: a structural operator relates spans of the same group only
        SetQ later = set(1);
        stages.add(new StageFilter(hasWrapped(later) ? new Filter(cond(1)) : later));
      }
    } else if (shape == 7) {
      stages.add(new By(byField()));
      stages.add(agg());
      if (rnd.nextBoolean()) {
        stages.add(new Coalesce());
        stages.add(countAgg());
      }
    } else if (shape == 8) {
      stages.add(new Coalesce());
      int next = rnd.nextInt(3);
      SetQ later = set(1);
      stages.add(next == 0 ? agg() : next == 1 ? new Select(new Attr("span", "s"))
          : new StageFilter(hasWrapped(later) ? new Filter(cond(1)) : later));
    } else {
      SetQ later = set(1);
      stages.add(new StageFilter(hasWrapped(later) ? new Filter(cond(1)) : later));
      if (rnd.nextBoolean()) {
        stages.add(new Select(pick(new Val[] {new Intr("duration"), new Attr("span", "i"), new Attr("event", "s")})));
      }
    }
    return new Pipeline(first, stages);
  }

  private static boolean hasWrapped(SetQ q) {
    return q instanceof Wrapped || q instanceof SetOp o && (hasWrapped(o.l()) || hasWrapped(o.r()));
  }

  // ------------------------------------------------------------------ spanset expressions

  /** Parenthesised pipelines related by spanset operators (Tempo's grammar pipes none of them further). */
  SetQ pipelineExpression(int depth) {
    if (depth == 0 || rnd.nextInt(3) == 0) {
      return new Wrapped(set(1), rnd.nextBoolean() ? countAgg() : agg());
    }
    return new SetOp(pick(SET_OPS), pipelineExpression(depth - 1), pipelineExpression(depth - 1));
  }

  SetQ set(int depth) {
    int k = rnd.nextInt(10);
    if (depth == 0 || k < 3) {
      return new Filter(cond(2));
    }
    return new SetOp(pick(SET_OPS), set(depth - 1), set(depth - 1));
  }

  private Agg countAgg() {
    return new Agg("count", null, pick(new String[] {">", "<", "=", ">=", "<=", "!="}), intLit(4));
  }

  private Agg agg() {
    int k = rnd.nextInt(5);
    if (k == 0) {
      return countAgg();
    }
    String fn = pick(new String[] {"avg", "min", "max", "sum"});
    String op = pick(new String[] {">", "<", "=", ">=", "<="});
    if (rnd.nextBoolean()) {
      return new Agg(fn, new Intr("duration"), op, durLit());
    }
    Val field = pick(new Val[] {new Attr("span", "i"), new Attr("", "i"), new Intr("span:childCount"), new Attr("span", "f")});
    if (fn.equals("avg") && op.equals("=")) {
      op = ">";
    }
    return new Agg(fn, field, op, rnd.nextBoolean() ? intLit(8) : floatLit());
  }

  private Val byField() {
    return pick(new Val[] {
        new Attr("resource", "service.name"), new Intr("name"), new Intr("status"), new Attr("span", "s"),
        new Intr("kind"), new Intr("span:childCount"), new Attr("", "s"), new Attr("resource", "i")});
  }

  // ------------------------------------------------------------------ conditions

  Cond cond(int depth) {
    int k = rnd.nextInt(12);
    if (depth > 0 && k == 0) {
      return new And(cond(depth - 1), cond(depth - 1));
    }
    if (depth > 0 && k == 1) {
      return new Or(cond(depth - 1), cond(depth - 1));
    }
    if (depth > 0 && k == 2) {
      return new Not(cond(depth - 1));
    }
    if (k == 3 && rnd.nextInt(3) == 0) {
      return new True();
    }
    if (k == 4 && rnd.nextInt(3) == 0) {
      return new Bare(new Attr(pick(new String[] {"span", "", "event", "resource"}), pick(new String[] {"b", "i"})));
    }
    return atom();
  }

  private Cond atom() {
    int k = rnd.nextInt(100);
    if (k < 30) {
      Val f = stringField();
      String op = pick(new String[] {"=", "!=", "<", "<=", ">", ">=", "=~", "!~", "=", "=~"});
      if (op.endsWith("~")) {
        String re = pick(REGEXES);
        return new Cmp(op, f, new Lit(re, quote(re)));
      }
      String s = pick(STRINGS);
      return new Cmp(op, f, new Lit(s, quote(s)));
    }
    if (k < 65) {
      Val f = numField();
      boolean durationLike = isDurationField(f);
      Lit lit = durationLike ? (rnd.nextInt(4) == 0 ? intLit(6) : durLit())
          : rnd.nextInt(4) == 0 ? floatLit() : rnd.nextInt(6) == 0 ? durLit() : intLit(6);
      return new Cmp(pick(CMP), f, lit);
    }
    if (k < 73) {
      StatusCode s = StatusCode.values()[rnd.nextInt(3)];
      return new Cmp(rnd.nextBoolean() ? "=" : "!=", new Intr("status"), new Lit(s, s.name().toLowerCase(Locale.ROOT)));
    }
    if (k < 81) {
      SpanKind kind = SpanKind.values()[rnd.nextInt(SpanKind.values().length)];
      return new Cmp(rnd.nextBoolean() ? "=" : "!=", new Intr("kind"), new Lit(kind, kind.name().toLowerCase(Locale.ROOT)));
    }
    if (k < 87) {
      boolean b = rnd.nextBoolean();
      Val f = rnd.nextBoolean() ? new Attr(rnd.nextBoolean() ? "span" : "", "b") : new Attr(pick(SCOPES), "i");
      return new Cmp(rnd.nextBoolean() ? "=" : "!=", f, new Lit(b, Boolean.toString(b)));
    }
    Val f = new Attr(pick(SCOPES), pick(new String[] {"i", "s", "b", "arr", "f", "nope"}));
    return new NilTest(f, rnd.nextBoolean());
  }

  private static boolean isDurationField(Val f) {
    return f instanceof Intr i && (i.text().equals("duration") || i.text().equals("trace:duration")
        || i.text().equals("event:timeSinceStart"))
        || f instanceof Arith a && isDurationField(a.l()) || f instanceof Neg n && isDurationField(n.v());
  }

  Val stringField() {
    int k = rnd.nextInt(14);
    return switch (k) {
      case 0 -> new Intr("name");
      case 1 -> new Intr("statusMessage");
      case 2 -> new Intr("trace:rootService");
      case 3 -> new Intr("trace:rootName");
      case 4 -> new Intr("event:name");
      case 5 -> new Intr("instrumentation:name");
      case 6 -> new Attr("resource", "service.name");
      case 7 -> new Attr("span", "arr");
      default -> new Attr(pick(SCOPES), "s");
    };
  }

  Val numField() {
    int k = rnd.nextInt(14);
    Val base = switch (k) {
      case 0, 1 -> new Intr("duration");
      case 2 -> new Intr("span:childCount");
      case 3 -> new Intr("trace:duration");
      case 4 -> new Intr("event:timeSinceStart");
      case 5 -> new Attr("span", "f");
      case 6 -> new Attr("span", "arr");
      default -> new Attr(pick(SCOPES), "i");
    };
    if (rnd.nextInt(5) == 0 && !(base instanceof Attr a && a.name().equals("arr"))) {
      if (rnd.nextInt(4) == 0) {
        return new Neg(base);
      }
      String op = pick(new String[] {"+", "-", "*", "/", "%", "^"});
      Lit rhs = isDurationField(base) && (op.equals("+") || op.equals("-")) && rnd.nextBoolean()
          ? durLit() : op.equals("^") ? intLit(3) : intLit(4);
      return new Arith(op, base, rhs);
    }
    return base;
  }

  // ------------------------------------------------------------------ literals

  private Lit intLit(int bound) {
    long v = rnd.nextInt(bound);
    return new Lit(v, Long.toString(v));
  }

  private Lit floatLit() {
    double v = rnd.nextInt(5) + (rnd.nextBoolean() ? 0.5 : 0.0);
    return new Lit(v, String.format(Locale.ROOT, "%.1f", v));
  }

  private Lit durLit() {
    String text = pick(DUR_LITS);
    long nanos;
    if (text.endsWith("ns")) {
      nanos = Long.parseLong(text.substring(0, text.length() - 2));
    } else if (text.endsWith("us")) {
      nanos = Long.parseLong(text.substring(0, text.length() - 2)) * 1_000L;
    } else {
      nanos = Long.parseLong(text.substring(0, text.length() - 2)) * 1_000_000L;
    }
    return new Lit(new Dur(nanos), text);
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
