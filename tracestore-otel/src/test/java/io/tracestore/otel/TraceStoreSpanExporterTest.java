package io.tracestore.otel;

import static io.opentelemetry.api.common.AttributeKey.booleanArrayKey;
import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleArrayKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longArrayKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringArrayKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static io.opentelemetry.api.common.AttributeKey.valueKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
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
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.TraceStores;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceStoreSpanExporterTest {
  static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  static final String SPAN = "b7ad6b7169203331";
  static final String PARENT = "00f067aa0ba902b7";
  static final String LINK_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String LINK_SPAN = "53995c3f42cd8ad8";

  final TraceStore store = TraceStores.inMemory();
  final TraceStoreSpanExporter exporter = TraceStoreSpanExporter.create(store);

  @AfterEach
  void close() {
    exporter.shutdown();
    store.close();
  }

  static io.opentelemetry.api.common.Attributes everyAttributeType() {
    return io.opentelemetry.api.common.Attributes.builder()
        .put(stringKey("s"), "text")
        .put(booleanKey("b"), true)
        .put(longKey("l"), -42L)
        .put(doubleKey("d"), 2.5)
        .put(stringArrayKey("sa"), List.of("x", "y"))
        .put(booleanArrayKey("ba"), List.of(true, false))
        .put(longArrayKey("la"), List.of(1L, 2L, 3L))
        .put(doubleArrayKey("da"), List.of(0.5, -1.0))
        .put(valueKey("bytes"), Value.of(new byte[] {1, 2, (byte) 0xff}))
        .put(valueKey("mixed"), Value.of(Value.of("a"), Value.of(7L), Value.of(new Value<?>[] {Value.of(true)})))
        .put(valueKey("kv"), Value.of(KeyValue.of("k1", Value.of("v1")), KeyValue.of("k2", Value.of(3.0))))
        .build();
  }

  static Attributes everyAttributeTypeConverted() {
    return Attributes.of(
        Attribute.of("s", "text"),
        Attribute.of("b", true),
        Attribute.of("l", -42L),
        Attribute.of("d", 2.5),
        new Attribute("sa", AttributeValue.ofArray(List.of(AttributeValue.of("x"), AttributeValue.of("y")))),
        new Attribute("ba", AttributeValue.ofArray(List.of(AttributeValue.of(true), AttributeValue.of(false)))),
        new Attribute("la", AttributeValue.ofArray(List.of(AttributeValue.of(1L), AttributeValue.of(2L), AttributeValue.of(3L)))),
        new Attribute("da", AttributeValue.ofArray(List.of(AttributeValue.of(0.5), AttributeValue.of(-1.0)))),
        new Attribute("bytes", AttributeValue.of(new byte[] {1, 2, (byte) 0xff})),
        new Attribute("mixed", AttributeValue.ofArray(List.of(AttributeValue.of("a"), AttributeValue.of(7L),
            AttributeValue.ofArray(List.of(AttributeValue.of(true)))))),
        new Attribute("kv", AttributeValue.ofKeyValues(List.of(Attribute.of("k1", "v1"), Attribute.of("k2", 3.0)))));
  }

  static SpanData fullSpanData() {
    TraceState state = TraceState.builder().put("vendor", "abc").put("other", "x1").build();
    return TestSpanData.builder()
        .setSpanContext(SpanContext.create(TRACE, SPAN, TraceFlags.getSampled(), state))
        .setParentSpanContext(SpanContext.createFromRemoteParent(TRACE, PARENT, TraceFlags.getSampled(), TraceState.getDefault()))
        .setResource(io.opentelemetry.sdk.resources.Resource.create(
            io.opentelemetry.api.common.Attributes.of(stringKey("service.name"), "checkout"),
            "https://opentelemetry.io/schemas/1.24.0"))
        .setInstrumentationScopeInfo(InstrumentationScopeInfo.builder("io.example.lib")
            .setVersion("1.2.3")
            .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0")
            .setAttributes(io.opentelemetry.api.common.Attributes.of(stringKey("scope.attr"), "yes"))
            .build())
        .setName("GET /cart")
        .setKind(io.opentelemetry.api.trace.SpanKind.SERVER)
        .setStartEpochNanos(1_700_000_000_000_000_000L)
        .setEndEpochNanos(1_700_000_000_250_000_000L)
        .setStatus(StatusData.create(io.opentelemetry.api.trace.StatusCode.ERROR, "boom"))
        .setAttributes(everyAttributeType())
        .setTotalAttributeCount(14)
        .setEvents(List.of(
            EventData.create(1_700_000_000_100_000_000L, "exception",
                io.opentelemetry.api.common.Attributes.of(stringKey("exception.type"), "IOException"), 3),
            EventData.create(1_700_000_000_200_000_000L, "retry", io.opentelemetry.api.common.Attributes.empty())))
        .setTotalRecordedEvents(5)
        .setLinks(List.of(LinkData.create(
            SpanContext.createFromRemoteParent(LINK_TRACE, LINK_SPAN, TraceFlags.getDefault(),
                TraceState.builder().put("congo", "t61rcWkgMzE").build()),
            io.opentelemetry.api.common.Attributes.of(longKey("link.n"), 1L), 4)))
        .setTotalRecordedLinks(2)
        .setHasEnded(true)
        .build();
  }

  @Test
  void everyFieldOfTestSpanDataRoundTripsIntoTheStore() {
    CompletableResultCode result = exporter.export(List.of(fullSpanData()));
    assertThat(result.isSuccess()).isTrue();

    Trace trace = store.findTrace(TraceId.fromHex(TRACE)).orElseThrow();
    assertThat(trace.spans()).hasSize(1);
    Span s = trace.spans().get(0);
    assertThat(s.traceId()).isEqualTo(TraceId.fromHex(TRACE));
    assertThat(s.spanId()).isEqualTo(SpanId.fromHex(SPAN));
    assertThat(s.parentSpanId()).isEqualTo(SpanId.fromHex(PARENT));
    assertThat(s.traceState()).isEqualTo("other=x1,vendor=abc");
    assertThat(s.flags() & 0xff).isEqualTo(TraceFlags.getSampled().asByte() & 0xff);
    assertThat(s.flags() & ~0xff).as("OTLP has-is-remote and is-remote bits of the remote parent")
        .isEqualTo(SpanDataConverter.HAS_IS_REMOTE | SpanDataConverter.IS_REMOTE);
    assertThat(s.name()).isEqualTo("GET /cart");
    assertThat(s.kind()).isEqualTo(SpanKind.SERVER);
    assertThat(s.startUnixNano()).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(s.endUnixNano()).isEqualTo(1_700_000_000_250_000_000L);
    assertThat(s.statusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(s.statusMessage()).isEqualTo("boom");
    assertThat(s.attributes()).isEqualTo(everyAttributeTypeConverted());
    assertThat(s.droppedAttributesCount()).isEqualTo(3);
    assertThat(s.events()).containsExactly(
        new SpanEvent(1_700_000_000_100_000_000L, "exception", Attributes.of(Attribute.of("exception.type", "IOException")), 2),
        new SpanEvent(1_700_000_000_200_000_000L, "retry", Attributes.EMPTY, 0));
    assertThat(s.droppedEventsCount()).isEqualTo(3);
    assertThat(s.links()).containsExactly(new SpanLink(TraceId.fromHex(LINK_TRACE), SpanId.fromHex(LINK_SPAN),
        "congo=t61rcWkgMzE", Attributes.of(Attribute.of("link.n", 1L)), 3,
        SpanDataConverter.HAS_IS_REMOTE | SpanDataConverter.IS_REMOTE));
    assertThat(s.droppedLinksCount()).isEqualTo(1);
    assertThat(s.resource()).isEqualTo(new Resource(Attributes.of(Attribute.of("service.name", "checkout")), 0,
        "https://opentelemetry.io/schemas/1.24.0"));
    assertThat(s.scope()).isEqualTo(new InstrumentationScope("io.example.lib", "1.2.3",
        Attributes.of(Attribute.of("scope.attr", "yes")), 0, "https://opentelemetry.io/schemas/1.21.0"));
  }

  @Test
  void aRootSpanWithoutVersionOrSchemaGetsEmptyStringsAndNoParent() {
    SpanData d = TestSpanData.builder()
        .setSpanContext(SpanContext.create(TRACE, SPAN, TraceFlags.getDefault(), TraceState.getDefault()))
        .setResource(io.opentelemetry.sdk.resources.Resource.empty())
        .setInstrumentationScopeInfo(InstrumentationScopeInfo.create("bare"))
        .setName("root")
        .setKind(io.opentelemetry.api.trace.SpanKind.INTERNAL)
        .setStartEpochNanos(1_000L)
        .setEndEpochNanos(2_000L)
        .setStatus(StatusData.unset())
        .setHasEnded(true)
        .setTotalRecordedEvents(0)
        .setTotalRecordedLinks(0)
        .build();
    assertThat(exporter.export(List.of(d)).isSuccess()).isTrue();
    Span s = store.findTrace(TraceId.fromHex(TRACE)).orElseThrow().spans().get(0);
    assertThat(s.isRoot()).isTrue();
    assertThat(s.traceState()).isEmpty();
    assertThat(s.flags()).isEqualTo(SpanDataConverter.HAS_IS_REMOTE);
    assertThat(s.kind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(s.statusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(s.scope()).isEqualTo(InstrumentationScope.of("bare", ""));
    assertThat(s.resource()).isEqualTo(Resource.EMPTY);
    assertThat(s.droppedAttributesCount()).isZero();
  }

  @Test
  void anEmptyValueAttributeIsCountedAsDropped() {
    SpanData d = TestSpanData.builder().setSpanContext(SpanContext.create(TRACE, SPAN, TraceFlags.getDefault(), TraceState.getDefault()))
        .setName("x").setKind(io.opentelemetry.api.trace.SpanKind.INTERNAL).setStartEpochNanos(1).setEndEpochNanos(2)
        .setStatus(StatusData.unset()).setHasEnded(true)
        .setAttributes(io.opentelemetry.api.common.Attributes.builder()
            .put(valueKey("nothing"), Value.empty()).put(stringKey("kept"), "k").build())
        .setTotalAttributeCount(2)
        .build();
    assertThat(exporter.export(List.of(d)).isSuccess()).isTrue();
    Span s = store.findTrace(TraceId.fromHex(TRACE)).orElseThrow().spans().get(0);
    assertThat(s.attributes()).isEqualTo(Attributes.of(Attribute.of("kept", "k")));
    assertThat(s.droppedAttributesCount()).isEqualTo(1);
  }

  @Test
  void aBatchWithAnInvalidSpanFailsButStoresTheValidSpans() {
    SpanData invalid = TestSpanData.builder().setSpanContext(SpanContext.getInvalid()).setName("bad")
        .setKind(io.opentelemetry.api.trace.SpanKind.INTERNAL).setStartEpochNanos(1).setEndEpochNanos(2)
        .setStatus(StatusData.unset()).setHasEnded(true).build();
    CompletableResultCode result = exporter.export(List.of(fullSpanData(), invalid));
    assertThat(result.isDone()).isTrue();
    assertThat(result.isSuccess()).isFalse();
    assertThat(result.getFailureThrowable()).isInstanceOf(io.tracestore.api.InvalidSpanException.class);
    assertThat(store.findTrace(TraceId.fromHex(TRACE))).isPresent();
  }

  @Test
  void exportingIntoAClosedStoreFailsWithoutThrowing() {
    store.close();
    CompletableResultCode result = exporter.export(List.of(fullSpanData()));
    assertThat(result.isSuccess()).isFalse();
    assertThat(result.getFailureThrowable()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void flushSucceedsAtOnceAndAnEmptyBatchSucceeds() {
    assertThat(exporter.flush().isSuccess()).isTrue();
    assertThat(exporter.export(List.of()).isSuccess()).isTrue();
  }

  @Test
  void shutdownIsIdempotentLeavesACallerOwnedStoreOpenAndFailsLaterExports() {
    assertThat(exporter.ownsStore()).isFalse();
    assertThat(exporter.shutdown().join(5, TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(exporter.shutdown().isSuccess()).isTrue();
    assertThat(exporter.export(List.of(fullSpanData())).isSuccess()).isFalse();
    store.append(TestSpans.span());  // still open
  }

  @Test
  void anExporterThatOpenedItsStoreClosesItOnShutdownAndTheSpansSurviveReopening(@TempDir Path dir) {
    TraceStoreSpanExporter owning = TraceStoreSpanExporter.open(dir);
    assertThat(owning.ownsStore()).isTrue();
    assertThat(owning.export(List.of(fullSpanData())).isSuccess()).isTrue();
    assertThat(owning.shutdown().isSuccess()).isTrue();
    assertThat(owning.shutdown().isSuccess()).isTrue();
    try (TraceStore reopened = TraceStores.open(dir)) {
      assertThat(reopened.findTrace(TraceId.fromHex(TRACE)).orElseThrow().spans())
          .singleElement().extracting(Span::name).isEqualTo("GET /cart");
    }
  }

  /** A minimal valid span. */
  static final class TestSpans {
    static Span span() {
      return Span.builder().traceId(TraceId.fromHex(LINK_TRACE)).spanId(SpanId.fromHex(LINK_SPAN)).name("direct")
          .startUnixNano(10).endUnixNano(20).build();
    }
  }
}
