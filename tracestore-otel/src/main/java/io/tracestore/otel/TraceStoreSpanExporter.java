package io.tracestore.otel;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tracestore.api.InvalidSpanException;
import io.tracestore.api.Span;
import io.tracestore.api.TraceStore;
import io.tracestore.core.TraceStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An OpenTelemetry SDK {@link SpanExporter} that appends every exported span to a {@link TraceStore}.
 *
 * <pre>{@code
 * TraceStoreSpanExporter exporter = TraceStoreSpanExporter.open(Path.of("/var/lib/traces"));
 * SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
 *     .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
 *     .build();
 * }</pre>
 *
 * <p><b>Conversion.</b> Each {@link SpanData} becomes one {@link Span} carrying everything OTLP
 * would carry for it: trace, span and parent ids; the trace state in its W3C {@code tracestate}
 * header form; the flags as the OTLP exporter writes them (W3C trace flags in the low byte, plus
 * OTLP's "has is-remote" bit {@code 0x100} and "is-remote" bit {@code 0x200} of the parent span
 * context, the same for each link's context); name, kind, start and end; status code and
 * description; attributes of every type (arrays and {@code Value} attributes: bytes, arrays,
 * key-value lists); events and links with their attributes; the dropped counts (total recorded
 * minus kept, for attributes, events, links, and event and link attributes); the resource with its
 * schema URL and the instrumentation scope with version, schema URL and attributes. An attribute
 * whose value is the empty {@code Value} is counted as dropped (TraceStore, like OTLP decoders,
 * has no empty value); empty values nested in arrays or key-value lists are left out.
 *
 * <p><b>SDK semantics.</b> {@link #export} never throws: it returns a successful result once the
 * batch is appended (append is synchronous, so the spans are then readable and as durable as the
 * store's write-ahead-log policy promises), or a failed one if the store refused it. A batch is
 * appended all or nothing; if it is refused because of an invalid span, the exporter appends the
 * valid spans one by one, so one bad span does not lose the others, and still reports failure.
 * After {@link #shutdown()} every export fails. {@link #flush()} succeeds at once: nothing is
 * buffered here. {@link #shutdown()} is idempotent; it closes the store only if this exporter owns
 * it (see the factories).
 *
 * <p><b>Thread safety.</b> Instances are thread-safe; {@code export} may be called from several
 * threads at once (as {@code SimpleSpanProcessor} does).
 */
public final class TraceStoreSpanExporter implements SpanExporter {
  private static final Logger LOG = Logger.getLogger(TraceStoreSpanExporter.class.getName());

  private final TraceStore store;
  private final boolean ownsStore;
  private final AtomicBoolean shutdown = new AtomicBoolean();

  private TraceStoreSpanExporter(TraceStore store, boolean ownsStore) {
    this.store = Objects.requireNonNull(store, "store");
    this.ownsStore = ownsStore;
  }

  /**
   * An exporter into {@code store}. The caller keeps ownership: {@link #shutdown()} does not close
   * the store.
   */
  public static TraceStoreSpanExporter create(TraceStore store) {
    return new TraceStoreSpanExporter(store, false);
  }

  /**
   * An exporter that takes ownership of {@code store}: {@link #shutdown()} closes it. For stores
   * configured with {@link TraceStores#builder()}.
   */
  public static TraceStoreSpanExporter createOwning(TraceStore store) {
    return new TraceStoreSpanExporter(store, true);
  }

  /**
   * Opens (or creates) the durable store in {@code directory} with {@link TraceStores#open(Path)}'s
   * defaults; the exporter owns it and {@link #shutdown()} closes it, writing the in-memory head
   * into a block.
   *
   * @throws io.tracestore.api.StorageException if the directory cannot be opened
   */
  public static TraceStoreSpanExporter open(Path directory) {
    return new TraceStoreSpanExporter(TraceStores.open(directory), true);
  }

  /** The store spans are appended to. */
  public TraceStore store() {
    return store;
  }

  /** True if {@link #shutdown()} closes the store. */
  public boolean ownsStore() {
    return ownsStore;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    if (shutdown.get()) {
      return CompletableResultCode.ofFailure();
    }
    if (spans.isEmpty()) {
      return CompletableResultCode.ofSuccess();
    }
    SpanDataConverter converter = new SpanDataConverter();
    List<Span> converted = new ArrayList<>(spans.size());
    RuntimeException conversionError = null;
    for (SpanData d : spans) {
      try {
        converted.add(converter.convert(d));
      } catch (RuntimeException e) {
        // e.g. an id that is not hex: leave the span out, keep the others
        conversionError = e;
        LOG.log(Level.WARNING, "TraceStore exporter: could not convert span " + describe(d) + ": " + e.getMessage(), e);
      }
    }
    try {
      if (!converted.isEmpty()) {
        store.append(converted);
      }
    } catch (InvalidSpanException e) {
      LOG.log(Level.WARNING, "TraceStore exporter: batch of " + converted.size()
          + " spans refused (" + e.getMessage() + "); appending the valid spans one by one");
      return appendOneByOne(converted, e);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "TraceStore exporter: could not append " + converted.size() + " spans: " + e.getMessage(), e);
      return CompletableResultCode.ofExceptionalFailure(e);
    }
    return conversionError == null
        ? CompletableResultCode.ofSuccess()
        : CompletableResultCode.ofExceptionalFailure(conversionError);
  }

  private CompletableResultCode appendOneByOne(List<Span> spans, RuntimeException first) {
    for (Span s : spans) {
      try {
        store.append(List.of(s));
      } catch (InvalidSpanException e) {
        LOG.log(Level.FINE, "TraceStore exporter: dropped invalid span", e);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "TraceStore exporter: could not append: " + e.getMessage(), e);
        return CompletableResultCode.ofExceptionalFailure(e);
      }
    }
    return CompletableResultCode.ofExceptionalFailure(first);
  }

  private static String describe(SpanData d) {
    try {
      return d.getTraceId() + "/" + d.getSpanId() + " \"" + d.getName() + "\"";
    } catch (RuntimeException e) {
      return "?";
    }
  }

  /** Succeeds at once: export appends synchronously, nothing is buffered here. */
  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  /**
   * Stops exporting; later exports fail. Closes the store if this exporter owns it (which writes
   * its head into a block). Idempotent: later calls succeed without doing anything.
   */
  @Override
  public CompletableResultCode shutdown() {
    if (!shutdown.compareAndSet(false, true)) {
      return CompletableResultCode.ofSuccess();
    }
    if (ownsStore) {
      try {
        store.close();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "TraceStore exporter: closing the store failed: " + e.getMessage(), e);
        return CompletableResultCode.ofExceptionalFailure(e);
      }
    }
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public String toString() {
    return "TraceStoreSpanExporter{store=" + store + ", ownsStore=" + ownsStore + "}";
  }
}
