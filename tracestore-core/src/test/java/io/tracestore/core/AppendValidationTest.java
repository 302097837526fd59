package io.tracestore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.InvalidSpanException;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppendValidationTest {
  private static final TraceId TRACE = TraceId.fromHex("0af7651916cd43dd8448eb211c80319c");

  private static Span.Builder valid(int i) {
    return Span.builder().traceId(TRACE).spanId(SpanId.of(i + 1)).name("op").startUnixNano(1_000).endUnixNano(2_000);
  }

  private static void assertRefused(Span bad, String field, String text) {
    try (TraceStore store = TraceStores.inMemory()) {
      List<Span> batch = new ArrayList<>(List.of(valid(0).build(), valid(1).build(), bad));
      assertThatThrownBy(() -> store.append(batch))
          .isInstanceOf(InvalidSpanException.class)
          .hasMessageContaining("span #2")
          .hasMessageContaining(text)
          .satisfies(e -> assertThat(((InvalidSpanException) e).field()).isEqualTo(field));
      assertThat(store.findTrace(TRACE)).as("the whole batch is refused").isEmpty();
    }
  }

  @Test
  void anAllZeroTraceIdIsRefusedAndNothingOfTheBatchIsStored() {
    assertRefused(valid(2).traceId(TraceId.INVALID).build(), "traceId", "all zeros");
  }

  @Test
  void anAllZeroSpanIdIsRefused() {
    assertRefused(valid(2).spanId(SpanId.NONE).build(), "spanId", "all zeros");
  }

  @Test
  void anEndBeforeTheStartIsRefused() {
    assertRefused(valid(2).startUnixNano(5_000).endUnixNano(4_000).build(), "endUnixNano", "before start");
  }

  @Test
  void aSpanThatIsItsOwnParentIsRefused() {
    assertRefused(valid(2).parentSpanId(SpanId.of(3)).build(), "parentSpanId", "own parent");
  }

  @Test
  void unpairedSurrogatesAreRefusedRatherThanSilentlyReplaced() {
    assertRefused(valid(2).name("bad \uD800 name").build(), "name", "unpaired surrogate");
    assertRefused(valid(2).attributes(Attributes.builder().put("k", "x\uDC00").build()).build(), "attributes[k]", "unpaired surrogate");
  }

  @Test
  void emptyAttributeKeysAreRefused() {
    assertRefused(valid(2).attributes(Attributes.builder().put("", 1L).build()).build(), "attributes", "key is empty");
  }

  @Test
  void deeplyNestedAttributeValuesAreRefused() {
    AttributeValue v = AttributeValue.of(1L);
    for (int i = 0; i < 100; i++) {
      v = AttributeValue.ofArray(List.of(v));
    }
    assertRefused(valid(2).attributes(Attributes.builder().put("deep", v).build()).build(), "attributes[deep]", "deeper");
  }

  @Test
  void oversizedSpansAreRefused() {
    try (TraceStore store = TraceStores.builder().objectStore(new io.tracestore.core.storage.InMemoryObjectStore()).maxSpanBytes(1000).build()) {
      Span big = valid(0).attributes(Attributes.builder().put("blob", "x".repeat(5000)).build()).build();
      assertThatThrownBy(() -> store.append(big)).isInstanceOf(InvalidSpanException.class).hasMessageContaining("over the limit");
    }
  }

  @Test
  void tenantIdsThatCouldEscapeTheStoreAreRefused() {
    for (String tenant : new String[] {"../x", "..", ".hidden", "a/b", "", "x".repeat(65), "nul\0"}) {
      assertThatThrownBy(() -> TraceStores.builder().tenant(tenant))
          .as(tenant).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid tenant id");
    }
  }

  @Test
  void appendingToAClosedStoreFails() {
    TraceStore store = TraceStores.inMemory();
    store.close();
    assertThatThrownBy(() -> store.append(valid(0).build())).isInstanceOf(IllegalStateException.class);
  }
}
