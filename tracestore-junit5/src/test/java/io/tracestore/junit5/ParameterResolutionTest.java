package io.tracestore.junit5;

import static io.tracestore.junit5.TraceStoreAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.tracestore.api.TraceStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TraceStoreExtension.class)
class ParameterResolutionTest {
  TraceStore fromBeforeEach;

  @BeforeEach
  void setUp(TraceStore store) {
    fromBeforeEach = store;
  }

  @Test
  void storeAndSdkAreInjectedAndWiredTogether(TraceStore store, OpenTelemetry otel, OpenTelemetrySdk sdk,
      TraceStoreExtension extension) {
    assertThat(store).isSameAs(fromBeforeEach).isSameAs(extension.store());
    assertThat(otel).isSameAs(sdk).isSameAs(extension.openTelemetry());
    otel.getTracer("injected").spanBuilder("work").startSpan().end();
    assertThat(store).hasSpanCountMatching("{ name = \"work\" }", 1);
  }

  @Test
  void eachTestGetsAnEmptyStore(TraceStore store) {
    assertThat(store).hasNoSpanMatching("{ }");
  }
}
