package io.tracestore.junit5;

import static io.tracestore.junit5.TraceStoreAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.StatusCode;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.TraceStores;
import io.tracestore.traceql.TraceQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TraceStoreAssertionsTest {
  static final TraceId TRACE = TraceId.fromHex("0af7651916cd43dd8448eb211c80319c");
  static final long T0 = 1_700_000_000_000_000_000L;
  final TraceStore store = TraceStores.inMemory();

  static Span span(long id, long parent, String name, StatusCode status) {
    return Span.builder().traceId(TRACE).spanId(SpanId.of(id)).parentSpanId(parent == 0 ? SpanId.NONE : SpanId.of(parent))
        .name(name).startUnixNano(T0 + id * 1000).endUnixNano(T0 + 1_000_000)
        .status(status, status == StatusCode.ERROR ? "no stock" : "")
        .resource(Resource.of(io.tracestore.api.Attributes.of(io.tracestore.api.Attribute.of("service.name", "cart"))))
        .build();
  }

  @BeforeEach
  void fill() {
    store.append(
        span(1, 0, "GET /cart", StatusCode.UNSET),
        span(2, 1, "load cart", StatusCode.UNSET),
        span(3, 2, "SELECT", StatusCode.ERROR),
        span(4, 1, "SELECT", StatusCode.OK));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void passingAssertionsChain() {
    assertThat(store)
        .hasTraceMatching("{ name = \"GET /cart\" } >> { status = error }")
        .hasNoSpanMatching("{ name = \"DELETE\" }")
        .hasSpanCountMatching("{ name = \"SELECT\" }", 2)
        .hasSpanCountMatching("{ }", 4)
        .hasSpanCountMatching("{ name = \"GET /cart\" } > { name = \"SELECT\" }", 1);
  }

  @Test
  void aMissingTraceFailsWithTheQueryAndTheStoredTree() {
    String q = "{ name = \"GET /cart\" } > { status = error }";
    assertThatThrownBy(() -> assertThat(store).hasTraceMatching(q))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expecting a trace matching:\n  " + q)
        .hasMessageContaining("1 trace stored:")
        .hasMessageContaining("trace " + TRACE.toHex() + "  4 spans")
        .hasMessageContaining("\n  - GET /cart (cart)")
        .hasMessageContaining("\n    - load cart (cart)")
        .hasMessageContaining("\n      - SELECT (cart)  unspecified  ")
        .hasMessageContaining("ERROR: no stock");
  }

  @Test
  void anUnexpectedSpanFailsNamingTheMatchedSpans() {
    assertThatThrownBy(() -> assertThat(store).hasNoSpanMatching("{ status = error }"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expecting no span matching:\n  { status = error }")
        .hasMessageContaining("but 1 matched")
        .hasMessageContaining("SELECT  span " + SpanId.of(3).toHex())
        .hasMessageContaining("- GET /cart");
  }

  @Test
  void aWrongSpanCountFailsWithExpectedAndActualCounts() {
    assertThatThrownBy(() -> assertThat(store).hasSpanCountMatching("{ name = \"SELECT\" }", 3))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expecting 3 spans matching:\n  { name = \"SELECT\" }")
        .hasMessageContaining("but 2 matched")
        .hasMessageContaining("- load cart");
  }

  @Test
  void anEmptyStoreSaysSo() {
    TraceStore empty = TraceStores.inMemory();
    try {
      assertThatThrownBy(() -> assertThat(empty).hasTraceMatching("{ }"))
          .hasMessageContaining("no traces stored");
    } finally {
      empty.close();
    }
  }

  @Test
  void anInvalidQueryIsATraceQLErrorNotAnAssertionFailure() {
    assertThatThrownBy(() -> assertThat(store).hasTraceMatching("{ name = }"))
        .isInstanceOf(TraceQLException.class);
  }
}
