package io.tracestore.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.StatusCode;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.TraceStores;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Compares store searches with a deliberately naive evaluation written here: random traces (random
 * trees with orphans and several roots, attributes sometimes missing or of the wrong type), random
 * simple filters and random spanset operations, the expected spans computed by walking parent ids
 * span by span.
 */
@DisplayName("Randomized searches agree with a brute-force evaluation")
class RandomizedSearchTest {
  private static final String[] OPS = {"=", "!=", "<", "<=", ">", ">="};
  private static final String[] SET_OPS = {
      "&&", "||", ">", ">>", "<", "<<", "~", "!>", "!>>", "!<", "!<<", "!~", "&>", "&>>", "&<", "&<<", "&~"};
  private static final int DATASETS = 12;
  private static final int QUERIES_PER_DATASET = 50;

  /** A random filter and its brute-force meaning. */
  private record Filter(String text, Predicate<Span> test) {}

  @Test
  @DisplayName("on 12 random datasets x 50 random queries, head and block alike")
  void randomQueriesAgree() {
    Random rnd = new Random(20240601L);
    int combinations = 0;
    int nonEmpty = 0;
    for (int d = 0; d < DATASETS; d++) {
      List<Span> spans = dataset(rnd, d);
      Map<TraceId, List<Span>> byTrace = new TreeMap<>();
      for (Span s : spans) {
        byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s);
      }
      try (TraceStore store = TraceStores.inMemory()) {
        store.append(spans);
        if (d % 2 == 1) {
          store.flush(); // odd datasets are read back from a Parquet block
        }
        for (int q = 0; q < QUERIES_PER_DATASET; q++) {
          String query;
          Map<TraceId, Set<Long>> expected = new TreeMap<>();
          Filter a = filter(rnd);
          if (rnd.nextInt(3) == 0) {
            query = "{ " + a.text + " }";
            byTrace.forEach((id, list) -> {
              Set<Long> m = new TreeSet<>();
              for (Span s : list) {
                if (a.test.test(s)) {
                  m.add(s.spanId().value());
                }
              }
              if (!m.isEmpty()) {
                expected.put(id, m);
              }
            });
          } else {
            Filter b = filter(rnd);
            String op = SET_OPS[rnd.nextInt(SET_OPS.length)];
            query = "{ " + a.text + " } " + op + " { " + b.text + " }";
            byTrace.forEach((id, list) -> {
              Set<Long> m = bruteForce(op, list, a.test, b.test);
              if (!m.isEmpty()) {
                expected.put(id, m);
              }
            });
          }
          SearchResult r = store.search(Fixtures.all(query));
          Map<TraceId, Set<Long>> got = new TreeMap<>();
          for (SearchResult.TraceMatch t : r.traces()) {
            Set<Long> m = new TreeSet<>();
            for (SearchResult.SpanSet set : t.spanSets()) {
              assertThat(set.spans()).hasSize(set.matched());
              set.spans().forEach(s -> m.add(s.spanId().value()));
            }
            got.put(t.traceId(), m);
          }
          assertThat(got).as("dataset %d: %s", d, query).isEqualTo(expected);
          combinations++;
          if (!expected.isEmpty()) {
            nonEmpty++;
          }
        }
      }
    }
    assertThat(combinations).isGreaterThanOrEqualTo(500);
    assertThat(nonEmpty).as("queries that match something").isGreaterThan(combinations / 2);
  }

  // ------------------------------------------------------------------ data

  private static List<Span> dataset(Random rnd, int d) {
    List<Span> out = new ArrayList<>();
    int traces = 8 + rnd.nextInt(8);
    for (int t = 0; t < traces; t++) {
      TraceId tid = TraceId.of(d + 1, t + 1);
      int n = 1 + rnd.nextInt(12);
      long base = 1_700_000_000_000_000_000L + rnd.nextInt(1000) * 1_000_000L;
      for (int i = 1; i <= n; i++) {
        long parent;
        int kind = rnd.nextInt(10);
        if (i == 1 || kind == 0) {
          parent = 0; // a root (several per trace now and then)
        } else if (kind == 1) {
          parent = 1000 + rnd.nextInt(50); // an orphan: its parent is never stored
        } else {
          parent = 1 + rnd.nextInt(i - 1);
        }
        Attributes.Builder attrs = Attributes.builder();
        putRandom(rnd, attrs, "a");
        putRandom(rnd, attrs, "b");
        long start = base + rnd.nextInt(100_000);
        out.add(Span.builder()
            .traceId(tid)
            .spanId(SpanId.of(i))
            .parentSpanId(parent == 0 ? SpanId.NONE : SpanId.of(parent))
            .name("n" + rnd.nextInt(3))
            .startUnixNano(start)
            .endUnixNano(start + rnd.nextInt(1_000_000))
            .statusCode(StatusCode.values()[rnd.nextInt(3)])
            .attributes(attrs.build())
            .resource(Fixtures.resource("svc" + rnd.nextInt(3)))
            .build());
      }
    }
    return out;
  }

  private static void putRandom(Random rnd, Attributes.Builder attrs, String key) {
    int k = rnd.nextInt(10);
    if (k < 6) {
      attrs.put(key, (long) rnd.nextInt(6));
    } else if (k == 6) {
      attrs.put(key, "x" + rnd.nextInt(2));
    } else if (k == 7) {
      attrs.put(key, rnd.nextInt(6) + 0.5);
    }
    // else: missing
  }

  private static Filter filter(Random rnd) {
    int shape = rnd.nextInt(5);
    if (shape == 0) {
      String name = "n" + rnd.nextInt(3);
      return new Filter("name = \"" + name + "\"", s -> s.name().equals(name));
    }
    if (shape == 1) {
      Filter x = simple(rnd);
      Filter y = simple(rnd);
      boolean and = rnd.nextBoolean();
      return new Filter(x.text + (and ? " && " : " || ") + y.text,
          and ? s -> x.test.test(s) && y.test.test(s) : s -> x.test.test(s) || y.test.test(s));
    }
    if (shape == 2) {
      String svc = "svc" + rnd.nextInt(3);
      Filter x = simple(rnd);
      return new Filter("resource.service.name = \"" + svc + "\" && " + x.text,
          s -> s.resource().attributes().getString("service.name").equals(svc) && x.test.test(s));
    }
    return simple(rnd);
  }

  /** {@code span.a OP v} with v an integer: true only for numeric values of the attribute. */
  private static Filter simple(Random rnd) {
    String key = rnd.nextBoolean() ? "a" : "b";
    String op = OPS[rnd.nextInt(OPS.length)];
    int v = rnd.nextInt(6);
    return new Filter("span." + key + " " + op + " " + v, s -> {
      Optional<AttributeValue> value = s.attributes().get(key);
      if (value.isEmpty()) {
        return false;
      }
      double x;
      if (value.get() instanceof AttributeValue.LongValue l) {
        x = l.value();
      } else if (value.get() instanceof AttributeValue.DoubleValue dv) {
        x = dv.value();
      } else {
        return false;
      }
      switch (op) {
        case "=": return x == v;
        case "!=": return x != v;
        case "<": return x < v;
        case "<=": return x <= v;
        case ">": return x > v;
        default: return x >= v;
      }
    });
  }

  // ------------------------------------------------------------------ the naive evaluation

  private static Set<Long> bruteForce(String op, List<Span> trace, Predicate<Span> a, Predicate<Span> b) {
    Map<Long, Span> byId = new HashMap<>();
    for (Span s : trace) {
      byId.put(s.spanId().value(), s);
    }
    List<Span> lhs = trace.stream().filter(a).toList();
    List<Span> rhs = trace.stream().filter(b).toList();
    Set<Long> out = new TreeSet<>();
    switch (op) {
      case "&&" -> {
        if (!lhs.isEmpty() && !rhs.isEmpty()) {
          lhs.forEach(s -> out.add(s.spanId().value()));
          rhs.forEach(s -> out.add(s.spanId().value()));
        }
        return out;
      }
      case "||" -> {
        lhs.forEach(s -> out.add(s.spanId().value()));
        rhs.forEach(s -> out.add(s.spanId().value()));
        return out;
      }
      default -> {
        // handled below
      }
    }
    if (rhs.isEmpty()) {
      return out;
    }
    boolean negated = op.startsWith("!");
    boolean union = op.startsWith("&");
    String rel = negated || union ? op.substring(1) : op;
    for (Span r : rhs) {
      boolean any = false;
      for (Span l : lhs) {
        if (related(rel, l, r, byId)) {
          any = true;
          if (union) {
            out.add(l.spanId().value());
            out.add(r.spanId().value());
          }
        }
      }
      if (!union && any != negated) {
        out.add(r.spanId().value());
      }
    }
    return out;
  }

  /** Does r stand in relation rel to l ({@code l > r}: r is a child of l, and so on)? */
  private static boolean related(String rel, Span l, Span r, Map<Long, Span> byId) {
    return switch (rel) {
      case ">" -> parentOf(r, byId) == l;
      case "<" -> parentOf(l, byId) == r;
      case ">>" -> ancestors(r, byId).contains(l);
      case "<<" -> ancestors(l, byId).contains(r);
      case "~" -> l != r && parentOf(l, byId) != null && parentOf(l, byId) == parentOf(r, byId);
      default -> throw new IllegalArgumentException(rel);
    };
  }

  private static Span parentOf(Span s, Map<Long, Span> byId) {
    return s.isRoot() ? null : byId.get(s.parentSpanId().value());
  }

  private static Set<Span> ancestors(Span s, Map<Long, Span> byId) {
    Set<Span> out = new HashSet<>();
    for (Span p = parentOf(s, byId); p != null && out.add(p); p = parentOf(p, byId)) {
      // walk up
    }
    return out;
  }
}
