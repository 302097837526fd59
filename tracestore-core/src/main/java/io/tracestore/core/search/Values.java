package io.tracestore.core.search;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.SpanKind;
import io.tracestore.api.StatusCode;
import io.tracestore.traceql.ast.BinaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The run-time values of TraceQL evaluation and the operations on them. Values are plain Java
 * objects, so that the common ones cost no allocation:
 *
 * <ul>
 *   <li>{@code null}: nil (a missing attribute, an absent event or link field)
 *   <li>{@link Long}: int; {@link Double}: float; {@link Dur}: duration in nanoseconds
 *   <li>{@link String}, {@link Boolean}, {@link StatusCode}, {@link SpanKind}
 *   <li>{@link List} of the scalars above: an array attribute
 *   <li>{@link Opaque}: an attribute of a kind TraceQL cannot compare (bytes, key-value lists,
 *       nested arrays); it exists ({@code != nil}) but equals nothing
 * </ul>
 *
 * <p>Comparison rules (as Tempo's engine): int, float and duration compare numerically with each
 * other (durations as nanoseconds); strings compare by code point (the order of their UTF-8 bytes);
 * booleans, statuses and kinds only with {@code =} and {@code !=}; values of different kinds are
 * never equal, and never unequal either: every comparison between mismatched kinds is false. An
 * array matches {@code = =~ < <= > >=} if any element does and {@code != !~} if every element does.
 * Stateless.
 */
final class Values {
  private Values() {}

  /** A duration in nanoseconds. */
  record Dur(long nanos) {}

  /** An attribute value TraceQL cannot compare: it exists, but equals nothing. */
  record Opaque(AttributeValue value) {}

  // ------------------------------------------------------------------ attributes

  /** The value of {@code key} in {@code attrs}, or null; a binary search without allocation. */
  static AttributeValue lookup(Attributes attrs, String key) {
    int lo = 0;
    int hi = attrs.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = attrs.key(mid).compareTo(key);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return attrs.value(mid);
      }
    }
    return null;
  }

  /** The run-time value of an attribute value (null stays null). */
  static Object of(AttributeValue v) {
    if (v == null) {
      return null;
    }
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
      return b.value() ? Boolean.TRUE : Boolean.FALSE;
    }
    if (v instanceof AttributeValue.ArrayValue a) {
      List<Object> out = new ArrayList<>(a.values().size());
      for (AttributeValue e : a.values()) {
        out.add(e instanceof AttributeValue.ArrayValue ? new Opaque(e) : of(e));
      }
      return out;
    }
    return new Opaque(v);
  }

  /** The attribute value reporting run-time value {@code v}; null for nil. */
  static AttributeValue toAttributeValue(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return AttributeValue.of(s);
    }
    if (v instanceof Long l) {
      return AttributeValue.of(l.longValue());
    }
    if (v instanceof Double d) {
      return AttributeValue.of(d.doubleValue());
    }
    if (v instanceof Boolean b) {
      return AttributeValue.of(b.booleanValue());
    }
    if (v instanceof Dur d) {
      return AttributeValue.of(formatDuration(d.nanos()));
    }
    if (v instanceof StatusCode s) {
      return AttributeValue.of(s.name().toLowerCase(Locale.ROOT));
    }
    if (v instanceof SpanKind k) {
      return AttributeValue.of(k.name().toLowerCase(Locale.ROOT));
    }
    if (v instanceof Opaque o) {
      return o.value();
    }
    if (v instanceof List<?> list) {
      List<AttributeValue> out = new ArrayList<>(list.size());
      for (Object e : list) {
        AttributeValue a = toAttributeValue(e);
        if (a != null) {
          out.add(a);
        }
      }
      return AttributeValue.ofArray(out);
    }
    throw new IllegalStateException("not a TraceQL value: " + v.getClass());
  }

  /**
   * A duration as Go prints it (and so Tempo): {@code 0s}, {@code 250ns}, {@code 1.5µs},
   * {@code 12.5ms}, {@code 2.5s}, {@code 1m30s}, {@code 2h0m0s}.
   */
  static String formatDuration(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    boolean negative = nanos < 0;
    // magnitude as unsigned (Long.MIN_VALUE stays representable)
    long u = negative ? -nanos : nanos;
    StringBuilder sb = new StringBuilder(24);
    if (negative) {
      sb.append('-');
    }
    if (Long.compareUnsigned(u, 1_000_000_000L) < 0) {
      if (u < 1_000L) {
        return sb.append(u).append("ns").toString();
      }
      if (u < 1_000_000L) {
        appendFraction(sb, u, 1_000L);
        return sb.append("µs").toString();
      }
      appendFraction(sb, u, 1_000_000L);
      return sb.append("ms").toString();
    }
    long seconds = Long.divideUnsigned(u, 1_000_000_000L);
    long frac = Long.remainderUnsigned(u, 1_000_000_000L);
    long hours = seconds / 3600;
    long minutes = (seconds / 60) % 60;
    long secs = seconds % 60;
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      sb.append(minutes).append('m');
    }
    sb.append(secs);
    appendDecimals(sb, frac, 9);
    return sb.append('s').toString();
  }

  private static void appendFraction(StringBuilder sb, long value, long unit) {
    sb.append(value / unit);
    int digits = Long.toString(unit).length() - 1;
    appendDecimals(sb, value % unit, digits);
  }

  private static void appendDecimals(StringBuilder sb, long frac, int digits) {
    if (frac == 0) {
      return;
    }
    String s = Long.toString(frac);
    StringBuilder d = new StringBuilder(digits);
    for (int i = s.length(); i < digits; i++) {
      d.append('0');
    }
    d.append(s);
    int end = d.length();
    while (end > 0 && d.charAt(end - 1) == '0') {
      end--;
    }
    sb.append('.').append(d, 0, end);
  }

  // ------------------------------------------------------------------ comparisons

  /** True for the numeric kinds: int, float, duration. */
  static boolean isNumeric(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof Dur;
  }

  private static boolean isIntegral(Object v) {
    return v instanceof Long || v instanceof Dur;
  }

  static long asLong(Object v) {
    return v instanceof Long l ? l : ((Dur) v).nanos();
  }

  static double asDouble(Object v) {
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Double d) {
      return d;
    }
    return ((Dur) v).nanos();
  }

  /**
   * {@code l op r} for a comparison operator other than the regex ones; false when either side is
   * nil or the kinds do not match. Arrays (on one side only) match per element.
   */
  static boolean compare(BinaryOp op, Object l, Object r) {
    if (l == null || r == null) {
      return false;
    }
    if (l instanceof List<?> la) {
      if (r instanceof List) {
        return false;
      }
      return overArray(op, la, r, true);
    }
    if (r instanceof List<?> ra) {
      return overArray(op, ra, l, false);
    }
    return compareScalar(op, l, r);
  }

  private static boolean overArray(BinaryOp op, List<?> array, Object scalar, boolean arrayOnLeft) {
    boolean all = op == BinaryOp.NEQ;
    for (Object e : array) {
      boolean m = arrayOnLeft ? compareScalar(op, e, scalar) : compareScalar(op, scalar, e);
      if (all && !m) {
        return false;
      }
      if (!all && m) {
        return true;
      }
    }
    return all;
  }

  /** {@code l op r} for two non-null scalars. */
  static boolean compareScalar(BinaryOp op, Object l, Object r) {
    if (isNumeric(l)) {
      if (!isNumeric(r)) {
        return false;
      }
      if (isIntegral(l) && isIntegral(r)) {
        int c = Long.compare(asLong(l), asLong(r));
        return ordered(op, c);
      }
      double a = asDouble(l);
      double b = asDouble(r);
      return switch (op) {
        case EQ -> a == b;
        case NEQ -> a != b;
        case LT -> a < b;
        case LTE -> a <= b;
        case GT -> a > b;
        case GTE -> a >= b;
        default -> false;
      };
    }
    if (l instanceof String a) {
      if (!(r instanceof String b)) {
        return false;
      }
      return switch (op) {
        case EQ -> a.equals(b);
        case NEQ -> !a.equals(b);
        case LT, LTE, GT, GTE -> ordered(op, compareCodePoints(a, b));
        default -> false;
      };
    }
    if (l instanceof Opaque || r instanceof Opaque) {
      return false;
    }
    if (l.getClass() != r.getClass()) {
      return false;
    }
    // Boolean, StatusCode, SpanKind: equality only
    return switch (op) {
      case EQ -> l.equals(r);
      case NEQ -> !l.equals(r);
      default -> false;
    };
  }

  /** {@code c} (a comparison's result) read through {@code op}: {@code =} is {@code c == 0}, ... */
  static boolean ordered(BinaryOp op, int c) {
    return switch (op) {
      case EQ -> c == 0;
      case NEQ -> c != 0;
      case LT -> c < 0;
      case LTE -> c <= 0;
      case GT -> c > 0;
      case GTE -> c >= 0;
      default -> false;
    };
  }

  /** Compares by Unicode code point, which is the order of the strings' UTF-8 bytes (Go's order). */
  static int compareCodePoints(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        boolean xs = Character.isSurrogate(x);
        boolean ys = Character.isSurrogate(y);
        if (xs != ys) {
          // a surrogate (code point >= U+10000) sorts after every BMP character
          return xs ? 1 : -1;
        }
        return Character.compare(x, y);
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  // ------------------------------------------------------------------ arithmetic

  /**
   * {@code l op r} for an arithmetic operator; nil when either side is nil or not a number, and for
   * integer division or remainder by zero. int with int stays int; duration plus or minus duration
   * stays a duration; everything else is a float.
   */
  static Object arithmetic(BinaryOp op, Object l, Object r) {
    if (!isNumeric(l) || !isNumeric(r)) {
      return null;
    }
    if (l instanceof Long a && r instanceof Long b) {
      long x = a;
      long y = b;
      return switch (op) {
        case ADD -> x + y;
        case SUB -> x - y;
        case MUL -> x * y;
        case DIV -> y == 0 ? null : (Object) (x / y);
        case MOD -> y == 0 ? null : (Object) (x % y);
        case POW -> y >= 0 ? (Object) pow(x, y) : (Object) Math.pow(x, y);
        default -> null;
      };
    }
    if (l instanceof Dur a && r instanceof Dur b) {
      switch (op) {
        case ADD:
          return new Dur(a.nanos() + b.nanos());
        case SUB:
          return new Dur(a.nanos() - b.nanos());
        case MOD:
          return b.nanos() == 0 ? null : new Dur(a.nanos() % b.nanos());
        default:
          break;
      }
    }
    double x = asDouble(l);
    double y = asDouble(r);
    return switch (op) {
      case ADD -> x + y;
      case SUB -> x - y;
      case MUL -> x * y;
      case DIV -> x / y;
      case MOD -> x % y;
      case POW -> Math.pow(x, y);
      default -> null;
    };
  }

  private static long pow(long base, long exp) {
    long result = 1;
    long b = base;
    long e = exp;
    while (e > 0) {
      if ((e & 1) != 0) {
        result *= b;
      }
      e >>= 1;
      if (e > 0) {
        b *= b;
      }
    }
    return result;
  }

  /** {@code -v}, or nil if {@code v} is not a number. */
  static Object negate(Object v) {
    if (v instanceof Long l) {
      return -l;
    }
    if (v instanceof Double d) {
      return -d;
    }
    if (v instanceof Dur d) {
      return new Dur(-d.nanos());
    }
    return null;
  }
}
