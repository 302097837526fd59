package io.tracestore.otel;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanId;
import io.tracestore.api.SpanLink;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.TraceStores;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Spans made by the real SDK, exported with SimpleSpanProcessor. */
class SdkExportTest {
  final TraceStore store = TraceStores.inMemory();
  final InMemorySpanExporter reference = InMemorySpanExporter.create();
  final SdkTracerProvider provider = SdkTracerProvider.builder()
      .setResource(io.opentelemetry.sdk.resources.Resource.getDefault().merge(io.opentelemetry.sdk.resources.Resource.create(
          io.opentelemetry.api.common.Attributes.of(AttributeKey.stringKey("service.name"), "cart"), "https://opentelemetry.io/schemas/1.24.0")))
      .setSpanLimits(SpanLimits.builder().setMaxNumberOfAttributes(12).setMaxNumberOfEvents(2)
          .setMaxNumberOfLinks(1).setMaxNumberOfAttributesPerEvent(1).setMaxNumberOfAttributesPerLink(1).build())
      .addSpanProcessor(SimpleSpanProcessor.create(TraceStoreSpanExporter.create(store)))
      .addSpanProcessor(SimpleSpanProcessor.create(reference))
      .build();

  @AfterEach
  void close() {
    provider.shutdown().join(10, TimeUnit.SECONDS);
    store.close();
  }

  @Test
  void spansRecordedByTheSdkRoundTripFieldByFieldIncludingDroppedCounts() {
    Tracer tracer = provider.tracerBuilder("io.example.sdk").setInstrumentationVersion("9.9")
        .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0").build();
    SpanContext remoteParent = SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c",
        "00f067aa0ba902b7", TraceFlags.getSampled(), TraceState.builder().put("vendor", "v1").build());
    io.opentelemetry.api.trace.Span span = tracer.spanBuilder("POST /checkout")
        .setParent(Context.root().with(io.opentelemetry.api.trace.Span.wrap(remoteParent)))
        .setSpanKind(io.opentelemetry.api.trace.SpanKind.CLIENT)
        .addLink(SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4736", "53995c3f42cd8ad8", TraceFlags.getDefault(), TraceState.getDefault()),
            io.opentelemetry.api.common.Attributes.of(AttributeKey.longKey("a"), 1L, AttributeKey.longKey("b"), 2L))
        .addLink(SpanContext.create("4bf92f3577b34da6a3ce929d0e0e4737", "53995c3f42cd8ad9", TraceFlags.getDefault(), TraceState.getDefault()))
        .startSpan();
    span.setAllAttributes(TraceStoreSpanExporterTest.everyAttributeType());
    span.setAttribute("extra.1", 1L);
    span.setAttribute("extra.2", 2L);  // 13 attributes over a limit of 12
    span.addEvent("e1", io.opentelemetry.api.common.Attributes.of(AttributeKey.stringKey("x"), "1", AttributeKey.stringKey("y"), "2"));
    span.addEvent("e2");
    span.addEvent("e3");
    span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, "card declined");
    span.end();

    SpanData d = reference.getFinishedSpanItems().get(0);
    Span s = store.findTrace(TraceId.fromHex(d.getTraceId())).orElseThrow().spans().get(0);
    assertThat(s.traceId().toHex()).isEqualTo(d.getTraceId());
    assertThat(s.spanId().toHex()).isEqualTo(d.getSpanId());
    assertThat(s.parentSpanId().toHex()).isEqualTo("00f067aa0ba902b7");
    assertThat(s.traceState()).isEqualTo("vendor=v1");
    assertThat(s.flags()).isEqualTo(0x01 | SpanDataConverter.HAS_IS_REMOTE | SpanDataConverter.IS_REMOTE);
    assertThat(s.name()).isEqualTo("POST /checkout");
    assertThat(s.kind()).isEqualTo(io.tracestore.api.SpanKind.CLIENT);
    assertThat(s.startUnixNano()).isEqualTo(d.getStartEpochNanos());
    assertThat(s.endUnixNano()).isEqualTo(d.getEndEpochNanos());
    assertThat(s.statusCode()).isEqualTo(io.tracestore.api.StatusCode.ERROR);
    assertThat(s.statusMessage()).isEqualTo("card declined");
    assertThat(s.attributes().size()).isEqualTo(12).isEqualTo(d.getAttributes().size());
    d.getAttributes().forEach((k, v) -> assertThat(s.attributes().get(k.getKey())).as(k.getKey()).isPresent());
    assertThat(s.droppedAttributesCount()).isEqualTo(1);
    assertThat(s.events()).hasSize(2);
    for (int i = 0; i < 2; i++) {
      EventData e = d.getEvents().get(i);
      SpanEvent se = s.events().get(i);
      assertThat(se.name()).isEqualTo(e.getName());
      assertThat(se.timeUnixNano()).isEqualTo(e.getEpochNanos());
      assertThat(se.attributes().size()).isEqualTo(e.getAttributes().size());
      assertThat(se.droppedAttributesCount()).isEqualTo(e.getDroppedAttributesCount());
    }
    assertThat(s.events().get(0).droppedAttributesCount()).isEqualTo(1);
    assertThat(s.droppedEventsCount()).isEqualTo(1);
    assertThat(s.links()).hasSize(1);
    LinkData l = d.getLinks().get(0);
    SpanLink sl = s.links().get(0);
    assertThat(sl.traceId().toHex()).isEqualTo(l.getSpanContext().getTraceId());
    assertThat(sl.spanId().toHex()).isEqualTo(l.getSpanContext().getSpanId());
    assertThat(sl.attributes().size()).isEqualTo(1);
    assertThat(sl.droppedAttributesCount()).isEqualTo(1);
    assertThat(sl.flags()).isEqualTo(SpanDataConverter.HAS_IS_REMOTE);
    assertThat(s.droppedLinksCount()).isEqualTo(1);
    assertThat(s.resource().serviceName()).isEqualTo("cart");
    assertThat(s.resource().schemaUrl()).isEqualTo("https://opentelemetry.io/schemas/1.24.0");
    assertThat(s.resource().attributes().size()).isEqualTo(d.getResource().getAttributes().size());
    assertThat(s.scope().name()).isEqualTo("io.example.sdk");
    assertThat(s.scope().version()).isEqualTo("9.9");
    assertThat(s.scope().schemaUrl()).isEqualTo("https://opentelemetry.io/schemas/1.21.0");
  }

  @Test
  void nestedSpansFromSeveralThreadsKeepTheirParentChildStructureForTraceQL() throws Exception {
    Tracer tracer = provider.get("e2e");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    io.opentelemetry.api.trace.Span parent = tracer.spanBuilder("parent").startSpan();
    try (Scope ignored = parent.makeCurrent()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        int n = i;
        futures.add(pool.submit(Context.current().wrap(() -> {
          io.opentelemetry.api.trace.Span child = tracer.spanBuilder("child").setAttribute("n", (long) n).startSpan();
          try (Scope s = child.makeCurrent()) {
            tracer.spanBuilder("grandchild").startSpan().end();
          } finally {
            child.end();
          }
        })));
      }
      for (Future<?> f : futures) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      parent.end();
      pool.shutdown();
    }

    TraceId traceId = TraceId.fromHex(parent.getSpanContext().getTraceId());
    Trace trace = store.findTrace(traceId).orElseThrow();
    assertThat(trace.spans()).hasSize(13);
    Span root = trace.roots().get(0);
    assertThat(root.name()).isEqualTo("parent");
    assertThat(trace.children(root.spanId())).hasSize(6).allMatch(c -> c.name().equals("child"));

    SearchResult r = store.search(SearchRequest.of("{ name = \"parent\" } > { name = \"child\" }").withSpansPerSpanSet(0));
    assertThat(r.traces()).singleElement().satisfies(m -> {
      assertThat(m.traceId()).isEqualTo(traceId);
      assertThat(m.spanSets()).singleElement().satisfies(set -> {
        assertThat(set.matched()).isEqualTo(6);
        assertThat(set.spans()).extracting(SearchResult.MatchedSpan::name).containsOnly("child");
        assertThat(set.spans()).extracting(SearchResult.MatchedSpan::spanId)
            .containsExactlyInAnyOrderElementsOf(trace.children(root.spanId()).stream().map(Span::spanId).toList());
      });
    });
    assertThat(store.search("{ name = \"parent\" } > { name = \"grandchild\" }").traces()).isEmpty();
    assertThat(store.search("{ name = \"parent\" } >> { name = \"grandchild\" }").traces()).hasSize(1);
    assertThat(SpanId.NONE).isEqualTo(root.parentSpanId());
  }
}
