package io.tracestore.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code --start}/{@code --end}: RFC 3339, Unix seconds (fractions allowed), {@code now}, or relative ({@code -1h}, {@code -30m}, {@code -2d}). */
final class TimeArgument {
  private static final Pattern RELATIVE = Pattern.compile("-(\\d+)(ms|s|m|h|d|w)");
  private static final Pattern UNIX = Pattern.compile("\\d{1,12}(\\.\\d{1,9})?");

  private TimeArgument() {}

  /** Unix nanoseconds of {@code text}, relative to {@code now}. */
  static long parse(String text, Instant now) {
    String t = text.trim();
    if (t.equals("now")) {
      return toNanos(now);
    }
    Matcher rel = RELATIVE.matcher(t);
    if (rel.matches()) {
      long n = Long.parseLong(rel.group(1));
      Duration d = switch (rel.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofDays(7 * n);
      };
      return toNanos(now.minus(d));
    }
    if (UNIX.matcher(t).matches()) {
      return new java.math.BigDecimal(t).movePointRight(9).longValueExact();
    }
    try {
      return toNanos(OffsetDateTime.parse(t).toInstant());
    } catch (DateTimeParseException e) {
      throw new Main.UserException("cannot read time \"" + text
          + "\": use RFC 3339 (2026-11-22T10:00:00Z), Unix seconds (1795000000), now, or relative (-1h, -30m, -2d)");
    }
  }

  private static long toNanos(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }
}
