package io.tracestore.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.tracestore.api.InvalidSpanException;
import io.tracestore.api.RateLimitedException;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.api.TraceTooLargeException;
import io.tracestore.core.TraceStoreConfig;
import io.tracestore.core.TraceStores;
import io.tracestore.core.storage.InMemoryObjectStore;
import io.tracestore.traceql.TraceQLException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's {@code tracestore.*} metrics, read back through an SDK {@link InMemoryMetricReader}. */
class StoreMetricsTest {
  private static final long NOW = System.currentTimeMillis() * 1_000_000L; // recent: retention keeps it

  private InMemoryMetricReader reader;
  private SdkMeterProvider provider;

  @BeforeEach
  void setUp() {
    reader = InMemoryMetricReader.create();
    provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
  }

  @AfterEach
  void tearDown() {
    provider.close();
  }

  private static Span span(long trace, long id, int payload) {
    return Span.builder().traceId(TraceId.of(trace, trace)).spanId(SpanId.of(id)).name("op")
        .attributes(io.tracestore.api.Attributes.builder().put("payload", "x".repeat(payload)).build())
        .startUnixNano(NOW + id).endUnixNano(NOW + id + 1_000).build();
  }

  private static Attributes tenant(String t) {
    return Attributes.of(StoreMetrics.TENANT, t);
  }

  private static Attributes refused(String t, String reason) {
    return Attributes.of(StoreMetrics.TENANT, t, StoreMetrics.REASON, reason);
  }

  private static Attributes query(String t, String operation, String outcome) {
    return Attributes.of(StoreMetrics.TENANT, t, StoreMetrics.OPERATION, operation, StoreMetrics.OUTCOME, outcome);
  }

  private static MetricData metric(Collection<MetricData> data, String name) {
    return data.stream().filter(m -> m.getName().equals(name)).findFirst().orElse(null);
  }

  /** The value of a monotonic long counter at {@code attributes}; 0 if never counted. */
  private static long counter(Collection<MetricData> data, String name, Attributes attributes) {
    MetricData m = metric(data, name);
    if (m == null) {
      return 0;
    }
    assertEquals(MetricDataType.LONG_SUM, m.getType(), name);
    assertTrue(m.getLongSumData().isMonotonic(), name);
    return m.getLongSumData().getPoints().stream().filter(p -> p.getAttributes().equals(attributes))
        .mapToLong(LongPointData::getValue).findFirst().orElse(0);
  }

  /** The value of a long gauge at {@code attributes}; null if not reported. */
  private static Long gauge(Collection<MetricData> data, String name, Attributes attributes) {
    MetricData m = metric(data, name);
    if (m == null) {
      return null;
    }
    assertEquals(MetricDataType.LONG_GAUGE, m.getType(), name);
    return m.getLongGaugeData().getPoints().stream().filter(p -> p.getAttributes().equals(attributes))
        .map(LongPointData::getValue).findFirst().orElse(null);
  }

  private static HistogramPointData histogram(Collection<MetricData> data, String name, Attributes attributes) {
    MetricData m = metric(data, name);
    assertNotNull(m, name);
    assertEquals(MetricDataType.HISTOGRAM, m.getType(), name);
    return m.getHistogramData().getPoints().stream().filter(p -> p.getAttributes().equals(attributes))
        .findFirst().orElse(null);
  }

  private static long directorySize(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).sum();
    }
  }

  @Test
  void countsAppendsRefusalsWalBytesCutsCompactionDeletionsAndQueries(@TempDir Path wal) throws IOException {
    Attributes shop = tenant("shop");
    TraceStore store = TraceStores.builder().objectStore(new InMemoryObjectStore()).walDirectory(wal).tenant("shop")
        .limits(new TraceStoreConfig.Limits(1 << 20, 10_000, 0, 0, 0)).meterProvider(provider).build();
    try {
      long walBefore = directorySize(wal);
      store.append(span(1, 1, 10), span(1, 2, 10), span(1, 3, 10));
      Collection<MetricData> data = reader.collectAllMetrics();
      assertEquals(3, counter(data, StoreMetrics.SPANS_APPENDED, shop));
      long walWritten = counter(data, StoreMetrics.WAL_WRITTEN, shop);
      assertEquals(directorySize(wal) - walBefore, walWritten, "WAL bytes = growth of the segment files");
      assertTrue(walWritten > 0);
      assertEquals(3L, gauge(data, StoreMetrics.HEAD_SPANS, shop));
      assertEquals(1L, gauge(data, StoreMetrics.HEAD_TRACES, shop));
      assertTrue(gauge(data, StoreMetrics.HEAD_SIZE, shop) > 0);
      assertEquals(0L, gauge(data, StoreMetrics.BLOCKS_LIVE, shop));
      MetricData appended = metric(data, StoreMetrics.SPANS_APPENDED);
      assertEquals("{span}", appended.getUnit());
      assertEquals(StoreMetrics.SCOPE, appended.getInstrumentationScopeInfo().getName());
      assertEquals("By", metric(data, StoreMetrics.WAL_WRITTEN).getUnit());

      // refused batches: all or nothing, counted per span with the reason
      Span bad = span(2, 2, 10).toBuilder().endUnixNano(NOW - 1).build();
      assertThrows(InvalidSpanException.class, () -> store.append(span(2, 1, 10), bad));
      assertThrows(TraceTooLargeException.class, () -> store.append(span(3, 1, 20_000)));
      data = reader.collectAllMetrics();
      assertEquals(2, counter(data, StoreMetrics.SPANS_REFUSED, refused("shop", "invalid")));
      assertEquals(1, counter(data, StoreMetrics.SPANS_REFUSED, refused("shop", "too_large")));
      assertEquals(3, counter(data, StoreMetrics.SPANS_APPENDED, shop), "refused spans are not appended");
      assertEquals(3L, gauge(data, StoreMetrics.HEAD_SPANS, shop));

      // a flush cuts a block
      store.flush();
      data = reader.collectAllMetrics();
      assertEquals(1, counter(data, StoreMetrics.BLOCKS_CUT, shop));
      assertEquals(0L, gauge(data, StoreMetrics.HEAD_SPANS, shop));
      assertEquals(0L, gauge(data, StoreMetrics.HEAD_SIZE, shop));
      assertEquals(1L, gauge(data, StoreMetrics.BLOCKS_LIVE, shop));

      store.append(span(4, 1, 10), span(4, 2, 10));
      store.flush();
      data = reader.collectAllMetrics();
      assertEquals(2, counter(data, StoreMetrics.BLOCKS_CUT, shop));
      assertEquals(2L, gauge(data, StoreMetrics.BLOCKS_LIVE, shop));
      assertEquals(5, counter(data, StoreMetrics.SPANS_APPENDED, shop));

      // compaction merges the two blocks of this hour; their deletion waits for the grace period
      assertEquals(1, store.compact());
      data = reader.collectAllMetrics();
      assertEquals(2, counter(data, StoreMetrics.BLOCKS_COMPACTED, shop));
      assertEquals(1L, gauge(data, StoreMetrics.BLOCKS_LIVE, shop));
      assertEquals(0, counter(data, StoreMetrics.BLOCKS_DELETED, shop));

      // queries: count and latency by operation and outcome
      assertEquals(2, store.search("{ }").traces().size());
      assertThrows(TraceQLException.class, () -> store.search("{ span.foo = }"));
      assertTrue(store.findTrace(TraceId.of(4, 4)).isPresent());
      data = reader.collectAllMetrics();
      assertEquals(1, counter(data, StoreMetrics.QUERIES, query("shop", "search", "ok")));
      assertEquals(1, counter(data, StoreMetrics.QUERIES, query("shop", "search", "invalid")));
      assertEquals(1, counter(data, StoreMetrics.QUERIES, query("shop", "find_trace", "ok")));
      HistogramPointData latency = histogram(data, StoreMetrics.QUERY_DURATION, query("shop", "search", "ok"));
      assertNotNull(latency);
      assertEquals(1, latency.getCount());
      assertTrue(latency.getSum() > 0 && latency.getSum() < 60, "seconds: " + latency.getSum());
      assertEquals(StoreMetrics.LATENCY_BUCKETS, latency.getBoundaries());
      assertEquals("s", metric(data, StoreMetrics.QUERY_DURATION).getUnit());
    } finally {
      store.close();
    }

    // closing deletes the compacted inputs and unregisters the gauges; counters keep their totals
    Collection<MetricData> data = reader.collectAllMetrics();
    assertEquals(2, counter(data, StoreMetrics.BLOCKS_DELETED, shop));
    assertEquals(5, counter(data, StoreMetrics.SPANS_APPENDED, shop));
    assertNull(gauge(data, StoreMetrics.HEAD_SPANS, shop));
    assertNull(gauge(data, StoreMetrics.BLOCKS_LIVE, shop));
    assertFalse(StoreMetrics.isObserving(provider));
  }

  @Test
  void rateLimitedAndClosedAreReasonsToo() {
    TraceStore store = TraceStores.builder().objectStore(new InMemoryObjectStore()).tenant("rl")
        .limits(new TraceStoreConfig.Limits(1 << 20, 5_000_000, 20_000, 30_000, 0)).meterProvider(provider).build();
    List<Span> first = new ArrayList<>();
    List<Span> second = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      first.add(span(i, 1, 1_000));
      second.add(span(100 + i, 1, 1_000));
    }
    store.append(first);
    assertThrows(RateLimitedException.class, () -> store.append(second));
    store.close();
    assertThrows(IllegalStateException.class, () -> store.append(first));
    Collection<MetricData> data = reader.collectAllMetrics();
    assertEquals(20, counter(data, StoreMetrics.SPANS_APPENDED, tenant("rl")));
    assertEquals(20, counter(data, StoreMetrics.SPANS_REFUSED, refused("rl", "rate_limited")));
    assertEquals(20, counter(data, StoreMetrics.SPANS_REFUSED, refused("rl", "closed")));
    assertEquals(0, counter(data, StoreMetrics.WAL_WRITTEN, tenant("rl")), "an in-memory store has no WAL");
  }

  @Test
  void gaugesOfStoresOfOneTenantAddUpUntilEachCloses() {
    TraceStore a = TraceStores.builder().objectStore(new InMemoryObjectStore()).tenant("t").meterProvider(provider).build();
    TraceStore b = TraceStores.builder().objectStore(new InMemoryObjectStore()).tenant("t").meterProvider(provider).build();
    TraceStore other = TraceStores.builder().objectStore(new InMemoryObjectStore()).tenant("u").meterProvider(provider).build();
    a.append(span(1, 1, 10), span(1, 2, 10));
    b.append(span(2, 1, 10), span(2, 2, 10), span(2, 3, 10));
    other.append(span(3, 1, 10));
    Collection<MetricData> data = reader.collectAllMetrics();
    assertEquals(5L, gauge(data, StoreMetrics.HEAD_SPANS, tenant("t")));
    assertEquals(2L, gauge(data, StoreMetrics.HEAD_TRACES, tenant("t")));
    assertEquals(1L, gauge(data, StoreMetrics.HEAD_SPANS, tenant("u")));
    assertEquals(5, counter(data, StoreMetrics.SPANS_APPENDED, tenant("t")));

    a.close();
    data = reader.collectAllMetrics();
    assertEquals(3L, gauge(data, StoreMetrics.HEAD_SPANS, tenant("t")));
    assertEquals(0L, gauge(data, StoreMetrics.BLOCKS_LIVE, tenant("t")), "the closed store's block is not counted");
    b.close();
    data = reader.collectAllMetrics();
    assertNull(gauge(data, StoreMetrics.HEAD_SPANS, tenant("t")));
    assertEquals(1L, gauge(data, StoreMetrics.HEAD_SPANS, tenant("u")));
    assertTrue(StoreMetrics.isObserving(provider));
    other.close();
    assertFalse(StoreMetrics.isObserving(provider));
    assertEquals(2, counter(reader.collectAllMetrics(), StoreMetrics.BLOCKS_CUT, tenant("t")), "each close cut its head");
  }

  @Test
  void withoutAProviderNothingFailsAndTheGlobalIsLeftUnset() {
    GlobalOpenTelemetry.resetForTest();
    try {
      for (TraceStore store : List.of(TraceStores.inMemory(),
          TraceStores.builder().objectStore(new InMemoryObjectStore()).meterProvider(MeterProvider.noop()).build())) {
        try (store) {
          store.append(span(1, 1, 10));
          assertThrows(InvalidSpanException.class, () -> store.append(span(1, 2, 10).toBuilder().startUnixNano(0).build()));
          store.flush();
          store.append(span(1, 3, 10));
          store.flush();
          assertEquals(1, store.compact());
          assertEquals(1, store.search("{ }").traces().size());
          assertTrue(store.findTrace(TraceId.of(1, 1)).isPresent());
        }
      }
      assertFalse(GlobalOpenTelemetry.isSet(), "opening a store must not fix the global OpenTelemetry to a no-op");
    } finally {
      GlobalOpenTelemetry.resetForTest();
    }
  }

  @Test
  void aStoreOpenedBeforeTheGlobalProviderIsInstalledReportsToItOnceItIs() throws InterruptedException {
    GlobalOpenTelemetry.resetForTest();
    try {
      try (TraceStore store = TraceStores.builder().objectStore(new InMemoryObjectStore()).tenant("late").build()) {
        store.append(span(1, 1, 10)); // no provider yet: not reported
        OpenTelemetrySdk.builder().setMeterProvider(provider).buildAndRegisterGlobal();
        Thread.sleep(StoreMetrics.GLOBAL_CHECK_NANOS / 1_000_000 + 50);
        store.append(span(1, 2, 10));
        Collection<MetricData> data = reader.collectAllMetrics();
        assertEquals(1, counter(data, StoreMetrics.SPANS_APPENDED, tenant("late")));
        assertEquals(2L, gauge(data, StoreMetrics.HEAD_SPANS, tenant("late")));
      }
      assertNull(gauge(reader.collectAllMetrics(), StoreMetrics.HEAD_SPANS, tenant("late")));
    } finally {
      GlobalOpenTelemetry.resetForTest();
    }
  }

  @Test
  void theGlobalProviderIsTheDefaultOnceInstalled() {
    GlobalOpenTelemetry.resetForTest();
    try {
      OpenTelemetrySdk.builder().setMeterProvider(provider).buildAndRegisterGlobal();
      try (TraceStore store = TraceStores.builder().objectStore(new InMemoryObjectStore()).tenant("g").build()) {
        store.append(span(1, 1, 10));
      }
      assertEquals(1, counter(reader.collectAllMetrics(), StoreMetrics.SPANS_APPENDED, tenant("g")));
    } finally {
      GlobalOpenTelemetry.resetForTest();
    }
  }
}
