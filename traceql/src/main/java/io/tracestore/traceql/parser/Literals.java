package io.tracestore.traceql.parser;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decoding of literal tokens: integers, floats, durations, Go-quoted strings and quoted attribute
 * names. Stateless and thread-safe. Failures throw {@link LiteralException} with a message for the
 * user; the caller adds the position.
 */
final class Literals {
  private Literals() {}

  /** A literal that cannot be decoded; the message is meant for the user. */
  static final class LiteralException extends Exception {
    private static final long serialVersionUID = 1L;

    LiteralException(String message) {
      super(message, null, false, false);
    }
  }

  static long parseInt(String digits, boolean negative) throws LiteralException {
    try {
      return Long.parseLong(negative ? "-" + digits : digits);
    } catch (NumberFormatException e) {
      throw new LiteralException(
          "integer " + (negative ? "-" : "") + abbreviate(digits) + " is out of range ["
              + Long.MIN_VALUE + ", " + Long.MAX_VALUE + "]");
    }
  }

  static double parseFloat(String text, boolean negative) throws LiteralException {
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new LiteralException("invalid number '" + abbreviate(text) + "'");
    }
    if (!Double.isFinite(v)) {
      throw new LiteralException("number " + abbreviate(text) + " is out of range");
    }
    return negative ? -v : v;
  }

  // Prometheus-style: 1y2w3d4h5m6s7ms, each unit at most once, in this order, integers only.
  private static final Pattern PROM =
      Pattern.compile(
          "(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?");
  private static final long[] PROM_UNITS = {
    365L * 24 * 3_600_000_000_000L,
    7L * 24 * 3_600_000_000_000L,
    24L * 3_600_000_000_000L,
    3_600_000_000_000L,
    60_000_000_000L,
    1_000_000_000L,
    1_000_000L
  };
  // Go time.ParseDuration style: sequence of decimal numbers with units ns us µs ms s m h.
  private static final Pattern GO_PART =
      Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)");

  /**
   * Parses a duration as Tempo does: Prometheus units (y w d h m s ms) first, then Go's units (ns
   * us µs ms s m h, fractions allowed).
   */
  static long parseDuration(String text, boolean negative) throws LiteralException {
    BigInteger total = prometheus(text);
    if (total == null) {
      total = go(text);
    }
    if (total == null) {
      throw new LiteralException(
          "invalid duration '" + abbreviate(text) + "' (units: ns us µs ms s m h d w y, e.g. 1h30m, 1.5s)");
    }
    if (negative) {
      total = total.negate();
    }
    if (total.bitLength() > 63) {
      throw new LiteralException("duration " + abbreviate(text) + " is out of range (about ±292 years)");
    }
    return total.longValue();
  }

  private static BigInteger prometheus(String text) {
    Matcher m = PROM.matcher(text);
    if (!m.matches()) {
      return null;
    }
    BigInteger total = BigInteger.ZERO;
    boolean any = false;
    for (int i = 0; i < PROM_UNITS.length; i++) {
      String g = m.group(i + 1);
      if (g != null) {
        any = true;
        total = total.add(new BigInteger(g).multiply(BigInteger.valueOf(PROM_UNITS[i])));
      }
    }
    return any ? total : null;
  }

  private static BigInteger go(String text) {
    Matcher m = GO_PART.matcher(text);
    int pos = 0;
    BigInteger total = BigInteger.ZERO;
    while (pos < text.length()) {
      m.region(pos, text.length());
      if (!m.lookingAt()) {
        return null;
      }
      String num = m.group(1);
      if (num.isEmpty() || num.equals(".")) {
        return null;
      }
      long unit =
          switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "\u00b5s", "\u03bcs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
          };
      BigDecimal value = new BigDecimal(num.startsWith(".") ? "0" + num : num.endsWith(".") ? num + "0" : num);
      total =
          total.add(value.multiply(BigDecimal.valueOf(unit)).setScale(0, RoundingMode.DOWN).toBigInteger());
      pos = m.end();
    }
    return pos == 0 ? null : total;
  }

  /** Decodes a Go interpreted string literal including its quotes ({@code "a\tb"}). */
  static String unquoteGo(String token) throws LiteralException {
    String s = token.substring(1, token.length() - 1);
    if (s.indexOf('\\') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '\\') {
        int cp = s.codePointAt(i);
        writeUtf8(out, cp);
        i += Character.charCount(cp);
        continue;
      }
      if (i + 1 >= s.length()) {
        throw new LiteralException("string ends with a lone backslash");
      }
      char e = s.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'a' -> out.write(7);
        case 'b' -> out.write(8);
        case 'f' -> out.write(12);
        case 'n' -> out.write(10);
        case 'r' -> out.write(13);
        case 't' -> out.write(9);
        case 'v' -> out.write(11);
        case '\\' -> out.write('\\');
        case '"' -> out.write('"');
        case 'x' -> {
          out.write(hex(s, i, 2));
          i += 2;
        }
        case 'u', 'U' -> {
          int n = e == 'u' ? 4 : 8;
          int cp = hex(s, i, n);
          if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            throw new LiteralException("invalid Unicode escape \\" + e + s.substring(i, i + n));
          }
          writeUtf8(out, cp);
          i += n;
        }
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          if (i + 2 > s.length()) {
            throw new LiteralException("octal escape needs three digits");
          }
          int v = 0;
          for (int k = i - 1; k < i + 2; k++) {
            char d = s.charAt(k);
            if (d < '0' || d > '7') {
              throw new LiteralException("octal escape needs three digits");
            }
            v = v * 8 + (d - '0');
          }
          if (v > 255) {
            throw new LiteralException("octal escape value > 255");
          }
          out.write(v);
          i += 2;
        }
        default -> throw new LiteralException(
            "unknown escape sequence \\" + new String(Character.toChars(s.codePointAt(i - 1))));
      }
    }
    return new String(out.toByteArray(), StandardCharsets.UTF_8);
  }

  /** Decodes a Go raw string literal including its backquotes (carriage returns are dropped). */
  static String unquoteRaw(String token) {
    return token.substring(1, token.length() - 1).replace("\r", "");
  }

  /** Decodes a quoted attribute name {@code "a \" b"}: only {@code \"} and {@code \\} escapes. */
  static String unquoteAttribute(String token) throws LiteralException {
    String s = token.substring(1, token.length() - 1);
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        char e = i + 1 < s.length() ? s.charAt(i + 1) : 0;
        if (e != '"' && e != '\\') {
          throw new LiteralException(
              "only \\\" and \\\\ escapes are allowed in a quoted attribute name");
        }
        sb.append(e);
        i++;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static int hex(String s, int from, int n) throws LiteralException {
    if (from + n > s.length()) {
      throw new LiteralException("escape needs " + n + " hex digits");
    }
    int v = 0;
    for (int k = from; k < from + n; k++) {
      int d = Character.digit(s.charAt(k), 16);
      if (d < 0) {
        throw new LiteralException("escape needs " + n + " hex digits");
      }
      v = v * 16 + d;
    }
    return v;
  }

  private static void writeUtf8(ByteArrayOutputStream out, int cp) {
    byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
    out.write(b, 0, b.length);
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
