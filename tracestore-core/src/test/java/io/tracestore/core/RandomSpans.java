package io.tracestore.core;

import io.tracestore.api.Attribute;
import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.InstrumentationScope;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanId;
import io.tracestore.api.SpanKind;
import io.tracestore.api.SpanLink;
import io.tracestore.api.StatusCode;
import io.tracestore.api.TraceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random spans that exercise every field and edge of the model: empty and non-ASCII
 * strings, every attribute type including nested arrays and kvlists, NaN and negative values,
 * events, links, orphans and spans that share resources. Not realistic; that is the workload
 * generator's job.
 */
public final class RandomSpans {
  private static final String[] WORDS = {"", "a", "GET /cart", "checkout", "ünïcödé", "日本語", "emoji 😀", "x".repeat(300), "tab\tnew\nline", "\"quoted\""};
  private final Random r;
  private final List<Resource> resources = new ArrayList<>();
  private final List<InstrumentationScope> scopes = new ArrayList<>();

  public RandomSpans(long seed) {
    r = new Random(seed);
    for (int i = 0; i < 4; i++) {
      Attributes.Builder b = Attributes.builder().put(Resource.SERVICE_NAME, "svc-" + i);
      if (r.nextBoolean()) {
        b.put("host.name", "host-" + r.nextInt(3));
      }
      if (i == 3) {
        b = Attributes.builder().put(Resource.SERVICE_NAME, 42L); // a non-string service.name
      }
      b.put("deployment.environment", word());
      resources.add(new Resource(b.build(), r.nextInt(2), r.nextBoolean() ? "" : "https://opentelemetry.io/schemas/1.21.0"));
    }
    resources.add(Resource.EMPTY);
    scopes.add(InstrumentationScope.EMPTY);
    scopes.add(InstrumentationScope.of("io.opentelemetry.jdbc", "1.2.3"));
    scopes.add(new InstrumentationScope("lib", "", attributes(0), 1, "schema"));
  }

  public String word() {
    return WORDS[r.nextInt(WORDS.length)];
  }

  public AttributeValue value(int depth) {
    int kind = r.nextInt(depth > 2 ? 5 : 7);
    return switch (kind) {
      case 0 -> AttributeValue.of(word());
      case 1 -> AttributeValue.of(r.nextInt(4) == 0 ? Long.MIN_VALUE : r.nextLong() % 1000);
      case 2 -> AttributeValue.of(r.nextInt(5) == 0 ? Double.NaN : r.nextGaussian() * 1e3);
      case 3 -> AttributeValue.of(r.nextBoolean());
      case 4 -> {
        byte[] b = new byte[r.nextInt(20)];
        r.nextBytes(b);
        yield AttributeValue.of(b);
      }
      case 5 -> {
        List<AttributeValue> vs = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          vs.add(value(depth + 1));
        }
        yield AttributeValue.ofArray(vs);
      }
      default -> {
        List<Attribute> kv = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
          kv.add(new Attribute("k" + r.nextInt(3), value(depth + 1)));
        }
        yield AttributeValue.ofKeyValues(kv);
      }
    };
  }

  public Attributes attributes(int max) {
    Attributes.Builder b = Attributes.builder();
    int n = max == 0 ? 0 : r.nextInt(max + 1);
    for (int i = 0; i < n; i++) {
      String key = switch (r.nextInt(4)) {
        case 0 -> "http.method";
        case 1 -> "http.route";
        case 2 -> "attr." + r.nextInt(20);
        default -> "k" + r.nextInt(5);
      };
      // frequent string keys become dedicated columns; sometimes give them other types
      b.put(key, key.startsWith("http") && r.nextInt(5) > 0 ? AttributeValue.of(word()) : value(0));
    }
    return b.build();
  }

  /** One trace of 1..maxSpans spans; sometimes with an orphan or two roots. */
  public List<Span> trace(int maxSpans) {
    TraceId traceId = TraceId.of(r.nextLong(), r.nextLong() | 1);
    int n = 1 + r.nextInt(maxSpans);
    List<Span> spans = new ArrayList<>(n);
    long base = 1_700_000_000_000_000_000L + (r.nextLong() & 0xFFFFFFFFFFFL);
    List<SpanId> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SpanId id = SpanId.of(r.nextLong() | 1);
      SpanId parent = i == 0 ? SpanId.NONE
          : r.nextInt(20) == 0 ? SpanId.of(r.nextLong() | 1) // orphan
          : r.nextInt(30) == 0 ? SpanId.NONE // second root
          : ids.get(r.nextInt(ids.size()));
      ids.add(id);
      long start = base + r.nextInt(1_000_000) * 1000L;
      Span.Builder b = Span.builder()
          .traceId(traceId).spanId(id).parentSpanId(parent)
          .traceState(r.nextInt(5) == 0 ? "rojo=00f067aa0ba902b7" : "")
          .flags(r.nextInt(3))
          .name(word())
          .kind(SpanKind.fromCode(r.nextInt(6)))
          .startUnixNano(start)
          .endUnixNano(start + (r.nextInt(10) == 0 ? 0 : (long) (Math.abs(r.nextGaussian()) * 5e9)))
          .status(StatusCode.fromCode(r.nextInt(3)), r.nextInt(4) == 0 ? word() : "")
          .attributes(attributes(12))
          .droppedAttributesCount(r.nextInt(10) == 0 ? 3 : 0)
          .droppedEventsCount(r.nextInt(10) == 0 ? 1 : 0)
          .droppedLinksCount(r.nextInt(10) == 0 ? 2 : 0)
          .resource(resources.get(r.nextInt(resources.size())))
          .scope(scopes.get(r.nextInt(scopes.size())));
      List<SpanEvent> events = new ArrayList<>();
      for (int e = r.nextInt(3); e > 0; e--) {
        events.add(new SpanEvent(start + r.nextInt(1000), word(), attributes(3), r.nextInt(2)));
      }
      b.events(events);
      List<SpanLink> links = new ArrayList<>();
      for (int l = r.nextInt(4) == 0 ? 1 + r.nextInt(2) : 0; l > 0; l--) {
        links.add(new SpanLink(TraceId.of(r.nextLong(), r.nextLong() | 1), SpanId.of(r.nextLong() | 1),
            r.nextBoolean() ? "" : "k=v", attributes(2), r.nextInt(2), r.nextInt(2)));
      }
      b.links(links);
      spans.add(b.build());
    }
    return spans;
  }

  /** Traces until at least {@code minSpans} spans. */
  public List<Span> traces(int minSpans, int maxSpansPerTrace) {
    List<Span> out = new ArrayList<>();
    while (out.size() < minSpans) {
      out.addAll(trace(maxSpansPerTrace));
    }
    return out;
  }

  /** Spans grouped by trace id, in first-seen order. */
  public static java.util.Map<TraceId, List<Span>> byTrace(List<Span> spans) {
    java.util.Map<TraceId, List<Span>> m = new java.util.LinkedHashMap<>();
    for (Span s : spans) {
      m.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s);
    }
    return m;
  }

  public Random random() {
    return r;
  }
}
