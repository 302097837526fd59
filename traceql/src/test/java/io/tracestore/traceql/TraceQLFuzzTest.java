package io.tracestore.traceql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tracestore.traceql.ast.Query;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Seeded random inputs: token soup and mutations of valid queries. Every input must either parse
 * or be rejected with a {@link TraceQLException}; nothing else may escape and nothing may hang.
 * Accepted queries must also survive a print/parse round trip.
 */
@DisplayName("TraceQL fuzzing")
class TraceQLFuzzTest {
  private static final long SEED = 0x7EACE5L;
  private static final int TOKEN_SOUP_INPUTS = 60_000;
  private static final int MUTATION_INPUTS = 60_000;

  private static final String[] TOKENS = {
    "{", "}", "(", ")", ",", "|", "&&", "||", "=", "!=", "=~", "!~", ">", ">=", "<", "<=", ">>",
    "<<", "~", "!>", "!<", "!>>", "!<<", "&>", "&<", "&>>", "&<<", "&~", "!", "+", "-", "*", "/",
    "%", "^", "true", "false", "nil", "ok", "error", "unset", "server", "client", "duration", "name",
    "status", "kind", "statusMessage", "childCount", "parent", "rootName", "traceDuration",
    "span:id", "span:duration", "trace:duration", "trace:id", "event:name", "link:traceID",
    "instrumentation:version", "span.foo", ".a", ".b", "resource.service.name", "parent.x",
    "parent.span.y", "event.e", "link.l", "instrumentation.i", ".\"q x\"", "span.\"a\\\"b\"", "1",
    "0", "-1", "1.5", ".95", "1e3", "1s", "1h30m", "500ms", "2d", "\"str\"", "\"a\\tb\"", "`raw`",
    "count()", "count", "avg", "max", "min", "sum", "by", "select", "coalesce", "rate",
    "count_over_time", "min_over_time", "quantile_over_time", "histogram_over_time", "compare",
    "topk", "bottomk", "with", "sample", "99999999999999999999", "\"", "`", "#", "\u00b5", "\n",
    "/*", "*/", "//", "span:", "trace:status", "'", "[", "]", "\\", ".", "span.", ":", "\u00e9",
    "\ud83d\ude00", "\u0000", "3m5", "1e999"
  };

  private static final String[] SEEDS = {
    "{ resource.service.name = \"checkout\" && duration > 2s && status = error }",
    "{ resource.service.name = \"checkout\" && name = \"db.query\" } | quantile_over_time(duration, .95)",
    "{ span.http.status_code >= 500 || .\"a b\" =~ \"x.*\" } | by(resource.service.name) | count() > 2",
    "{ .a } >> { .b } && { .c } !~ { .d } | select(span:id, .e)",
    "({ .a } | count() > 1) &>> ({ .b } | avg(duration) < 1s)",
    "{ !(.a + 1 * 2 ^ 3 = -4) && kind = server } | coalesce()",
    "{} | rate() by (span.client_ip) > 10 | topk(5) with(sample=0.1)",
    "({} | rate()) * 100 / ({ status = error } | count_over_time()) - 1 > 5",
    "{} | compare({ status = error }, 5, 1, 2)",
    "{ trace:rootService = `x` && span:parentID != nil && event:timeSinceStart > 1ms }",
    "max(duration) > 3s | { status = error || .http.status = 500 }",
    "({ .a } | count()) + ({ .b } | count()) = 1",
    "{ parent.span.a > 3 && instrumentation:name = \"grpc\" && link.x = 1.5e3 }",
    "{ .a = -9223372036854775808 && .b != 9223372036854775807 }",
    "{} | histogram_over_time(duration) by (name, resource.x) | bottomk(3) <= 7"
  };

  @Test
  void randomTokenSoupOnlyEverParsesOrThrowsTraceQLException() {
    SplittableRandom rnd = new SplittableRandom(SEED);
    Stats stats =
        run(
            TOKEN_SOUP_INPUTS,
            () -> {
              int n = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 40 : 12);
              StringBuilder sb = new StringBuilder();
              for (int i = 0; i < n; i++) {
                sb.append(TOKENS[rnd.nextInt(TOKENS.length)]);
                if (rnd.nextInt(3) != 0) {
                  sb.append(' ');
                }
              }
              return sb.toString();
            });
    assertThat(stats.inputs).isEqualTo(TOKEN_SOUP_INPUTS);
  }

  @Test
  void mutationsOfValidQueriesOnlyEverParseOrThrowTraceQLException() {
    for (String s : SEEDS) {
      TraceQL.parseWithoutValidation(s);
    }
    SplittableRandom rnd = new SplittableRandom(SEED + 1);
    Stats stats = run(MUTATION_INPUTS, () -> mutate(SEEDS[rnd.nextInt(SEEDS.length)], rnd));
    assertThat(stats.inputs).isEqualTo(MUTATION_INPUTS);
    // mutations keep a fair share of inputs valid, so the accepting paths are exercised too
    assertThat(stats.accepted).isGreaterThan(MUTATION_INPUTS / 20);
  }

  static String mutate(String query, SplittableRandom rnd) {
    StringBuilder sb = new StringBuilder(query);
    int edits = 1 + rnd.nextInt(3);
    for (int e = 0; e < edits && sb.length() > 0; e++) {
      int pos = rnd.nextInt(sb.length());
      switch (rnd.nextInt(7)) {
        case 0 -> sb.deleteCharAt(pos);
        case 1 -> sb.delete(pos, Math.min(sb.length(), pos + 1 + rnd.nextInt(8)));
        case 2 -> sb.insert(pos, TOKENS[rnd.nextInt(TOKENS.length)]);
        case 3 -> sb.setCharAt(pos, (char) (rnd.nextInt(4) == 0 ? rnd.nextInt(0x3000) : 32 + rnd.nextInt(95)));
        case 4 -> {
          int end = Math.min(sb.length(), pos + 1 + rnd.nextInt(20));
          sb.insert(pos, sb.substring(pos, end));
        }
        case 5 -> sb.setLength(pos);
        default -> {
          int other = rnd.nextInt(sb.length());
          char c = sb.charAt(pos);
          sb.setCharAt(pos, sb.charAt(other));
          sb.setCharAt(other, c);
        }
      }
    }
    return sb.toString();
  }

  private static final class Stats {
    int inputs;
    int accepted;
  }

  private interface Source {
    String next();
  }

  private static Stats run(int count, Source source) {
    Stats stats = new Stats();
    List<String> roundTripFailures = new ArrayList<>();
    Assertions.assertTimeoutPreemptively(
        Duration.ofSeconds(120),
        () -> {
          for (int i = 0; i < count; i++) {
            String input = source.next();
            stats.inputs++;
            long start = System.nanoTime();
            try {
              Query q = (i & 1) == 0 ? TraceQL.parseWithoutValidation(input) : TraceQL.parse(input);
              stats.accepted++;
              String printed = TraceQL.print(q);
              Query again = TraceQL.parseWithoutValidation(printed);
              if (!again.equals(q) && roundTripFailures.size() < 5) {
                roundTripFailures.add(input + "  ->  " + printed);
              }
            } catch (TraceQLException expected) {
              assertThat(expected.getMessage()).isNotEmpty();
            } catch (Throwable t) {
              fail("input " + quote(input) + " threw " + t, t);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (millis > 5_000) {
              fail("input " + quote(input) + " took " + millis + " ms");
            }
          }
        });
    assertThat(roundTripFailures).as("accepted inputs that did not round-trip").isEmpty();
    return stats;
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            cp -> {
              if (cp < 0x20 || cp > 0x7e) {
                sb.append(String.format("\\u%04x", cp));
              } else {
                sb.appendCodePoint(cp);
              }
            });
    return sb.append('"').toString();
  }
}
