package io.tracestore.core.search.reference;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanKind;
import io.tracestore.api.SpanLink;
import io.tracestore.api.StatusCode;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A deliberately simple, row-at-a-time TraceQL evaluator over one trace (a list of spans), written
 * from the documented semantics (package-info of the engine, docs/traceql.md, Tempo's docs) and
 * sharing no code with the engine. Speed is no concern: parents are found by scanning the trace,
 * ancestors by walking parent ids, span sets are plain lists.
 *
 * <p>Run-time values: null (nil), Long (int), Double (float), {@link Dur} (duration, ns), String,
 * Boolean, StatusCode, SpanKind, List (array attribute).
 */
public final class ReferenceEvaluator {
  private ReferenceEvaluator() {}

  /** A duration in nanoseconds. */
  public record Dur(long nanos) {}

  /** The matched span ids of a trace under {@code q}: empty if the trace does not match. */
  public static Set<Long> matchedSpanIds(Pipeline q, List<Span> trace) {
    List<List<Span>> sets = new ArrayList<>();
    sets.add(new ArrayList<>(trace));
    List<List<Span>> cur = new ArrayList<>();
    for (List<Span> in : sets) {
      cur.addAll(evalSet(q.first(), in, trace));
    }
    for (Stage st : q.stages()) {
      cur = stage(st, cur, trace);
    }
    Set<Long> out = new TreeSet<>();
    for (List<Span> set : cur) {
      for (Span s : set) {
        out.add(s.spanId().value());
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ pipeline stages

  private static List<List<Span>> stage(Stage st, List<List<Span>> in, List<Span> trace) {
    List<List<Span>> out = new ArrayList<>();
    if (st instanceof Agg a) {
      for (List<Span> set : in) {
        if (aggregatePasses(a, set, trace)) {
          out.add(set);
        }
      }
    } else if (st instanceof By b) {
      for (List<Span> set : in) {
        Map<Object, List<Span>> groups = new LinkedHashMap<>();
        for (Span s : set) {
          Object key = groupKey(valueOutsideFilter(b.field(), s, trace));
          groups.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
        }
        out.addAll(groups.values());
      }
    } else if (st instanceof Coalesce) {
      List<Span> all = new ArrayList<>();
      for (List<Span> set : in) {
        for (Span s : set) {
          if (!all.contains(s)) {
            all.add(s);
          }
        }
      }
      if (!all.isEmpty()) {
        out.add(all);
      }
    } else if (st instanceof Select) {
      out.addAll(in);
    } else if (st instanceof StageFilter f) {
      for (List<Span> set : in) {
        out.addAll(evalSet(f.set(), set, trace));
      }
    } else {
      throw new IllegalStateException(String.valueOf(st));
    }
    return out;
  }

  private static final Object NIL_GROUP = new Object();

  private static Object groupKey(Object v) {
    if (v == null) {
      return NIL_GROUP;
    }
    if (v instanceof Double d && d == Math.floor(d) && Math.abs(d) < 1e15) {
      return (long) d.doubleValue();
    }
    return v;
  }

  /** Does the set pass {@code fn(field) op lit}? A set without any numeric value does not. */
  private static boolean aggregatePasses(Agg a, List<Span> set, List<Span> trace) {
    Object value;
    if (a.fn().equals("count")) {
      value = (long) set.size();
    } else {
      List<Object> nums = new ArrayList<>();
      for (Span s : set) {
        Object v = valueOutsideFilter(a.field(), s, trace);
        if (v instanceof Long || v instanceof Double || v instanceof Dur) {
          nums.add(v);
        }
      }
      if (nums.isEmpty()) {
        return false;
      }
      value = switch (a.fn()) {
        case "min" -> {
          Object best = nums.get(0);
          for (Object v : nums) {
            if (compare("<", v, best)) {
              best = v;
            }
          }
          yield best;
        }
        case "max" -> {
          Object best = nums.get(0);
          for (Object v : nums) {
            if (compare(">", v, best)) {
              best = v;
            }
          }
          yield best;
        }
        case "sum" -> {
          boolean allInt = nums.stream().allMatch(v -> v instanceof Long);
          boolean allDur = nums.stream().allMatch(v -> v instanceof Dur);
          if (allInt || allDur) {
            long sum = 0;
            for (Object v : nums) {
              sum += v instanceof Long l ? l : ((Dur) v).nanos();
            }
            yield allInt ? (Object) sum : new Dur(sum);
          }
          double sum = 0;
          for (Object v : nums) {
            sum += toDouble(v);
          }
          yield sum;
        }
        case "avg" -> {
          double sum = 0;
          for (Object v : nums) {
            sum += toDouble(v);
          }
          yield sum / nums.size();
        }
        default -> throw new IllegalStateException(a.fn());
      };
    }
    return compare(a.op(), value, a.lit().value());
  }

  // ------------------------------------------------------------------ spanset expressions

  /** The span sets {@code q} yields on the incoming set {@code in} (no empty sets). */
  static List<List<Span>> evalSet(SetQ q, List<Span> in, List<Span> trace) {
    if (q instanceof Filter f) {
      List<Span> keep = new ArrayList<>();
      for (Span s : in) {
        if (filterMatches(f.cond(), s, trace)) {
          keep.add(s);
        }
      }
      return keep.isEmpty() ? List.of() : List.of(keep);
    }
    if (q instanceof Wrapped w) {
      List<List<Span>> out = new ArrayList<>();
      for (List<Span> set : evalSet(w.inner(), in, trace)) {
        if (aggregatePasses(w.agg(), set, trace)) {
          out.add(set);
        }
      }
      return out;
    }
    SetOp op = (SetOp) q;
    List<Span> lhs = flatten(evalSet(op.l(), in, trace));
    List<Span> rhs = flatten(evalSet(op.r(), in, trace));
    List<Span> result = new ArrayList<>();
    switch (op.op()) {
      case "&&" -> {
        if (!lhs.isEmpty() && !rhs.isEmpty()) {
          addAll(result, lhs);
          addAll(result, rhs);
        }
      }
      case "||" -> {
        addAll(result, lhs);
        addAll(result, rhs);
      }
      default -> {
        String o = op.op();
        boolean negated = o.startsWith("!");
        boolean both = o.startsWith("&");
        String rel = negated || both ? o.substring(1) : o;
        for (Span r : rhs) {
          boolean any = false;
          for (Span l : lhs) {
            if (related(rel, l, r, trace)) {
              any = true;
              if (both) {
                addAll(result, List.of(l, r));
              }
            }
          }
          if (!both && any != negated) {
            addAll(result, List.of(r));
          }
        }
      }
    }
    return result.isEmpty() ? List.of() : List.of(result);
  }

  private static List<Span> flatten(List<List<Span>> sets) {
    List<Span> out = new ArrayList<>();
    for (List<Span> s : sets) {
      addAll(out, s);
    }
    return out;
  }

  private static void addAll(List<Span> to, List<Span> from) {
    for (Span s : from) {
      if (!to.contains(s)) {
        to.add(s);
      }
    }
  }

  /** {@code l rel r}: is r the child (descendant, parent, ancestor, sibling) of l? */
  private static boolean related(String rel, Span l, Span r, List<Span> trace) {
    return switch (rel) {
      case ">" -> parentOf(r, trace) == l;
      case ">>" -> ancestors(r, trace).contains(l);
      case "<" -> parentOf(l, trace) == r;
      case "<<" -> ancestors(l, trace).contains(r);
      case "~" -> l != r && parentOf(l, trace) != null && parentOf(l, trace) == parentOf(r, trace);
      default -> throw new IllegalArgumentException(rel);
    };
  }

  /** The span of the trace whose id is s's parent id, or null (a root or an orphan). */
  static Span parentOf(Span s, List<Span> trace) {
    if (s.isRoot()) {
      return null;
    }
    for (Span p : trace) {
      if (p != s && p.spanId().equals(s.parentSpanId())) {
        return p;
      }
    }
    return null;
  }

  private static List<Span> ancestors(Span s, List<Span> trace) {
    List<Span> out = new ArrayList<>();
    for (Span p = parentOf(s, trace); p != null && !out.contains(p); p = parentOf(p, trace)) {
      out.add(p);
    }
    return out;
  }

  // ------------------------------------------------------------------ filters

  /**
   * Is {@code cond} true for span s? With event (link) fields: true for one of the span's events
   * (links), that one event bound; a span without events has those fields nil.
   */
  static boolean filterMatches(Cond cond, Span s, List<Span> trace) {
    List<SpanEvent> events = new ArrayList<>();
    if (reads(cond, "event") && !s.events().isEmpty()) {
      events.addAll(s.events());
    } else {
      events.add(null);
    }
    List<SpanLink> links = new ArrayList<>();
    if (reads(cond, "link") && !s.links().isEmpty()) {
      links.addAll(s.links());
    } else {
      links.add(null);
    }
    for (SpanEvent e : events) {
      for (SpanLink l : links) {
        if (truth(cond, new Row(s, e, l, trace))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean reads(Cond c, String what) {
    if (c instanceof Cmp m) {
      return reads(m.l(), what) || reads(m.r(), what);
    }
    if (c instanceof NilTest n) {
      return reads(n.v(), what);
    }
    if (c instanceof And a) {
      return reads(a.a(), what) || reads(a.b(), what);
    }
    if (c instanceof Or o) {
      return reads(o.a(), what) || reads(o.b(), what);
    }
    if (c instanceof Not n) {
      return reads(n.a(), what);
    }
    if (c instanceof Bare b) {
      return reads(b.v(), what);
    }
    return false;
  }

  private static boolean reads(Val v, String what) {
    if (v instanceof Attr a) {
      return a.scope().equals(what);
    }
    if (v instanceof Intr i) {
      return i.text().startsWith(what + ":");
    }
    if (v instanceof Arith a) {
      return reads(a.l(), what) || reads(a.r(), what);
    }
    if (v instanceof Neg n) {
      return reads(n.v(), what);
    }
    return false;
  }

  /** One row: a span with at most one event and one link bound. */
  private record Row(Span span, SpanEvent event, SpanLink link, List<Span> trace) {}

  private static boolean truth(Cond c, Row row) {
    return condValue(c, row) == Boolean.TRUE;
  }

  /**
   * A condition's value: true, false, or null where {@code !} met something other than a boolean
   * ({@code !span.b} with b missing is not true; {@code !(span.x = 1)} with x missing is, since the
   * comparison is false). {@code && ||} treat anything but true as false.
   */
  private static Boolean condValue(Cond c, Row row) {
    if (c instanceof True) {
      return true;
    }
    if (c instanceof Cmp m) {
      return m.op().equals("=~") || m.op().equals("!~")
          ? regex(m.op().equals("!~"), value(m.l(), row), value(m.r(), row))
          : compare(m.op(), value(m.l(), row), value(m.r(), row));
    }
    if (c instanceof NilTest n) {
      return (value(n.v(), row) == null) == n.eq();
    }
    if (c instanceof And a) {
      return truth(a.a(), row) && truth(a.b(), row);
    }
    if (c instanceof Or o) {
      return truth(o.a(), row) || truth(o.b(), row);
    }
    if (c instanceof Bare b) {
      return value(b.v(), row) instanceof Boolean x ? x : null;
    }
    Boolean inner = condValue(((Not) c).a(), row);
    return inner == null ? null : !inner;
  }

  /** A field's value outside a filter (by(), aggregates): event and link fields read the first one. */
  private static Object valueOutsideFilter(Val v, Span s, List<Span> trace) {
    SpanEvent e = s.events().isEmpty() ? null : s.events().get(0);
    SpanLink l = s.links().isEmpty() ? null : s.links().get(0);
    return value(v, new Row(s, e, l, trace));
  }

  // ------------------------------------------------------------------ values

  private static Object value(Val v, Row row) {
    if (v instanceof Lit l) {
      return l.value();
    }
    if (v instanceof Attr a) {
      return attribute(a, row);
    }
    if (v instanceof Intr i) {
      return intrinsic(i.text(), row);
    }
    if (v instanceof Neg n) {
      Object x = value(n.v(), row);
      if (x instanceof Long l) {
        return -l;
      }
      if (x instanceof Double d) {
        return -d;
      }
      return x instanceof Dur d ? new Dur(-d.nanos()) : null;
    }
    Arith a = (Arith) v;
    return arithmetic(a.op(), value(a.l(), row), value(a.r(), row));
  }

  private static Object attribute(Attr a, Row row) {
    Span s = row.span();
    return switch (a.scope()) {
      case "span" -> get(s.attributes(), a.name());
      case "resource" -> get(s.resource().attributes(), a.name());
      case "" -> {
        Object v = get(s.attributes(), a.name());
        yield v != null ? v : get(s.resource().attributes(), a.name());
      }
      case "event" -> row.event() == null ? null : get(row.event().attributes(), a.name());
      case "link" -> row.link() == null ? null : get(row.link().attributes(), a.name());
      case "instrumentation" -> get(s.scope().attributes(), a.name());
      default -> throw new IllegalArgumentException(a.scope());
    };
  }

  private static Object get(Attributes attrs, String key) {
    Optional<AttributeValue> v = attrs.get(key);
    return v.isEmpty() ? null : convert(v.get());
  }

  private static Object convert(AttributeValue v) {
    if (v instanceof AttributeValue.StringValue s) {
      return s.value();
    }
    if (v instanceof AttributeValue.LongValue l) {
      return l.value();
    }
    if (v instanceof AttributeValue.DoubleValue d) {
      return d.value();
    }
    if (v instanceof AttributeValue.BooleanValue b) {
      return b.value();
    }
    if (v instanceof AttributeValue.ArrayValue a) {
      List<Object> out = new ArrayList<>();
      for (AttributeValue e : a.values()) {
        out.add(convert(e));
      }
      return out;
    }
    throw new IllegalArgumentException("the generator makes no " + v);
  }

  private static Object intrinsic(String name, Row row) {
    Span s = row.span();
    List<Span> trace = row.trace();
    return switch (name) {
      case "name" -> s.name();
      case "status" -> s.statusCode();
      case "statusMessage" -> s.statusMessage();
      case "kind" -> s.kind();
      case "duration" -> new Dur(s.endUnixNano() - s.startUnixNano());
      case "span:childCount" -> {
        long n = 0;
        for (Span c : trace) {
          if (parentOf(c, trace) == s) {
            n++;
          }
        }
        yield n;
      }
      case "trace:rootName" -> root(trace) == null ? "" : root(trace).name();
      case "trace:rootService" -> root(trace) == null
          ? ""
          : root(trace).resource().attributes().getString("service.name");
      case "trace:duration" -> {
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (Span x : trace) {
          start = Math.min(start, x.startUnixNano());
          end = Math.max(end, x.endUnixNano());
        }
        yield new Dur(end - start);
      }
      case "event:name" -> row.event() == null ? null : row.event().name();
      case "event:timeSinceStart" -> row.event() == null ? null : new Dur(row.event().timeUnixNano() - s.startUnixNano());
      case "instrumentation:name" -> s.scope().name();
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** The earliest span without a parent id (ties: smallest span id), or null. */
  static Span root(List<Span> trace) {
    Span best = null;
    for (Span s : trace) {
      if (s.isRoot() && (best == null || s.startUnixNano() < best.startUnixNano()
          || s.startUnixNano() == best.startUnixNano() && s.spanId().value() < best.spanId().value())) {
        best = s;
      }
    }
    return best;
  }

  // ------------------------------------------------------------------ operators

  private static boolean isNumber(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof Dur;
  }

  private static double toDouble(Object v) {
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Double d) {
      return d;
    }
    return ((Dur) v).nanos();
  }

  /** int with int stays int (x / 0 is nil), duration +- % duration a duration, else float; nil for non-numbers. */
  private static Object arithmetic(String op, Object a, Object b) {
    if (!isNumber(a) || !isNumber(b)) {
      return null;
    }
    if (a instanceof Long x && b instanceof Long y) {
      return switch (op) {
        case "+" -> x + y;
        case "-" -> x - y;
        case "*" -> x * y;
        case "/" -> y == 0 ? null : (Object) (x / y);
        case "%" -> y == 0 ? null : (Object) (x % y);
        case "^" -> {
          if (y < 0) {
            yield Math.pow(x, y);
          }
          long r = 1;
          for (long k = 0; k < y; k++) {
            r *= x;
          }
          yield r;
        }
        default -> throw new IllegalArgumentException(op);
      };
    }
    if (a instanceof Dur x && b instanceof Dur y && (op.equals("+") || op.equals("-"))) {
      return new Dur(op.equals("+") ? x.nanos() + y.nanos() : x.nanos() - y.nanos());
    }
    double x = toDouble(a);
    double y = toDouble(b);
    return switch (op) {
      case "+" -> x + y;
      case "-" -> x - y;
      case "*" -> x * y;
      case "/" -> x / y;
      case "%" -> x % y;
      case "^" -> Math.pow(x, y);
      default -> throw new IllegalArgumentException(op);
    };
  }

  /** {@code a op b} for = != &lt; &lt;= &gt; &gt;=; false with nil or mismatched kinds; arrays per element. */
  static boolean compare(String op, Object a, Object b) {
    if (a == null || b == null) {
      return false;
    }
    if (a instanceof List<?> list) {
      if (op.equals("!=")) {
        for (Object e : list) {
          if (!compareScalar(op, e, b)) {
            return false;
          }
        }
        return true;
      }
      for (Object e : list) {
        if (compareScalar(op, e, b)) {
          return true;
        }
      }
      return false;
    }
    return compareScalar(op, a, b);
  }

  private static boolean compareScalar(String op, Object a, Object b) {
    int c;
    if (isNumber(a) && isNumber(b)) {
      if (!(a instanceof Double) && !(b instanceof Double)) {
        long x = a instanceof Long l ? l : ((Dur) a).nanos();
        long y = b instanceof Long l ? l : ((Dur) b).nanos();
        c = Long.compare(x, y);
      } else {
        double x = toDouble(a);
        double y = toDouble(b);
        if (Double.isNaN(x) || Double.isNaN(y)) {
          return op.equals("!="); // IEEE: NaN (x % 0.0) is unequal to everything and unordered
        }
        c = x < y ? -1 : x > y ? 1 : 0;
      }
    } else if (a instanceof String x && b instanceof String y) {
      c = Arrays.compare(x.codePoints().toArray(), y.codePoints().toArray()); // by code point, as Go's byte order
    } else if ((a instanceof Boolean || a instanceof StatusCode || a instanceof SpanKind)
        && a.getClass() == b.getClass()) {
      return switch (op) {
        case "=" -> a.equals(b);
        case "!=" -> !a.equals(b);
        default -> false;
      };
    } else {
      return false;
    }
    return switch (op) {
      case "=" -> c == 0;
      case "!=" -> c != 0;
      case "<" -> c < 0;
      case "<=" -> c <= 0;
      case ">" -> c > 0;
      case ">=" -> c >= 0;
      default -> throw new IllegalArgumentException(op);
    };
  }

  /** Fully anchored regex match of strings; arrays: =~ if any element matches, !~ if every element does not. */
  private static boolean regex(boolean negate, Object v, Object pattern) {
    if (!(pattern instanceof String p)) {
      return false;
    }
    Pattern re = Pattern.compile(p);
    if (v instanceof String s) {
      return re.matcher(s).matches() != negate;
    }
    if (v instanceof List<?> list) {
      if (negate) {
        for (Object e : list) {
          if (!(e instanceof String s) || re.matcher(s).matches()) {
            return false;
          }
        }
        return true;
      }
      for (Object e : list) {
        if (e instanceof String s && re.matcher(s).matches()) {
          return true;
        }
      }
      return false;
    }
    return false;
  }

  static boolean sameSpan(Span a, Span b) {
    return Objects.equals(a.spanId(), b.spanId());
  }
}
