package io.tracestore.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.TraceStores;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoConfigureTest {

  static OpenTelemetrySdk autoconfigure(Map<String, String> extra) {
    Map<String, String> props = new HashMap<>(Map.of(
        "otel.traces.exporter", "tracestore",
        "otel.metrics.exporter", "none",
        "otel.logs.exporter", "none",
        "otel.service.name", "autoconf-test"));
    props.putAll(extra);
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> props)
        // not registered as GlobalOpenTelemetry: since SDK 1.5x that is the default (setResultAsGlobal() opts in)
        .build()
        .getOpenTelemetrySdk();
  }

  @Test
  void tracesExporterTracestoreWritesSpansIntoTheDirectoryStore(@TempDir Path dir) {
    OpenTelemetrySdk sdk = autoconfigure(Map.of(
        "otel.exporter.tracestore.directory", dir.toString(),
        "otel.exporter.tracestore.fsync", "always",
        "otel.exporter.tracestore.tenant", "team-a"));
    Span span = sdk.getTracer("autoconf").spanBuilder("configured").startSpan();
    span.end();
    String traceId = span.getSpanContext().getTraceId();
    sdk.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);

    try (TraceStore store = TraceStores.builder().directory(dir).tenant("team-a").build()) {
      io.tracestore.api.Span stored = store.findTrace(TraceId.fromHex(traceId)).orElseThrow().spans().get(0);
      assertThat(stored.name()).isEqualTo("configured");
      assertThat(stored.serviceName()).isEqualTo("autoconf-test");
      assertThat(store.search("{ resource.service.name = \"autoconf-test\" }").traces()).hasSize(1);
    }
  }

  @Test
  void withoutADirectoryTheProviderUsesAnInMemoryStore() {
    SpanExporter exporter = new TraceStoreSpanExporterProvider()
        .createExporter(DefaultConfigProperties.createFromMap(Map.of()));
    assertThat(exporter).isInstanceOf(TraceStoreSpanExporter.class);
    TraceStoreSpanExporter ts = (TraceStoreSpanExporter) exporter;
    assertThat(ts.ownsStore()).isTrue();
    assertThat(ts.export(java.util.List.of(TraceStoreSpanExporterTest.fullSpanData())).isSuccess()).isTrue();
    assertThat(ts.store().findTrace(TraceId.fromHex(TraceStoreSpanExporterTest.TRACE))).isPresent();
    assertThat(ts.shutdown().isSuccess()).isTrue();
  }

  @Test
  void theProviderIsNamedTracestoreAndIsFoundByServiceLoader() {
    assertThat(java.util.ServiceLoader.load(
            io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider.class).stream()
        .map(p -> p.get().getName()))
        .contains("tracestore");
  }

  @Test
  void anInvalidFsyncValueFailsConfiguration() {
    assertThatThrownBy(() -> new TraceStoreSpanExporterProvider()
            .createExporter(DefaultConfigProperties.createFromMap(Map.of("otel.exporter.tracestore.fsync", "sometimes"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("otel.exporter.tracestore.fsync")
        .hasMessageContaining("sometimes");
  }
}
