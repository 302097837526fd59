package io.tracestore.core.search.reference;

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
 * Seeded random datasets: small traces (1-12 spans) with several roots now and then, orphans,
 * boundary durations, attributes of every kind sometimes missing or of another kind, arrays, events
 * and links with attributes, a few resources and instrumentation scopes.
 */
final class RandomData {
  static final long BASE = 1_700_000_000_000_000_000L;
  private static final long[] DURATIONS = {
      0, 1, 999, 1_000, 1_001, 999_999, 1_000_000, 1_000_001, 2_000_000, 5_000_000};
  private static final String[] STRINGS = {"a", "b", "ab", "", "n1", "svc1", "boom", "\u00e9", "\uff5a", "\ud83d\ude00a"};

  private RandomData() {}

  /** One dataset: its spans, trace by trace. */
  static List<List<Span>> dataset(Random rnd, int d) {
    List<Resource> resources = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Attributes.Builder b = Attributes.builder().put("service.name", "svc" + i);
      putRandom(rnd, b, "i");
      putRandom(rnd, b, "s");
      resources.add(Resource.of(b.build()));
    }
    List<InstrumentationScope> scopes = new ArrayList<>();
    scopes.add(InstrumentationScope.EMPTY);
    for (int i = 0; i < 2; i++) {
      Attributes.Builder b = Attributes.builder();
      putRandom(rnd, b, "i");
      putRandom(rnd, b, "s");
      scopes.add(new InstrumentationScope("lib" + i, "1." + i, b.build(), 0, ""));
    }
    List<List<Span>> traces = new ArrayList<>();
    int count = 5 + rnd.nextInt(8);
    for (int t = 0; t < count; t++) {
      TraceId tid = TraceId.of(d + 1, t + 1);
      int n = 1 + rnd.nextInt(12);
      long base = BASE + rnd.nextInt(1000) * 1_000_000L;
      List<Span> spans = new ArrayList<>();
      List<Long> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        long id = 1 + i * 7L + rnd.nextInt(5); // distinct, positive
        ids.add(id);
        long parent;
        int shape = rnd.nextInt(12);
        if (i == 0 && rnd.nextInt(8) != 0) {
          parent = 0; // usually a root first
        } else if (i == 0 || shape == 1) {
          parent = 10_000 + rnd.nextInt(3); // an orphan (its parent is never stored); orphans may share it
        } else if (shape == 0) {
          parent = 0; // another root
        } else {
          parent = ids.get(rnd.nextInt(i));
        }
        long start = base + (rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(3_000_000));
        long duration = rnd.nextBoolean() ? DURATIONS[rnd.nextInt(DURATIONS.length)] : rnd.nextInt(6_000_000);
        Attributes.Builder attrs = Attributes.builder();
        putRandom(rnd, attrs, "i");
        putRandom(rnd, attrs, "s");
        if (rnd.nextBoolean()) {
          attrs.put("f", rnd.nextInt(5) + (rnd.nextBoolean() ? 0.5 : 0.0));
        }
        if (rnd.nextInt(3) == 0) {
          attrs.put("b", rnd.nextBoolean());
        }
        if (rnd.nextInt(3) == 0) {
          attrs.put("arr", array(rnd));
        }
        List<SpanEvent> events = new ArrayList<>();
        for (int e = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(2) : 0; e > 0; e--) {
          Attributes.Builder ea = Attributes.builder();
          putRandom(rnd, ea, "i");
          putRandom(rnd, ea, "s");
          String name = new String[] {"e0", "e1", "retry"}[rnd.nextInt(3)];
          events.add(SpanEvent.of(start + (duration == 0 ? 0 : rnd.nextInt((int) Math.min(duration, 1 << 30))), name,
              ea.build()));
        }
        List<SpanLink> links = new ArrayList<>();
        for (int l = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(2) : 0; l > 0; l--) {
          Attributes.Builder la = Attributes.builder();
          putRandom(rnd, la, "i");
          putRandom(rnd, la, "s");
          links.add(SpanLink.of(TraceId.of(99, 1 + rnd.nextInt(3)), SpanId.of(1 + rnd.nextInt(3)), la.build()));
        }
        StatusCode status = StatusCode.values()[rnd.nextInt(3)];
        spans.add(Span.builder()
            .traceId(tid)
            .spanId(SpanId.of(id))
            .parentSpanId(parent == 0 ? SpanId.NONE : SpanId.of(parent))
            .name("n" + rnd.nextInt(4))
            .kind(SpanKind.values()[rnd.nextInt(SpanKind.values().length)])
            .startUnixNano(start)
            .endUnixNano(start + duration)
            .status(status, status == StatusCode.ERROR && rnd.nextBoolean() ? "boom" : rnd.nextInt(5) == 0 ? "ab" : "")
            .attributes(attrs.build())
            .events(events)
            .links(links)
            .resource(resources.get(rnd.nextInt(resources.size())))
            .scope(scopes.get(rnd.nextInt(scopes.size())))
            .build());
      }
      traces.add(spans);
    }
    return traces;
  }

  /** Mostly the expected kind (int for i, string for s), sometimes another kind, sometimes missing. */
  private static void putRandom(Random rnd, Attributes.Builder attrs, String key) {
    int k = rnd.nextInt(12);
    boolean intKey = key.equals("i");
    if (k < 5) {
      if (intKey) {
        attrs.put(key, (long) rnd.nextInt(6));
      } else {
        attrs.put(key, STRINGS[rnd.nextInt(STRINGS.length)]);
      }
    } else if (k < 7) {
      if (intKey) {
        attrs.put(key, rnd.nextInt(5) + 0.5);
      } else {
        attrs.put(key, (long) rnd.nextInt(3));
      }
    } else if (k == 7) {
      attrs.put(key, intKey ? "3" : "a");
    } else if (k == 8) {
      attrs.put(key, rnd.nextBoolean());
    } else if (k == 9) {
      attrs.put(key, array(rnd));
    }
    // else: missing
  }

  private static AttributeValue array(Random rnd) {
    int n = rnd.nextInt(4);
    boolean strings = rnd.nextBoolean();
    List<AttributeValue> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      values.add(strings ? AttributeValue.of(STRINGS[rnd.nextInt(3)]) : AttributeValue.of((long) rnd.nextInt(4)));
    }
    return AttributeValue.ofArray(values);
  }
}
