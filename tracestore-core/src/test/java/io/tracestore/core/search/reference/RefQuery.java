package io.tracestore.core.search.reference;

import java.util.List;

/**
 * The reference's own small TraceQL query model: every node prints itself as TraceQL text (fully
 * parenthesised, so that no precedence rule is involved) and is evaluated by {@link
 * ReferenceEvaluator}. Nothing here uses the engine or the TraceQL parser.
 */
final class RefQuery {
  private RefQuery() {}

  // ------------------------------------------------------------------ values inside a filter

  /** A value expression: literal, attribute, intrinsic or arithmetic. */
  sealed interface Val permits Lit, Attr, Intr, Arith, Neg {
    String text();
  }

  /** A literal: its run-time value (see {@link ReferenceEvaluator}) and its TraceQL text. */
  record Lit(Object value, String text) implements Val {}

  /** {@code scope.name}; scope is one of span resource event link instrumentation, or "" (unscoped). */
  record Attr(String scope, String name) implements Val {
    @Override
    public String text() {
      return scope + "." + name;
    }
  }

  /** An intrinsic by its TraceQL spelling ({@code name}, {@code span:childCount}, ...). */
  record Intr(String text) implements Val {}

  /** {@code -(v)}. */
  record Neg(Val v) implements Val {
    @Override
    public String text() {
      return "-(" + v.text() + ")";
    }
  }

  /** {@code (l op r)} with op one of + - * / % ^. */
  record Arith(String op, Val l, Val r) implements Val {
    @Override
    public String text() {
      return "(" + l.text() + " " + op + " " + r.text() + ")";
    }
  }

  // ------------------------------------------------------------------ conditions inside a filter

  /** A boolean expression inside {@code { }}. */
  sealed interface Cond permits True, Cmp, NilTest, And, Or, Not, Bare {
    String text();
  }

  /** {@code true}. */
  record True() implements Cond {
    @Override
    public String text() {
      return "true";
    }
  }

  /** A bare value as a condition ({@code span.b}): true only if it is the boolean true. */
  record Bare(Val v) implements Cond {
    @Override
    public String text() {
      return v.text();
    }
  }

  /** {@code l op r}, op one of = != &gt; &gt;= &lt; &lt;= =~ !~. */
  record Cmp(String op, Val l, Val r) implements Cond {
    @Override
    public String text() {
      return l.text() + " " + op + " " + r.text();
    }
  }

  /** {@code v = nil} (eq) or {@code v != nil}. */
  record NilTest(Val v, boolean eq) implements Cond {
    @Override
    public String text() {
      return v.text() + (eq ? " = nil" : " != nil");
    }
  }

  record And(Cond a, Cond b) implements Cond {
    @Override
    public String text() {
      return "(" + a.text() + ") && (" + b.text() + ")";
    }
  }

  record Or(Cond a, Cond b) implements Cond {
    @Override
    public String text() {
      return "(" + a.text() + ") || (" + b.text() + ")";
    }
  }

  record Not(Cond a) implements Cond {
    @Override
    public String text() {
      return "!(" + a.text() + ")";
    }
  }

  // ------------------------------------------------------------------ spanset expressions

  /** A spanset expression. */
  sealed interface SetQ permits Filter, SetOp, Wrapped {
    String text();
  }

  /** {@code { cond }}. */
  record Filter(Cond cond) implements SetQ {
    @Override
    public String text() {
      return "{ " + cond.text() + " }";
    }
  }

  /** {@code l op r}, op one of && || &gt; &gt;&gt; &lt; &lt;&lt; ~ and their ! and &amp; forms. */
  record SetOp(String op, SetQ l, SetQ r) implements SetQ {
    @Override
    public String text() {
      return operand(l) + " " + op + " " + operand(r);
    }

    private static String operand(SetQ q) {
      return q instanceof Filter || q instanceof Wrapped ? q.text() : "(" + q.text() + ")";
    }
  }

  /** {@code (inner | agg)}: a parenthesised pipeline used as an operand. */
  record Wrapped(SetQ inner, Agg agg) implements SetQ {
    @Override
    public String text() {
      return "(" + inner.text() + " | " + agg.text() + ")";
    }
  }

  // ------------------------------------------------------------------ pipelines

  /** A pipeline stage after the first spanset expression. */
  sealed interface Stage permits Agg, By, Coalesce, Select, StageFilter {
    String text();
  }

  /** {@code fn(field) op lit}; fn one of count avg min max sum (count without field). */
  record Agg(String fn, Val field, String op, Lit lit) implements Stage {
    @Override
    public String text() {
      return fn + "(" + (field == null ? "" : field.text()) + ") " + op + " " + lit.text();
    }
  }

  record By(Val field) implements Stage {
    @Override
    public String text() {
      return "by(" + field.text() + ")";
    }
  }

  record Coalesce() implements Stage {
    @Override
    public String text() {
      return "coalesce()";
    }
  }

  record Select(Val field) implements Stage {
    @Override
    public String text() {
      return "select(" + field.text() + ")";
    }
  }

  /** A spanset expression as a later stage: {@code ... | { cond }}. */
  record StageFilter(SetQ set) implements Stage {
    @Override
    public String text() {
      return set.text();
    }
  }

  /** {@code first | stage | stage ...}. */
  record Pipeline(SetQ first, List<Stage> stages) {
    String text() {
      StringBuilder sb = new StringBuilder(first.text());
      for (Stage s : stages) {
        sb.append(" | ").append(s.text());
      }
      return sb.toString();
    }
  }
}
