package io.tracestore.core.metrics;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.tracestore.api.InvalidSpanException;
import io.tracestore.api.LimitExceededException;
import io.tracestore.api.RateLimitedException;
import io.tracestore.api.SearchTimeoutException;
import io.tracestore.api.StorageException;
import io.tracestore.api.TraceTooLargeException;
import io.tracestore.traceql.TraceQLException;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics one store reports about itself through the OpenTelemetry metrics API: spans appended
 * and refused, write-ahead-log bytes, blocks cut, compacted and deleted, the size of the in-memory
 * head, live blocks, and query counts and latency. Every instrument is named {@code tracestore.*}
 * and carries the attribute {@code tenant}; {@code docs/operations.md} lists them.
 *
 * <p>Without an OpenTelemetry SDK the {@link MeterProvider} is the API's no-op and every call here
 * costs a volatile read and an empty method call. With an SDK, synchronous instruments (counters, the latency histogram)
 * are recorded as things happen; the gauges are read at each collection.
 *
 * <p>Gauges are shared per {@link MeterProvider}: one batch callback observes every open store of
 * that provider and reports the sum per tenant, so two stores of one tenant in one process (for
 * example two in-memory stores in tests) add up instead of reporting clashing values.
 * {@link #close()} takes the store out of that callback, and closes the callback once the last
 * store of the provider is closed: a closed store reports no gauges and keeps no reference alive.
 * Counters keep their totals after a store closes (they are cumulative per tenant).
 *
 * <p>Thread-safe: every method may be called from any thread. Arguments are non-null unless noted.
 */
public final class StoreMetrics implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StoreMetrics.class);

  /** Name of the instrumentation scope (the {@code Meter}) the instruments belong to. */
  public static final String SCOPE = "io.tracestore";

  /** Counter, {@code {span}}: spans accepted by {@code append}. */
  public static final String SPANS_APPENDED = "tracestore.spans.appended";
  /** Counter, {@code {span}}, attribute {@code reason}: spans of batches {@code append} refused. */
  public static final String SPANS_REFUSED = "tracestore.spans.refused";
  /** Counter, {@code By}: bytes written to the write-ahead log (records and their headers). */
  public static final String WAL_WRITTEN = "tracestore.wal.written";
  /** Counter, {@code {block}}: blocks cut from the head and committed. */
  public static final String BLOCKS_CUT = "tracestore.blocks.cut";
  /** Counter, {@code {block}}: input blocks merged away by compaction. */
  public static final String BLOCKS_COMPACTED = "tracestore.blocks.compacted";
  /** Counter, {@code {block}}: blocks deleted from the object store (after compaction or retention). */
  public static final String BLOCKS_DELETED = "tracestore.blocks.deleted";
  /** Gauge, {@code {block}}: committed blocks readers currently use. */
  public static final String BLOCKS_LIVE = "tracestore.blocks.live";
  /** Gauge, {@code {span}}: spans in the in-memory head. */
  public static final String HEAD_SPANS = "tracestore.head.spans";
  /** Gauge, {@code {trace}}: traces in the in-memory head. */
  public static final String HEAD_TRACES = "tracestore.head.traces";
  /** Gauge, {@code By}: estimated encoded size of the in-memory head. */
  public static final String HEAD_SIZE = "tracestore.head.size";
  /** Counter, {@code {query}}, attributes {@code operation} and {@code outcome}: queries run. */
  public static final String QUERIES = "tracestore.queries";
  /** Histogram, {@code s}, attributes {@code operation} and {@code outcome}: query latency. */
  public static final String QUERY_DURATION = "tracestore.query.duration";

  /** Attribute on every instrument: the store's tenant. */
  public static final AttributeKey<String> TENANT = AttributeKey.stringKey("tenant");
  /** Attribute of {@link #SPANS_REFUSED}: why (see {@link Reason}). */
  public static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
  /** Attribute of the query instruments: which kind of query (see {@link Operation}). */
  public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("operation");
  /** Attribute of the query instruments: how it ended (see {@link Outcome}). */
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");

  /** Bucket boundaries (seconds) of the latency histogram: 0.5 ms to 30 s. */
  static final List<Double> LATENCY_BUCKETS = List.of(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
      0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0);

  /** Why a batch was refused: the value of the {@code reason} attribute. */
  public enum Reason {
    /** A span failed validation ({@link InvalidSpanException}). */
    INVALID("invalid"),
    /** A trace would pass its byte limit ({@link TraceTooLargeException}). */
    TOO_LARGE("too_large"),
    /** The ingestion rate limit was reached ({@link RateLimitedException}). */
    RATE_LIMITED("rate_limited"),
    /** Another limit (live traces, batch larger than the burst; {@link LimitExceededException}). */
    LIMIT_EXCEEDED("limit_exceeded"),
    /** The store was closed. */
    CLOSED("closed"),
    /** Writing the write-ahead log failed ({@link StorageException}). */
    STORAGE_ERROR("storage_error"),
    /** Anything else. */
    ERROR("error");

    private final String value;

    Reason(String value) {
      this.value = value;
    }

    /** The attribute value. */
    public String value() {
      return value;
    }

    /** The reason matching what {@code append} threw. */
    public static Reason of(Throwable t) {
      if (t instanceof InvalidSpanException) {
        return INVALID;
      } else if (t instanceof TraceTooLargeException) {
        return TOO_LARGE;
      } else if (t instanceof RateLimitedException) {
        return RATE_LIMITED;
      } else if (t instanceof LimitExceededException) {
        return LIMIT_EXCEEDED;
      } else if (t instanceof IllegalStateException) {
        return CLOSED;
      } else if (t instanceof StorageException) {
        return STORAGE_ERROR;
      }
      return ERROR;
    }
  }

  /** Which kind of query: the value of the {@code operation} attribute. */
  public enum Operation {
    /** A TraceQL search. */
    SEARCH("search"),
    /** A lookup of one trace by id. */
    FIND_TRACE("find_trace");

    private final String value;

    Operation(String value) {
      this.value = value;
    }

    /** The attribute value. */
    public String value() {
      return value;
    }
  }

  /** How a query ended: the value of the {@code outcome} attribute. */
  public enum Outcome {
    /** It returned a result. */
    OK("ok"),
    /** The query was invalid ({@link TraceQLException}, {@link IllegalArgumentException}). */
    INVALID("invalid"),
    /** It ran past its deadline ({@link SearchTimeoutException}). */
    TIMEOUT("timeout"),
    /** It was cancelled ({@link CancellationException}). */
    CANCELLED("cancelled"),
    /** Anything else it threw (storage errors, the store being closed, bugs). */
    ERROR("error");

    private final String value;

    Outcome(String value) {
      this.value = value;
    }

    /** The attribute value. */
    public String value() {
      return value;
    }

    /** The outcome matching what a query threw. */
    public static Outcome of(Throwable t) {
      if (t instanceof TraceQLException || t instanceof IllegalArgumentException) {
        return INVALID;
      } else if (t instanceof SearchTimeoutException) {
        return TIMEOUT;
      } else if (t instanceof CancellationException) {
        return CANCELLED;
      }
      return ERROR;
    }
  }

  /** Instruments of one provider, shared by its stores. Guarded by {@link #SHARED} for registration. */
  private static final Map<MeterProvider, Instruments> SHARED = new IdentityHashMap<>();

  /** How often a store waiting for the global provider checks whether it has been installed. */
  static final long GLOBAL_CHECK_NANOS = 1_000_000_000L;

  private volatile Instruments instruments;
  /** True while the store uses the no-op provider and switches to the global one once it is set. */
  private volatile boolean awaitingGlobal;
  private volatile long lastGlobalCheckNanos = System.nanoTime();
  private final String tenant;
  private final Attributes tenantAttributes;
  private final Attributes[] refusedAttributes;
  private final Attributes[][] queryAttributes;
  private final LongSupplier headSpans;
  private final LongSupplier headBytes;
  private final LongSupplier headTraces;
  private final LongSupplier liveBlocks;
  private final AtomicBoolean closed = new AtomicBoolean();

  private StoreMetrics(Instruments instruments, String tenant, LongSupplier headSpans, LongSupplier headBytes,
      LongSupplier headTraces, LongSupplier liveBlocks) {
    this.instruments = instruments;
    this.tenant = tenant;
    this.tenantAttributes = Attributes.of(TENANT, tenant);
    this.refusedAttributes = new Attributes[Reason.values().length];
    for (Reason r : Reason.values()) {
      refusedAttributes[r.ordinal()] = Attributes.of(TENANT, tenant, REASON, r.value());
    }
    this.queryAttributes = new Attributes[Operation.values().length][Outcome.values().length];
    for (Operation op : Operation.values()) {
      for (Outcome o : Outcome.values()) {
        queryAttributes[op.ordinal()][o.ordinal()] = Attributes.of(TENANT, tenant, OPERATION, op.value(), OUTCOME, o.value());
      }
    }
    this.headSpans = headSpans;
    this.headBytes = headBytes;
    this.headTraces = headTraces;
    this.liveBlocks = liveBlocks;
  }

  /**
   * The meter provider a store uses when none is configured: the global one if the application
   * installed it ({@link GlobalOpenTelemetry#isSet()}), or if SDK autoconfiguration of the global is
   * enabled ({@code otel.java.global-autoconfigure.enabled}); otherwise null, meaning "none yet".
   * Unlike {@link GlobalOpenTelemetry#getMeterProvider()} it does not fix the global to a no-op when
   * none is installed yet, so an application may still install its SDK after opening a store.
   */
  public static MeterProvider defaultMeterProvider() {
    if (GlobalOpenTelemetry.isSet() || globalAutoconfigureEnabled()) {
      return GlobalOpenTelemetry.getMeterProvider();
    }
    return null;
  }

  private static boolean globalAutoconfigureEnabled() {
    String v = System.getProperty("otel.java.global-autoconfigure.enabled");
    if (v == null) {
      v = System.getenv("OTEL_JAVA_GLOBAL_AUTOCONFIGURE_ENABLED");
    }
    return Boolean.parseBoolean(v);
  }

  /**
   * Creates the metrics of one store and starts reporting its gauges; {@link #close()} stops that.
   *
   * @param provider where to report; {@link MeterProvider#noop()} for nothing; null for the global
   *     provider: the one installed now, or else nothing until the application installs one (checked
   *     at most once a second when the store counts something; what was counted before is not
   *     reported)
   * @param tenant the store's tenant, the value of attribute {@code tenant}
   * @param headSpans spans in the head, read at each collection (must be cheap and thread-safe, like
   *     the other suppliers)
   * @param headBytes estimated bytes in the head
   * @param headTraces traces in the head
   * @param liveBlocks committed blocks in use
   */
  public static StoreMetrics register(MeterProvider provider, String tenant, LongSupplier headSpans,
      LongSupplier headBytes, LongSupplier headTraces, LongSupplier liveBlocks) {
    boolean awaitingGlobal = false;
    if (provider == null) {
      provider = defaultMeterProvider();
      if (provider == null) {
        provider = MeterProvider.noop();
        awaitingGlobal = true;
      }
    }
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(headSpans, "headSpans");
    Objects.requireNonNull(headBytes, "headBytes");
    Objects.requireNonNull(headTraces, "headTraces");
    Objects.requireNonNull(liveBlocks, "liveBlocks");
    synchronized (SHARED) {
      Instruments instruments = SHARED.computeIfAbsent(provider, Instruments::new);
      StoreMetrics metrics = new StoreMetrics(instruments, tenant, headSpans, headBytes, headTraces, liveBlocks);
      instruments.stores.add(metrics);
      metrics.awaitingGlobal = awaitingGlobal;
      return metrics;
    }
  }

  /** The tenant these metrics are reported for. */
  public String tenant() {
    return tenant;
  }

  /** Counts {@code spans} spans accepted by {@code append}. */
  public void appended(long spans) {
    current().spansAppended.add(spans, tenantAttributes);
  }

  /** Counts {@code spans} spans of a batch refused by {@code append} because of {@code cause}. */
  public void refused(long spans, Throwable cause) {
    if (spans > 0) {
      current().spansRefused.add(spans, refusedAttributes[Reason.of(cause).ordinal()]);
    }
  }

  /** Counts {@code bytes} written to the write-ahead log. */
  public void walWritten(long bytes) {
    current().walWritten.add(bytes, tenantAttributes);
  }

  /** Counts one block cut from the head. */
  public void blockCut() {
    current().blocksCut.add(1, tenantAttributes);
  }

  /** Counts {@code inputs} blocks merged into one by compaction. */
  public void blocksCompacted(long inputs) {
    current().blocksCompacted.add(inputs, tenantAttributes);
  }

  /** Counts {@code blocks} blocks deleted from the object store. */
  public void blocksDeleted(long blocks) {
    current().blocksDeleted.add(blocks, tenantAttributes);
  }

  /**
   * Runs {@code query}, counting it and recording its latency with the outcome it had; returns its
   * result or rethrows what it threw.
   */
  public <T> T query(Operation operation, Supplier<T> query) {
    long start = System.nanoTime();
    Outcome outcome = Outcome.ERROR;
    try {
      T result = query.get();
      outcome = Outcome.OK;
      return result;
    } catch (RuntimeException e) {
      outcome = Outcome.of(e);
      throw e;
    } finally {
      recordQuery(operation, outcome, System.nanoTime() - start);
    }
  }

  /** Counts one query and records how long it took. */
  public void recordQuery(Operation operation, Outcome outcome, long elapsedNanos) {
    Attributes attributes = queryAttributes[operation.ordinal()][outcome.ordinal()];
    Instruments i = current();
    i.queries.add(1, attributes);
    i.queryDuration.record(elapsedNanos / 1e9, attributes);
  }

  /** The instruments to record with; first moves to the global provider if it has been installed since. */
  private Instruments current() {
    if (awaitingGlobal) {
      long now = System.nanoTime();
      if (now - lastGlobalCheckNanos >= GLOBAL_CHECK_NANOS) {
        lastGlobalCheckNanos = now;
        if (GlobalOpenTelemetry.isSet()) {
          followGlobal();
        }
      }
    }
    return instruments;
  }

  private void followGlobal() {
    MeterProvider global = GlobalOpenTelemetry.getMeterProvider();
    synchronized (SHARED) {
      if (!awaitingGlobal || closed.get()) {
        return;
      }
      awaitingGlobal = false;
      leave(instruments);
      Instruments next = SHARED.computeIfAbsent(global, Instruments::new);
      next.stores.add(this);
      instruments = next;
    }
    LOG.debug("metrics of tenant {} now go to the global MeterProvider installed after the store opened", tenant);
  }

  /** Takes this store out of {@code from}'s gauges, closing them if it was the last. Under SHARED. */
  private void leave(Instruments from) {
    from.stores.remove(this);
    if (from.stores.isEmpty() && SHARED.get(from.provider) == from) {
      SHARED.remove(from.provider);
      from.gauges.close();
    }
  }

  /**
   * Stops reporting this store's gauges (and unregisters the provider's gauge callback once no store
   * of it is left). Idempotent. Counting calls made after closing are still recorded.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    synchronized (SHARED) {
      awaitingGlobal = false;
      leave(instruments);
    }
  }

  /** True while some store of {@code provider} reports gauges: for tests. */
  static boolean isObserving(MeterProvider provider) {
    synchronized (SHARED) {
      return SHARED.containsKey(provider);
    }
  }

  /** The instruments of one provider and the stores whose gauges its callback reports. */
  private static final class Instruments {
    final MeterProvider provider;
    final LongCounter spansAppended;
    final LongCounter spansRefused;
    final LongCounter walWritten;
    final LongCounter blocksCut;
    final LongCounter blocksCompacted;
    final LongCounter blocksDeleted;
    final LongCounter queries;
    final DoubleHistogram queryDuration;
    final ObservableLongMeasurement headSpans;
    final ObservableLongMeasurement headTraces;
    final ObservableLongMeasurement headSize;
    final ObservableLongMeasurement blocksLive;
    final CopyOnWriteArrayList<StoreMetrics> stores = new CopyOnWriteArrayList<>();
    final BatchCallback gauges;

    Instruments(MeterProvider provider) {
      this.provider = provider;
      MeterBuilder builder = provider.meterBuilder(SCOPE);
      String version = StoreMetrics.class.getPackage().getImplementationVersion();
      if (version != null) {
        builder.setInstrumentationVersion(version);
      }
      Meter meter = builder.build();
      spansAppended = meter.counterBuilder(SPANS_APPENDED).setUnit("{span}")
          .setDescription("Spans accepted by append").build();
      spansRefused = meter.counterBuilder(SPANS_REFUSED).setUnit("{span}")
          .setDescription("Spans of batches refused by append, by reason").build();
      walWritten = meter.counterBuilder(WAL_WRITTEN).setUnit("By")
          .setDescription("Bytes written to the write-ahead log").build();
      blocksCut = meter.counterBuilder(BLOCKS_CUT).setUnit("{block}")
          .setDescription("Blocks cut from the in-memory head and committed").build();
      blocksCompacted = meter.counterBuilder(BLOCKS_COMPACTED).setUnit("{block}")
          .setDescription("Input blocks merged away by compaction").build();
      blocksDeleted = meter.counterBuilder(BLOCKS_DELETED).setUnit("{block}")
          .setDescription("Blocks deleted from the object store after compaction or retention").build();
      queries = meter.counterBuilder(QUERIES).setUnit("{query}")
          .setDescription("Queries run, by operation and outcome").build();
      queryDuration = meter.histogramBuilder(QUERY_DURATION).setUnit("s")
          .setDescription("Query latency, by operation and outcome")
          .setExplicitBucketBoundariesAdvice(LATENCY_BUCKETS).build();
      headSpans = meter.gaugeBuilder(HEAD_SPANS).ofLongs().setUnit("{span}")
          .setDescription("Spans in the in-memory head").buildObserver();
      headTraces = meter.gaugeBuilder(HEAD_TRACES).ofLongs().setUnit("{trace}")
          .setDescription("Traces in the in-memory head").buildObserver();
      headSize = meter.gaugeBuilder(HEAD_SIZE).ofLongs().setUnit("By")
          .setDescription("Estimated encoded size of the in-memory head").buildObserver();
      blocksLive = meter.gaugeBuilder(BLOCKS_LIVE).ofLongs().setUnit("{block}")
          .setDescription("Committed blocks in use").buildObserver();
      gauges = meter.batchCallback(this::observe, headSpans, headTraces, headSize, blocksLive);
    }

    /** Reports the gauges: the sum over the open stores of each tenant. */
    private void observe() {
      Map<String, long[]> sums = new LinkedHashMap<>();
      Map<String, Attributes> attributes = new LinkedHashMap<>();
      for (StoreMetrics m : stores) {
        long[] values;
        try {
          values = new long[] {m.headSpans.getAsLong(), m.headTraces.getAsLong(), m.headBytes.getAsLong(),
              m.liveBlocks.getAsLong()};
        } catch (RuntimeException e) {
          LOG.debug("could not read the gauges of a store of tenant {}: {}", m.tenant, e.toString());
          continue;
        }
        long[] sum = sums.computeIfAbsent(m.tenant, k -> new long[4]);
        attributes.putIfAbsent(m.tenant, m.tenantAttributes);
        for (int i = 0; i < 4; i++) {
          sum[i] += values[i];
        }
      }
      for (Map.Entry<String, long[]> e : sums.entrySet()) {
        Attributes a = attributes.get(e.getKey());
        long[] v = e.getValue();
        headSpans.record(v[0], a);
        headTraces.record(v[1], a);
        headSize.record(v[2], a);
        blocksLive.record(v[3], a);
      }
    }
  }
}
