package io.tracestore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.Attributes;
import io.tracestore.api.LimitExceededException;
import io.tracestore.api.RateLimitedException;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.api.TraceTooLargeException;
import io.tracestore.core.storage.InMemoryObjectStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitsTest {
  private static Span span(long trace, long id, int payload) {
    return Span.builder().traceId(TraceId.of(trace, trace)).spanId(SpanId.of(id)).name("op")
        .attributes(Attributes.builder().put("payload", "x".repeat(payload)).build())
        .startUnixNano(1_000).endUnixNano(2_000).build();
  }

  private static TraceStore store(TraceStoreConfig.Limits limits) {
    return TraceStores.builder().objectStore(new InMemoryObjectStore()).limits(limits).build();
  }

  @Test
  void aTraceGrowingPastItsLimitIsRefusedWithItsIdAndNothingOfTheBatchIsStored() {
    try (TraceStore store = store(new TraceStoreConfig.Limits(1 << 20, 10_000, 0, 0, 0))) {
      store.append(span(1, 1, 6_000));
      List<Span> batch = List.of(span(2, 1, 10), span(1, 2, 6_000));
      assertThatThrownBy(() -> store.append(batch))
          .isInstanceOf(TraceTooLargeException.class)
          .hasMessageContaining(TraceId.of(1, 1).toHex())
          .hasMessageContaining("10000")
          .satisfies(e -> assertThat(((TraceTooLargeException) e).traceId()).isEqualTo(TraceId.of(1, 1)));
      assertThat(store.findTrace(TraceId.of(2, 2))).as("all or nothing").isEmpty();
      assertThat(store.findTrace(TraceId.of(1, 1)).orElseThrow().spans()).hasSize(1);
      store.flush(); // once cut into a block, the trace's in-memory size starts again
      store.append(span(1, 2, 6_000));
      assertThat(store.findTrace(TraceId.of(1, 1)).orElseThrow().spans()).hasSize(2);
    }
  }

  @Test
  void theRateLimitRefusesWithARetryAfterAndAcceptsAgainOnceTheBucketRefills() throws Exception {
    try (TraceStore store = store(new TraceStoreConfig.Limits(1 << 20, 5_000_000, 20_000, 30_000, 0))) {
      List<Span> batch = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        batch.add(span(i, 1, 1_000)); // ~1.1 KB each
      }
      store.append(batch); // within the burst
      List<Span> second = new ArrayList<>();
      for (int i = 21; i <= 40; i++) {
        second.add(span(i, 1, 1_000));
      }
      RateLimitedException e = org.junit.jupiter.api.Assertions.assertThrows(RateLimitedException.class, () -> store.append(second));
      assertThat(e.retryAfter()).isPositive();
      assertThat(store.findTrace(TraceId.of(21, 21))).isEmpty();
      Thread.sleep(e.retryAfter().toMillis() + 50);
      store.append(second);
      assertThat(store.findTrace(TraceId.of(21, 21))).isPresent();
      List<Span> huge = new ArrayList<>();
      for (int i = 100; i < 140; i++) {
        huge.add(span(i, 1, 1_000));
      }
      assertThatThrownBy(() -> store.append(huge)).isInstanceOf(LimitExceededException.class).hasMessageContaining("split it");
    }
  }

  @Test
  void theLiveTraceLimitCountsOnlyNewTraces() {
    try (TraceStore store = store(new TraceStoreConfig.Limits(1 << 20, 5_000_000, 0, 0, 2))) {
      store.append(span(1, 1, 1), span(2, 1, 1));
      store.append(span(1, 2, 1)); // an existing trace grows
      assertThatThrownBy(() -> store.append(span(3, 1, 1))).isInstanceOf(LimitExceededException.class).hasMessageContaining("live traces");
      store.flush();
      store.append(span(3, 1, 1));
    }
  }

  @Test
  void limitsAreValidated() {
    assertThatThrownBy(() -> new TraceStoreConfig.Limits(0, 1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TraceStoreConfig.Limits(1, 1, 10, 0, 0)).hasMessageContaining("burst");
  }
}
