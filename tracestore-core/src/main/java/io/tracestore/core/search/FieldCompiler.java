package io.tracestore.core.search;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.tracestore.api.AttributeValue;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanKind;
import io.tracestore.api.SpanLink;
import io.tracestore.api.StatusCode;
import io.tracestore.api.TraceStoreException;
import io.tracestore.traceql.TraceQL;
import io.tracestore.traceql.ast.Attribute;
import io.tracestore.traceql.ast.AttributeScope;
import io.tracestore.traceql.ast.BinaryExpr;
import io.tracestore.traceql.ast.BinaryOp;
import io.tracestore.traceql.ast.BoolLiteral;
import io.tracestore.traceql.ast.DurationLiteral;
import io.tracestore.traceql.ast.FieldExpr;
import io.tracestore.traceql.ast.FloatLiteral;
import io.tracestore.traceql.ast.IntLiteral;
import io.tracestore.traceql.ast.Intrinsic;
import io.tracestore.traceql.ast.IntrinsicField;
import io.tracestore.traceql.ast.KindLiteral;
import io.tracestore.traceql.ast.Literal;
import io.tracestore.traceql.ast.NilLiteral;
import io.tracestore.traceql.ast.StatusLiteral;
import io.tracestore.traceql.ast.StringLiteral;
import io.tracestore.traceql.ast.UnaryExpr;
import io.tracestore.traceql.ast.UnaryOp;
import java.util.List;

/**
 * Compiles TraceQL field expressions (the inside of {@code { }}, {@code by()}, aggregates and
 * {@code select()}) into {@link Eval} closures, once per query. Constant sub-expressions are folded
 * at compile time; the most common comparisons (an intrinsic or attribute against a literal) get
 * allocation-free closures. Stateless; the closures it returns may keep small caches and are
 * therefore confined to one search.
 */
final class FieldCompiler {
  private FieldCompiler() {}

  /**
   * What a compiled expression's value depends on. A value that depends only on the span's
   * resource (its instrumentation scope, its trace) is computed once per resource (scope, trace)
   * instance and reused for the following spans sharing it: spans of one batch share one resource.
   */
  enum Level {
    /** Nothing: a constant. */
    CONSTANT,
    /** Only the span's resource. */
    RESOURCE,
    /** Only the span's instrumentation scope. */
    SCOPE,
    /** Only the trace. */
    TRACE,
    /** The span itself. */
    SPAN;

    /** The level of an expression combining values of levels {@code this} and {@code o}. */
    Level and(Level o) {
      if (this == CONSTANT || this == o) {
        return o;
      }
      return o == CONSTANT ? this : SPAN;
    }
  }

  /**
   * A compiled expression and what it needs bound.
   *
   * @param eval the closure
   * @param level what its value depends on ({@link Level#CONSTANT}: {@code eval} ignores its context)
   * @param events true if it reads event fields ({@code event.x}, {@code event:name}, ...)
   * @param links true if it reads link fields
   */
  record Compiled(Eval eval, Level level, boolean events, boolean links) {
    static Compiled constant(Object value) {
      return new Compiled(c -> value, Level.CONSTANT, false, false);
    }

    boolean constant() {
      return level == Level.CONSTANT;
    }

    /** The closure, caching its value per resource, scope or trace instance when it depends on no more. */
    Eval cached() {
      return switch (level) {
        case CONSTANT, SPAN -> eval;
        case RESOURCE -> new Eval() {
          private final IdentityCache cache = new IdentityCache();

          @Override
          public Object eval(EvalContext c) {
            return cache.get(c.span.resource(), eval, c);
          }
        };
        case SCOPE -> new Eval() {
          private final IdentityCache cache = new IdentityCache();

          @Override
          public Object eval(EvalContext c) {
            return cache.get(c.span.scope(), eval, c);
          }
        };
        case TRACE -> new Eval() {
          private Object key;
          private Object value;

          @Override
          public Object eval(EvalContext c) {
            Object k = c.trace;
            if (k != key) {
              value = eval.eval(c);
              key = k;
            }
            return value;
          }
        };
      };
    }
  }

  /** A span predicate: true when the compiled expression is {@code true} for the span. */
  interface SpanPredicate {
    boolean test(EvalContext c);
  }

  /**
   * A predicate selecting the spans for which {@code expr} is true. Expressions reading event
   * (link) fields are true for a span if they are true for at least one of its events (links), or,
   * for a span without events (links), with those fields nil.
   */
  static SpanPredicate predicate(FieldExpr expr) {
    return predicate(compile(expr));
  }

  /** {@link #predicate(FieldExpr)} of an already compiled expression. */
  static SpanPredicate predicate(Compiled compiled) {
    Eval e = compiled.cached();
    if (compiled.constant()) {
      boolean v = e.eval(null) == Boolean.TRUE;
      return c -> v;
    }
    if (!compiled.events() && !compiled.links()) {
      return c -> e.eval(c) == Boolean.TRUE;
    }
    boolean events = compiled.events();
    boolean links = compiled.links();
    return c -> {
      List<SpanEvent> evs = events ? c.span.events() : List.of();
      List<SpanLink> lks = links ? c.span.links() : List.of();
      int ne = Math.max(1, evs.size());
      int nl = Math.max(1, lks.size());
      try {
        for (int i = 0; i < ne; i++) {
          c.event = evs.isEmpty() ? null : evs.get(i);
          for (int j = 0; j < nl; j++) {
            c.link = lks.isEmpty() ? null : lks.get(j);
            if (e.eval(c) == Boolean.TRUE) {
              return true;
            }
          }
        }
        return false;
      } finally {
        c.event = null;
        c.link = null;
      }
    };
  }

  /**
   * A closure computing {@code expr} for a span outside a filter ({@code by()}, aggregates,
   * {@code select()}): event and link fields read the span's first event and link.
   */
  static Eval value(FieldExpr expr) {
    Compiled compiled = compile(expr);
    Eval e = compiled.cached();
    if (!compiled.events() && !compiled.links()) {
      return e;
    }
    return c -> {
      List<SpanEvent> evs = c.span.events();
      List<SpanLink> lks = c.span.links();
      c.event = evs.isEmpty() ? null : evs.get(0);
      c.link = lks.isEmpty() ? null : lks.get(0);
      try {
        return e.eval(c);
      } finally {
        c.event = null;
        c.link = null;
      }
    };
  }

  /**
   * A closure computing a referenced field for output: attributes as stored, intrinsics as their
   * values; event and link fields from the first event (link) that has them.
   */
  static Eval output(io.tracestore.traceql.ast.FieldRef ref) {
    Compiled compiled = compile(ref);
    Eval e = compiled.eval();
    if (!compiled.events() && !compiled.links()) {
      return e;
    }
    return c -> {
      try {
        if (compiled.events()) {
          for (SpanEvent ev : c.span.events()) {
            c.event = ev;
            Object v = e.eval(c);
            if (v != null) {
              return v;
            }
          }
        } else {
          for (SpanLink l : c.span.links()) {
            c.link = l;
            Object v = e.eval(c);
            if (v != null) {
              return v;
            }
          }
        }
        return null;
      } finally {
        c.event = null;
        c.link = null;
      }
    };
  }

  /** Compiles {@code expr}. */
  static Compiled compile(FieldExpr expr) {
    if (expr instanceof Literal l) {
      return Compiled.constant(literal(l));
    }
    if (expr instanceof Attribute a) {
      return attribute(a);
    }
    if (expr instanceof IntrinsicField i) {
      return intrinsic(i.intrinsic());
    }
    if (expr instanceof UnaryExpr u) {
      return unary(u);
    }
    return binary((BinaryExpr) expr);
  }

  /** The run-time value of a literal ({@code nil} is null). */
  static Object literal(Literal l) {
    if (l instanceof IntLiteral i) {
      return i.value();
    }
    if (l instanceof FloatLiteral f) {
      return f.value();
    }
    if (l instanceof StringLiteral s) {
      return s.value();
    }
    if (l instanceof BoolLiteral b) {
      return b.value() ? Boolean.TRUE : Boolean.FALSE;
    }
    if (l instanceof DurationLiteral d) {
      return new Values.Dur(d.nanos());
    }
    if (l instanceof StatusLiteral s) {
      return s.value();
    }
    if (l instanceof KindLiteral k) {
      return k.value();
    }
    if (l instanceof NilLiteral) {
      return null;
    }
    throw new IllegalStateException("literal " + l);
  }

  // ------------------------------------------------------------------ attributes

  /** Looks an attribute up for the bound span; null if absent. */
  interface AttributeLookup {
    AttributeValue get(EvalContext c);
  }

  /** The raw attribute lookup of {@code a}. */
  static AttributeLookup lookup(Attribute a) {
    String name = a.name();
    if (a.parent()) {
      throw new TraceStoreException("parent. attributes are not supported");
    }
    return switch (a.scope()) {
      case SPAN -> c -> Values.lookup(c.span.attributes(), name);
      case RESOURCE -> new ResourceLookup(name);
      case NONE -> new AttributeLookup() {
        private final ResourceLookup resource = new ResourceLookup(name);

        @Override
        public AttributeValue get(EvalContext c) {
          AttributeValue v = Values.lookup(c.span.attributes(), name);
          return v != null ? v : resource.get(c);
        }
      };
      case EVENT -> c -> c.event == null ? null : Values.lookup(c.event.attributes(), name);
      case LINK -> c -> c.link == null ? null : Values.lookup(c.link.attributes(), name);
      case INSTRUMENTATION -> c -> Values.lookup(c.span.scope().attributes(), name);
    };
  }

  /** Resource lookups, cached per resource instance (spans of one batch share one). */
  private static final class ResourceLookup implements AttributeLookup {
    private final String name;
    private Resource last;
    private AttributeValue lastValue;

    ResourceLookup(String name) {
      this.name = name;
    }

    @Override
    public AttributeValue get(EvalContext c) {
      Resource r = c.span.resource();
      if (r != last) {
        lastValue = Values.lookup(r.attributes(), name);
        last = r;
      }
      return lastValue;
    }
  }

  private static Compiled attribute(Attribute a) {
    AttributeLookup lookup = lookup(a);
    Eval e = c -> Values.of(lookup.get(c));
    Level level = switch (a.scope()) {
      case RESOURCE -> Level.RESOURCE;
      case INSTRUMENTATION -> Level.SCOPE;
      default -> Level.SPAN;
    };
    return new Compiled(e, level, a.scope() == AttributeScope.EVENT, a.scope() == AttributeScope.LINK);
  }

  // ------------------------------------------------------------------ intrinsics

  private static Compiled intrinsic(Intrinsic i) {
    Eval e = switch (i) {
      case DURATION -> c -> new Values.Dur(c.span.durationNanos());
      case NAME -> c -> c.span.name();
      case STATUS -> c -> c.span.statusCode();
      case STATUS_MESSAGE -> c -> c.span.statusMessage();
      case KIND -> c -> c.span.kind();
      case CHILD_COUNT -> c -> (long) c.trace.childCounts()[c.index];
      case SPAN_ID -> c -> c.span.spanId().toHex();
      case SPAN_PARENT_ID -> c -> c.span.isRoot() ? "" : c.span.parentSpanId().toHex();
      case TRACE_ROOT_NAME -> c -> {
        Span root = c.trace.root();
        return root == null ? "" : root.name();
      };
      case TRACE_ROOT_SERVICE -> c -> {
        Span root = c.trace.root();
        return root == null ? "" : root.serviceName();
      };
      case TRACE_DURATION -> c -> new Values.Dur(c.trace.durationNanos());
      case TRACE_ID -> c -> c.trace.traceIdHex();
      case EVENT_NAME -> c -> c.event == null ? null : c.event.name();
      case EVENT_TIME_SINCE_START -> c -> c.event == null
          ? null
          : new Values.Dur(Math.max(0, c.event.timeUnixNano() - c.span.startUnixNano()));
      case LINK_TRACE_ID -> c -> c.link == null ? null : c.link.traceId().toHex();
      case LINK_SPAN_ID -> c -> c.link == null ? null : c.link.spanId().toHex();
      case INSTRUMENTATION_NAME -> c -> c.span.scope().name();
      case INSTRUMENTATION_VERSION -> c -> c.span.scope().version();
      case NESTED_SET_LEFT -> c -> (long) c.trace.lefts()[c.index];
      case NESTED_SET_RIGHT -> c -> (long) c.trace.rights()[c.index];
      case NESTED_SET_PARENT -> c -> {
        int p = c.trace.parents()[c.index];
        return p < 0 ? -1L : (long) c.trace.lefts()[p];
      };
      case PARENT -> throw new TraceStoreException("the parent intrinsic is not supported");
    };
    boolean events = i == Intrinsic.EVENT_NAME || i == Intrinsic.EVENT_TIME_SINCE_START;
    boolean links = i == Intrinsic.LINK_TRACE_ID || i == Intrinsic.LINK_SPAN_ID;
    Level level = switch (i) {
      case TRACE_ROOT_NAME, TRACE_ROOT_SERVICE, TRACE_DURATION, TRACE_ID -> Level.TRACE;
      case INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION -> Level.SCOPE;
      default -> Level.SPAN;
    };
    return new Compiled(e, level, events, links);
  }

  // ------------------------------------------------------------------ operators

  private static Compiled unary(UnaryExpr u) {
    Compiled operand = compile(u.operand());
    Eval o = operand.eval();
    Eval e = u.op() == UnaryOp.NOT
        ? c -> o.eval(c) instanceof Boolean b ? (b ? Boolean.FALSE : Boolean.TRUE) : null
        : c -> Values.negate(o.eval(c));
    return fold(e, operand, operand);
  }

  private static Compiled binary(BinaryExpr b) {
    BinaryOp op = b.op();
    if ((op == BinaryOp.EQ || op == BinaryOp.NEQ)
        && (b.lhs() instanceof NilLiteral || b.rhs() instanceof NilLiteral)) {
      return nilComparison(b);
    }
    Compiled lc = compile(b.lhs());
    Compiled rc = compile(b.rhs());
    Level level = lc.level().and(rc.level());
    Eval l = child(lc, level);
    Eval r = child(rc, level);
    Eval e;
    if (op.isLogical()) {
      e = op == BinaryOp.AND
          ? c -> l.eval(c) == Boolean.TRUE && r.eval(c) == Boolean.TRUE ? Boolean.TRUE : Boolean.FALSE
          : c -> l.eval(c) == Boolean.TRUE || r.eval(c) == Boolean.TRUE ? Boolean.TRUE : Boolean.FALSE;
    } else if (op.isArithmetic()) {
      e = c -> Values.arithmetic(op, l.eval(c), r.eval(c));
    } else if (op == BinaryOp.REGEX || op == BinaryOp.NOT_REGEX) {
      e = regex(op == BinaryOp.NOT_REGEX, l, rc);
    } else {
      e = fastComparison(b, op, rc);
      if (e == null) {
        e = c -> Values.compare(op, l.eval(c), r.eval(c)) ? Boolean.TRUE : Boolean.FALSE;
      }
    }
    return fold(e, lc, rc);
  }

  /** A sub-expression's closure: cached when it depends on less than its parent. */
  private static Eval child(Compiled child, Level parent) {
    return child.level() == parent ? child.eval() : child.cached();
  }

  private static Compiled fold(Eval e, Compiled a, Compiled b) {
    if (a.constant() && b.constant()) {
      return Compiled.constant(e.eval(null));
    }
    return new Compiled(e, a.level().and(b.level()), a.events() || b.events(), a.links() || b.links());
  }

  /** {@code x = nil} is true when x is nil, {@code x != nil} when it is not. */
  private static Compiled nilComparison(BinaryExpr b) {
    boolean eq = b.op() == BinaryOp.EQ;
    FieldExpr other = b.lhs() instanceof NilLiteral ? b.rhs() : b.lhs();
    if (other instanceof NilLiteral) {
      return Compiled.constant(eq ? Boolean.TRUE : Boolean.FALSE);
    }
    Compiled oc = compile(other);
    Eval o = oc.eval();
    Eval e = eq
        ? c -> o.eval(c) == null ? Boolean.TRUE : Boolean.FALSE
        : c -> o.eval(c) != null ? Boolean.TRUE : Boolean.FALSE;
    return fold(e, oc, oc);
  }

  /** Allocation-free closures for an intrinsic compared with a literal on the right, or null. */
  private static Eval fastComparison(BinaryExpr b, BinaryOp op, Compiled rc) {
    if (!(b.lhs() instanceof IntrinsicField f) || !rc.constant()) {
      return null;
    }
    Object lit = rc.eval().eval(null);
    switch (f.intrinsic()) {
      case DURATION -> {
        if (lit instanceof Long || lit instanceof Values.Dur) {
          long v = Values.asLong(lit);
          return switch (op) {
            case EQ -> c -> c.span.durationNanos() == v ? Boolean.TRUE : Boolean.FALSE;
            case NEQ -> c -> c.span.durationNanos() != v ? Boolean.TRUE : Boolean.FALSE;
            case LT -> c -> c.span.durationNanos() < v ? Boolean.TRUE : Boolean.FALSE;
            case LTE -> c -> c.span.durationNanos() <= v ? Boolean.TRUE : Boolean.FALSE;
            case GT -> c -> c.span.durationNanos() > v ? Boolean.TRUE : Boolean.FALSE;
            case GTE -> c -> c.span.durationNanos() >= v ? Boolean.TRUE : Boolean.FALSE;
            default -> null;
          };
        }
        return null;
      }
      case STATUS -> {
        if (lit instanceof StatusCode s && (op == BinaryOp.EQ || op == BinaryOp.NEQ)) {
          boolean eq = op == BinaryOp.EQ;
          return c -> (c.span.statusCode() == s) == eq ? Boolean.TRUE : Boolean.FALSE;
        }
        return null;
      }
      case KIND -> {
        if (lit instanceof SpanKind k && (op == BinaryOp.EQ || op == BinaryOp.NEQ)) {
          boolean eq = op == BinaryOp.EQ;
          return c -> (c.span.kind() == k) == eq ? Boolean.TRUE : Boolean.FALSE;
        }
        return null;
      }
      case NAME -> {
        if (lit instanceof String s && (op == BinaryOp.EQ || op == BinaryOp.NEQ)) {
          boolean eq = op == BinaryOp.EQ;
          return c -> c.span.name().equals(s) == eq ? Boolean.TRUE : Boolean.FALSE;
        }
        return null;
      }
      default -> {
        return null;
      }
    }
  }

  /**
   * {@code l =~ r} / {@code l !~ r}: fully anchored RE2 matching of strings. A constant pattern is
   * compiled once; a computed one per distinct value (an invalid computed pattern matches
   * nothing). Arrays match {@code =~} if any element does and {@code !~} if every element does.
   */
  private static Eval regex(boolean negate, Eval l, Compiled rc) {
    if (rc.constant()) {
      Object p = rc.eval().eval(null);
      if (!(p instanceof String s)) {
        return c -> Boolean.FALSE;
      }
      Pattern pattern = TraceQL.regex(s);
      return c -> regexMatch(negate, l.eval(c), pattern) ? Boolean.TRUE : Boolean.FALSE;
    }
    Eval r = rc.cached();
    return new Eval() {
      private String lastText;
      private Pattern lastPattern;

      @Override
      public Object eval(EvalContext c) {
        Object v = l.eval(c);
        Object p = r.eval(c);
        if (!(p instanceof String s)) {
          return Boolean.FALSE;
        }
        if (!s.equals(lastText)) {
          try {
            lastPattern = TraceQL.regex(s);
          } catch (PatternSyntaxException e) {
            lastPattern = null;
          }
          lastText = s;
        }
        return lastPattern != null && regexMatch(negate, v, lastPattern) ? Boolean.TRUE : Boolean.FALSE;
      }
    };
  }

  private static boolean regexMatch(boolean negate, Object v, Pattern p) {
    if (v instanceof String s) {
      return p.matches(s) != negate;
    }
    if (v instanceof List<?> list) {
      for (Object e : list) {
        boolean m = e instanceof String s && p.matches(s) != negate;
        if (negate && !m) {
          return false;
        }
        if (!negate && m) {
          return true;
        }
      }
      return negate;
    }
    return false;
  }
}
