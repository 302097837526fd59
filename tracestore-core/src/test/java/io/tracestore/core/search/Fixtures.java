package io.tracestore.core.search;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.InstrumentationScope;
import io.tracestore.api.Resource;
import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanId;
import io.tracestore.api.SpanKind;
import io.tracestore.api.SpanLink;
import io.tracestore.api.StatusCode;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Small hand-built traces for the semantic tests.
 *
 * <p>Trace 1 ({@link #T1}), times in ms after {@link #BASE}:
 *
 * <pre>
 *  1 root      frontend  server  unset  0..1000   (resource deployment.environment=prod)
 *  ├─ 2 cart   cart      client  error  10..210   http.status_code=500 http.route=/cart ratio=0.5
 *  │  │                                            flag=true tags=[a,b]  scope jdbc 1.2.0 {lib.lang=java}
 *  │  └─ 4 db  postgres  client  unset  20..70    nums=[1,2,3]
 *  └─ 3 checkout checkout server ok     300..600  http.status_code=200 http.route=/checkout ratio=1.5
 *     │                                           flag=false tags=[c] deployment.environment=staging
 *     ├─ 5 pay   checkout internal      310..410  events: exception@+10ms {exception.type=IOError},
 *     │                                                   retry@+50ms {attempt=2}
 *     └─ 6 ship  checkout internal      420..520  link to trace abc / span def {relation=follows}
 *  7 late   (orphan: parent 99 absent)  worker   900..920
 *  └─ 8 db  postgres  client            905..915
 * </pre>
 *
 * <p>Trace 2 ({@link #T2}), two roots: 21 r1 (0..100) with child 23 c1, 22 r2 (5..50) with child 24 c2.
 *
 * <p>Trace 3 ({@link #T3}), no root: 31 (parent 30 absent) with child 32.
 */
final class Fixtures {
  static final long BASE = 1_700_000_000_000_000_000L;
  static final long MS = 1_000_000L;
  static final TraceId T1 = TraceId.of(0, 1);
  static final TraceId T2 = TraceId.of(0, 2);
  static final TraceId T3 = TraceId.of(0, 3);

  private Fixtures() {}

  static Resource resource(String service) {
    return Resource.of(Attributes.builder().put("service.name", service).put("deployment.environment", "prod").build());
  }

  static Span.Builder span(TraceId trace, long id, long parent, String name, String service, long startMs, long endMs) {
    return Span.builder()
        .traceId(trace)
        .spanId(SpanId.of(id))
        .parentSpanId(parent == 0 ? SpanId.NONE : SpanId.of(parent))
        .name(name)
        .startUnixNano(BASE + startMs * MS)
        .endUnixNano(BASE + endMs * MS)
        .resource(resource(service));
  }

  static List<Span> trace1() {
    List<Span> s = new ArrayList<>();
    s.add(span(T1, 1, 0, "root", "frontend", 0, 1000).kind(SpanKind.SERVER).build());
    s.add(span(T1, 2, 1, "cart", "cart", 10, 210).kind(SpanKind.CLIENT).status(StatusCode.ERROR, "boom")
        .attributes(Attributes.builder()
            .put("http.status_code", 500L)
            .put("http.route", "/cart")
            .put("ratio", 0.5)
            .put("flag", true)
            .put("tags", AttributeValue.ofArray(List.of(AttributeValue.of("a"), AttributeValue.of("b"))))
            .build())
        .scope(new InstrumentationScope("io.opentelemetry.jdbc", "1.2.0",
            Attributes.builder().put("lib.lang", "java").build(), 0, ""))
        .build());
    s.add(span(T1, 3, 1, "checkout", "checkout", 300, 600).kind(SpanKind.SERVER).status(StatusCode.OK, "")
        .attributes(Attributes.builder()
            .put("http.status_code", 200L)
            .put("http.route", "/checkout")
            .put("ratio", 1.5)
            .put("flag", false)
            .put("tags", AttributeValue.ofArray(List.of(AttributeValue.of("c"))))
            .put("deployment.environment", "staging")
            .build())
        .build());
    s.add(span(T1, 4, 2, "db", "postgres", 20, 70).kind(SpanKind.CLIENT)
        .attributes(Attributes.builder()
            .put("nums", AttributeValue.ofArray(List.of(AttributeValue.of(1L), AttributeValue.of(2L), AttributeValue.of(3L))))
            .build())
        .build());
    s.add(span(T1, 5, 3, "pay", "checkout", 310, 410).kind(SpanKind.INTERNAL)
        .events(List.of(
            SpanEvent.of(BASE + 320 * MS, "exception", Attributes.builder().put("exception.type", "IOError").build()),
            SpanEvent.of(BASE + 360 * MS, "retry", Attributes.builder().put("attempt", 2L).build())))
        .build());
    s.add(span(T1, 6, 3, "ship", "checkout", 420, 520).kind(SpanKind.INTERNAL)
        .links(List.of(SpanLink.of(TraceId.of(0, 0xabc), SpanId.of(0xdef),
            Attributes.builder().put("relation", "follows").build())))
        .build());
    s.add(span(T1, 7, 99, "late", "worker", 900, 920).build());
    s.add(span(T1, 8, 7, "db", "postgres", 905, 915).kind(SpanKind.CLIENT).build());
    return s;
  }

  static List<Span> trace2() {
    List<Span> s = new ArrayList<>();
    s.add(span(T2, 21, 0, "r1", "frontend", 0, 100).build());
    s.add(span(T2, 22, 0, "r2", "frontend", 5, 50).build());
    s.add(span(T2, 23, 21, "c1", "cart", 10, 20).build());
    s.add(span(T2, 24, 22, "c2", "cart", 10, 20).build());
    return s;
  }

  static List<Span> trace3() {
    List<Span> s = new ArrayList<>();
    s.add(span(T3, 31, 30, "orphan", "worker", 0, 10).build());
    s.add(span(T3, 32, 31, "child", "worker", 1, 2).build());
    return s;
  }

  static List<Span> all() {
    List<Span> s = new ArrayList<>(trace1());
    s.addAll(trace2());
    s.addAll(trace3());
    return s;
  }

  /** A source over {@code spans}, grouped into traces. */
  static TraceSource source(List<Span> spans) {
    Map<TraceId, List<Span>> byTrace = new LinkedHashMap<>();
    for (Span s : spans) {
      byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s);
    }
    List<Trace> traces = new ArrayList<>();
    byTrace.forEach((id, list) -> traces.add(new Trace(id, list)));
    return (start, end, visitor) -> {
      for (Trace t : traces) {
        if (t.startUnixNano() <= end && t.endUnixNano() >= start && !visitor.test(t)) {
          break;
        }
      }
      return new TraceSource.Stats(0, 0);
    };
  }

  /** Everything matching, every span listed. */
  static SearchRequest all(String query) {
    return new SearchRequest(query, 0, Long.MAX_VALUE, 0, 0, Duration.ofSeconds(30));
  }

  /** The span ids (as numbers) of every span set of every trace, sorted and distinct. */
  static List<Long> spanIds(SearchResult r) {
    TreeSet<Long> ids = new TreeSet<>();
    for (SearchResult.TraceMatch t : r.traces()) {
      for (SearchResult.SpanSet s : t.spanSets()) {
        for (SearchResult.MatchedSpan m : s.spans()) {
          ids.add(m.spanId().value());
        }
      }
    }
    return new ArrayList<>(ids);
  }
}
