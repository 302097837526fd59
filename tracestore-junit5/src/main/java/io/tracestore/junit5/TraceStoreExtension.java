package io.tracestore.junit5;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.TraceStore;
import io.tracestore.core.TraceStores;
import io.tracestore.otel.TraceStoreSpanExporter;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives every test a fresh in-memory {@link TraceStore} and an
 * {@link OpenTelemetrySdk} exporting into it, so a test can run instrumented code and then assert on
 * its spans with TraceQL.
 *
 * <pre>{@code
 * class CartTest {
 *   @RegisterExtension static final TraceStoreExtension traces = TraceStoreExtension.create();
 *
 *   @Test
 *   void checkoutFailsWhenThePaymentFails() {
 *     Cart cart = new Cart(traces.openTelemetry());
 *     cart.checkout();
 *     traces.await("{ name = \"GET /cart\" } >> { status = error }", Duration.ofSeconds(5));
 *     traces.assertThat().hasNoSpanMatching("{ name = \"retry\" }");
 *   }
 * }
 * }</pre>
 *
 * Alternatively {@code @ExtendWith(TraceStoreExtension.class)} and declare test or
 * {@code @BeforeEach}/{@code @AfterEach} method parameters of type {@link TraceStore},
 * {@link OpenTelemetry}, {@link OpenTelemetrySdk} or {@code TraceStoreExtension}.
 *
 * <p><b>Isolation.</b> Each test (including each test of a {@code @Nested} class and each
 * invocation of a parameterized or repeated test) gets its own store and SDK, created before
 * {@code @BeforeEach} methods run and shut down after {@code @AfterEach} methods. The SDK is never
 * registered as {@code GlobalOpenTelemetry}, so nothing leaks between tests: code under test must be
 * given {@link #openTelemetry()} (or a {@link #tracer(String)}).
 *
 * <p><b>Synchronous export.</b> The SDK uses a {@link SimpleSpanProcessor}: a span is in the store
 * when its {@code end()} returns. {@link #await} is for spans ended by other threads at a time the
 * test does not control; it polls the store, wakes up on every export, and never needs a sleep in
 * the test.
 *
 * <p><b>Thread safety.</b> The accessors may be called from any thread while a test runs. They find
 * the current test's state from the calling thread if it is the test's thread, else the only test
 * running; when tests run in parallel, call them from the test thread (or use injected parameters),
 * otherwise they throw {@link IllegalStateException}. Outside a test (e.g. in {@code @BeforeAll})
 * they throw {@link IllegalStateException}.
 */
public final class TraceStoreExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TraceStoreExtension.class);
  /** Default timeout of {@link #await(String)}. */
  public static final Duration DEFAULT_AWAIT_TIMEOUT = Duration.ofSeconds(10);

  private final Map<String, TestState> active = new ConcurrentHashMap<>();
  private final ThreadLocal<TestState> onTestThread = new ThreadLocal<>();
  private final Resource resource;

  /** For {@code @ExtendWith}; the same as {@link #create()}. */
  public TraceStoreExtension() {
    this(Resource.getDefault());
  }

  private TraceStoreExtension(Resource resource) {
    this.resource = Objects.requireNonNull(resource, "resource");
  }

  /** An extension whose SDK uses the SDK's default resource. */
  public static TraceStoreExtension create() {
    return new TraceStoreExtension();
  }

  /**
   * An extension whose SDK uses {@code resource} merged over the default one, e.g. to set
   * {@code service.name}.
   */
  public static TraceStoreExtension withResource(Resource resource) {
    return new TraceStoreExtension(Resource.getDefault().merge(resource));
  }

  // ---- lifecycle

  @Override
  public void beforeEach(ExtensionContext context) {
    TestState state = new TestState(resource);
    context.getStore(NAMESPACE).put(TestState.class, state);
    active.put(context.getUniqueId(), state);
    onTestThread.set(state);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TestState state = context.getStore(NAMESPACE).remove(TestState.class, TestState.class);
    active.remove(context.getUniqueId());
    onTestThread.remove();
    if (state != null) {
      state.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    if (!(parameterContext.getDeclaringExecutable() instanceof Method)) {
      return false;  // constructors run before the test's state exists
    }
    Class<?> type = parameterContext.getParameter().getType();
    return type == TraceStore.class || type == OpenTelemetry.class || type == OpenTelemetrySdk.class
        || type == TraceStoreExtension.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    TestState state = extensionContext.getStore(NAMESPACE).get(TestState.class, TestState.class);
    if (state == null) {
      throw new ParameterResolutionException("TraceStoreExtension provides parameters to test, @BeforeEach and "
          + "@AfterEach methods only, not to " + parameterContext.getDeclaringExecutable());
    }
    Class<?> type = parameterContext.getParameter().getType();
    if (type == TraceStore.class) {
      return state.store;
    } else if (type == TraceStoreExtension.class) {
      return this;
    }
    return state.sdk;
  }

  // ---- accessors of the current test

  /** The current test's SDK (not registered globally). Its tracer provider exports into {@link #store()}. */
  public OpenTelemetrySdk openTelemetry() {
    return current().sdk;
  }

  /** A tracer of the current test's SDK. */
  public Tracer tracer(String instrumentationScopeName) {
    return current().sdk.getTracer(instrumentationScopeName);
  }

  /** The current test's in-memory store; closed after the test. */
  public TraceStore store() {
    return current().store;
  }

  /** Assertions on the current test's store, after a {@code forceFlush} of the SDK. */
  public TraceStoreAssert assertThat() {
    TestState state = current();
    state.forceFlush(Duration.ofSeconds(10));
    return TraceStoreAssertions.assertThat(state.store);
  }

  /** {@link #await(String, Duration)} with {@link #DEFAULT_AWAIT_TIMEOUT}. */
  public SearchResult await(String traceql) {
    return await(traceql, DEFAULT_AWAIT_TIMEOUT);
  }

  /**
   * Blocks until {@code traceql} matches at least one trace of the current test's store, and returns
   * the search result (all matching traces, all spans of each span set). Between searches it
   * force-flushes the SDK and waits for the next export (at most 25 ms, so spans appended to the
   * store directly are seen too).
   *
   * @throws AssertionError if nothing matched within {@code timeout}; the message names the query
   *     and lists the stored traces as trees
   * @throws io.tracestore.api.TraceStoreException a {@code TraceQLException} at once if the query is
   *     invalid
   */
  public SearchResult await(String traceql, Duration timeout) {
    Objects.requireNonNull(traceql, "traceql");
    TestState state = current();
    long deadline = System.nanoTime() + timeout.toNanos();
    SearchRequest request = SearchRequest.of(traceql).withLimit(0).withSpansPerSpanSet(0);
    while (true) {
      long exports = state.exportCount();
      state.forceFlush(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      SearchResult result = state.store.search(request);
      if (!result.traces().isEmpty()) {
        return result;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw new AssertionError("Timed out after " + timeout + " waiting for a trace matching:\n  " + traceql
            + "\n" + TraceTrees.describeStore(state.store));
      }
      try {
        state.awaitExportAfter(exports, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(25)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for a trace matching " + traceql, e);
      }
    }
  }

  private TestState current() {
    TestState state = onTestThread.get();
    if (state != null) {
      return state;
    }
    Collection<TestState> states = active.values();
    if (states.size() == 1) {
      return states.iterator().next();
    }
    throw new IllegalStateException(states.isEmpty()
        ? "no test is running: TraceStoreExtension's store and SDK exist only during a test"
        : states.size() + " tests run in parallel: call TraceStoreExtension from the test's thread or use injected parameters");
  }

  /** One test's store, SDK and export signal. */
  private static final class TestState {
    final TraceStore store = TraceStores.inMemory();
    final OpenTelemetrySdk sdk;
    private final Object monitor = new Object();
    private long exports;

    TestState(Resource resource) {
      SpanExporter exporter = new SignallingExporter(TraceStoreSpanExporter.create(store), this);
      sdk = OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder()
              .setResource(resource)
              .addSpanProcessor(SimpleSpanProcessor.create(exporter))
              .build())
          .build();
    }

    void exported() {
      synchronized (monitor) {
        exports++;
        monitor.notifyAll();
      }
    }

    long exportCount() {
      synchronized (monitor) {
        return exports;
      }
    }

    void awaitExportAfter(long seen, long nanos) throws InterruptedException {
      long deadline = System.nanoTime() + nanos;
      synchronized (monitor) {
        long left;
        while (exports == seen && (left = deadline - System.nanoTime()) > 0) {
          TimeUnit.NANOSECONDS.timedWait(monitor, left);
        }
      }
    }

    void forceFlush(Duration timeout) {
      sdk.getSdkTracerProvider().forceFlush().join(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    void close() {
      try {
        sdk.getSdkTracerProvider().shutdown().join(10, TimeUnit.SECONDS);
      } finally {
        store.close();
      }
    }
  }

  /** Counts exports so {@link #await} wakes up when spans arrive. */
  private static final class SignallingExporter implements SpanExporter {
    private final TraceStoreSpanExporter delegate;
    private final TestState state;

    SignallingExporter(TraceStoreSpanExporter delegate, TestState state) {
      this.delegate = delegate;
      this.state = state;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      try {
        return delegate.export(spans);
      } finally {
        state.exported();
      }
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }
}
