package io.tracestore.core.search.plan;

import com.google.re2j.Pattern;
import io.tracestore.traceql.TraceQL;
import java.util.List;
import java.util.Set;

/**
 * A test on one string value, decided once per dictionary entry by the scan kernels. Regexes are
 * rewritten where their meaning is plain: a literal becomes equality, an alternation of literals a
 * set lookup, {@code .*} matches everything, {@code lit.*} a prefix test and {@code .*lit.*} a
 * substring test; anything else runs RE2/J (linear time). TraceQL regexes are anchored at both ends.
 * Immutable and thread-safe.
 */
public sealed interface StringMatcher {
  /** True if {@code s} passes. */
  boolean test(String s);

  /** {@code = value}. */
  record Equals(String value) implements StringMatcher {
    @Override
    public boolean test(String s) {
      return value.equals(s);
    }
  }

  /** One of {@code values}. */
  record In(Set<String> values) implements StringMatcher {
    @Override
    public boolean test(String s) {
      return values.contains(s);
    }
  }

  /** Starts with {@code prefix}. */
  record Prefix(String prefix) implements StringMatcher {
    @Override
    public boolean test(String s) {
      return s.startsWith(prefix);
    }
  }

  /** Contains {@code part}. */
  record Contains(String part) implements StringMatcher {
    @Override
    public boolean test(String s) {
      return s.contains(part);
    }
  }

  /** Every string. */
  record Any() implements StringMatcher {
    @Override
    public boolean test(String s) {
      return true;
    }
  }

  /** An anchored RE2 match. */
  record Regex(Pattern pattern) implements StringMatcher {
    @Override
    public boolean test(String s) {
      return pattern.matcher(s).matches();
    }
  }

  /** The opposite of {@code inner}. */
  record Not(StringMatcher inner) implements StringMatcher {
    @Override
    public boolean test(String s) {
      return !inner.test(s);
    }
  }

  /**
   * The matcher of an anchored TraceQL regex, rewritten where possible.
   *
   * @throws com.google.re2j.PatternSyntaxException if the pattern is not valid RE2
   */
  static StringMatcher regex(String pattern) {
    String p = pattern;
    if (p.startsWith("^")) {
      p = p.substring(1);
    }
    if (p.endsWith("$") && !p.endsWith("\\$")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.startsWith("(") && p.endsWith(")") && p.indexOf('(', 1) < 0 && p.indexOf(')') == p.length() - 1) {
      p = p.substring(1, p.length() - 1);
    }
    if (p.equals(".*")) {
      return new Any();
    }
    if (isLiteral(p)) {
      return new Equals(p);
    }
    if (p.endsWith(".*") && isLiteral(p.substring(0, p.length() - 2))) {
      return new Prefix(p.substring(0, p.length() - 2));
    }
    if (p.length() > 4 && p.startsWith(".*") && p.endsWith(".*") && isLiteral(p.substring(2, p.length() - 2))) {
      return new Contains(p.substring(2, p.length() - 2));
    }
    if (p.indexOf('|') > 0) {
      List<String> parts = List.of(p.split("\\|", -1));
      if (parts.stream().allMatch(StringMatcher::isLiteral)) {
        return new In(Set.copyOf(parts));
      }
    }
    return new Regex(TraceQL.regex(pattern));
  }

  /** True if {@code p} has no regex metacharacter (so it matches exactly itself). */
  private static boolean isLiteral(String p) {
    for (int i = 0; i < p.length(); i++) {
      if ("\\.+*?()|[]{}^$".indexOf(p.charAt(i)) >= 0) {
        return false;
      }
    }
    return true;
  }
}
