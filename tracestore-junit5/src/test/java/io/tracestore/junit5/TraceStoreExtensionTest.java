package io.tracestore.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.tracestore.api.SearchResult;
import io.tracestore.api.TraceStore;
import io.tracestore.traceql.TraceQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TraceStoreExtensionTest {
  @RegisterExtension static final TraceStoreExtension traces = TraceStoreExtension.create();

  /** Every store handed out, to show that no two tests share one. */
  static final Set<TraceStore> storesSeen = java.util.Collections.synchronizedSet(new HashSet<>());

  @AfterAll
  static void everyTestHadItsOwnStore() {
    assertThat(storesSeen).hasSizeGreaterThanOrEqualTo(2);
  }

  static void recordOnly(String name) {
    storesSeen.add(traces.store());
    traces.assertThat().hasSpanCountMatching("{ }", 0);
    traces.tracer("test").spanBuilder(name).startSpan().end();
    traces.assertThat().hasSpanCountMatching("{ }", 1).hasTraceMatching("{ name = \"" + name + "\" }");
  }

  @Test
  void aTestSeesOnlyItsOwnSpans() {
    recordOnly("first");
  }

  @Test
  void anotherTestSeesOnlyItsOwnSpansToo() {
    recordOnly("second");
  }

  @Nested
  class InANestedClass {
    @Test
    void aTestSeesOnlyItsOwnSpans() {
      recordOnly("nested");
    }
  }

  @Test
  void awaitFindsNestedSpansEndedByOtherThreadsWithoutSleeping() throws Exception {
    Tracer tracer = traces.tracer("e2e");
    ExecutorService pool = Executors.newFixedThreadPool(3);
    CountDownLatch release = new CountDownLatch(1);
    try {
      Span parent = tracer.spanBuilder("parent").startSpan();
      try (Scope ignored = parent.makeCurrent()) {
        for (int i = 0; i < 3; i++) {
          pool.submit(Context.current().wrap(() -> {
            Span child = tracer.spanBuilder("child").startSpan();
            try (Scope s = child.makeCurrent()) {
              release.await(10, TimeUnit.SECONDS);  // the children end only once released, on their own threads
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              child.end();
            }
            return null;
          }));
        }
      } finally {
        parent.end();
      }
      release.countDown();  // from here on the children end concurrently with await
      long start = System.nanoTime();
      SearchResult r = traces.await("{ name = \"parent\" } > { name = \"child\" }", Duration.ofSeconds(10));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(r.traces()).singleElement().satisfies(m -> {
        assertThat(m.traceId().toHex()).isEqualTo(parent.getSpanContext().getTraceId());
        assertThat(m.spanSets()).singleElement().satisfies(set ->
            assertThat(set.spans()).isNotEmpty().allMatch(s -> s.name().equals("child")));
      });
      // await returns as soon as one child matched; once all three ended, all are found
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      traces.assertThat().hasSpanCountMatching("{ name = \"parent\" } > { name = \"child\" }", 3);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void awaitTimesOutWithAnAssertionErrorListingTheStoredTracesAsTrees() {
    Span root = traces.tracer("t").spanBuilder("GET /cart").startSpan();
    try (Scope ignored = root.makeCurrent()) {
      Span db = traces.tracer("t").spanBuilder("SELECT cart").startSpan();
      db.setStatus(StatusCode.ERROR, "deadlock");
      db.end();
    } finally {
      root.end();
    }
    String query = "{ name = \"never\" }";
    assertThatThrownBy(() -> traces.await(query, Duration.ofMillis(150)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Timed out after PT0.15S")
        .hasMessageContaining(query)
        .hasMessageContaining("1 trace stored")
        .hasMessageContaining("trace " + root.getSpanContext().getTraceId() + "  2 spans")
        .hasMessageContaining("\n  - GET /cart")
        .hasMessageContaining("\n    - SELECT cart")
        .hasMessageContaining("ERROR: deadlock");
  }

  @Test
  void awaitRejectsAnInvalidQueryAtOnce() {
    assertThatThrownBy(() -> traces.await("{ name = ", Duration.ofSeconds(30)))
        .isInstanceOf(TraceQLException.class);
  }

  @Test
  void theSdkIsNotRegisteredGlobally() {
    assertThat(io.opentelemetry.api.GlobalOpenTelemetry.isSet()).isFalse();
  }

  @Test
  void outsideATestTheAccessorsThrow() {
    TraceStoreExtension idle = TraceStoreExtension.create();
    assertThatThrownBy(idle::store).isInstanceOf(IllegalStateException.class).hasMessageContaining("no test is running");
  }
}
