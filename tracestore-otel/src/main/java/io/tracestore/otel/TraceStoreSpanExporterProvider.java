package io.tracestore.otel;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tracestore.api.TraceStore;
import io.tracestore.core.FsyncPolicy;
import io.tracestore.core.TraceStores;
import io.tracestore.core.storage.InMemoryObjectStore;
import java.nio.file.Path;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Lets OpenTelemetry SDK autoconfigure create a {@link TraceStoreSpanExporter}: set
 * {@code otel.traces.exporter=tracestore}. Registered in {@code META-INF/services}; found only when
 * {@code opentelemetry-sdk-extension-autoconfigure} is on the class path.
 *
 * <p>Properties (system properties {@code -Dotel...} or environment variables
 * {@code OTEL_EXPORTER_TRACESTORE_...}):
 *
 * <ul>
 *   <li>{@code otel.exporter.tracestore.directory}: the directory of a local, durable store
 *       (opened with {@link TraceStores#builder()}{@code .directory(dir)}). If absent, spans go to an
 *       in-memory store that is lost when the process ends (for trying things out).
 *   <li>{@code otel.exporter.tracestore.tenant}: the tenant whose write-ahead log is used
 *       (default: the store's default tenant).
 *   <li>{@code otel.exporter.tracestore.fsync}: {@code always}, {@code interval} (default) or
 *       {@code never}; see {@link FsyncPolicy}. Ignored for an in-memory store.
 * </ul>
 *
 * <p>The exporter owns the store it opens: shutting down the SDK closes it, so after a clean
 * shutdown every span is in a block. Invalid values fail autoconfigure with a
 * {@link ConfigurationException}. Stateless and thread-safe.
 */
public final class TraceStoreSpanExporterProvider implements ConfigurableSpanExporterProvider {
  /** The exporter name to put in {@code otel.traces.exporter}. */
  public static final String NAME = "tracestore";
  /** Property: directory of a local store. */
  public static final String DIRECTORY = "otel.exporter.tracestore.directory";
  /** Property: tenant. */
  public static final String TENANT = "otel.exporter.tracestore.tenant";
  /** Property: fsync policy ({@code always|interval|never}). */
  public static final String FSYNC = "otel.exporter.tracestore.fsync";

  private static final Logger LOG = Logger.getLogger(TraceStoreSpanExporterProvider.class.getName());

  /** Public for {@link java.util.ServiceLoader}. */
  public TraceStoreSpanExporterProvider() {}

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public SpanExporter createExporter(ConfigProperties config) {
    String directory = trimToNull(config.getString(DIRECTORY));
    String tenant = trimToNull(config.getString(TENANT));
    String fsync = trimToNull(config.getString(FSYNC));
    TraceStores.Builder builder = TraceStores.builder();
    try {
      if (tenant != null) {
        builder.tenant(tenant);
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("invalid " + TENANT + " \"" + tenant + "\": " + e.getMessage(), e);
    }
    if (fsync != null) {
      builder.fsyncPolicy(fsyncPolicy(fsync));
    }
    if (directory == null) {
      LOG.info("TraceStore exporter: " + DIRECTORY + " is not set; spans are kept in memory only");
      builder.objectStore(new InMemoryObjectStore());
    } else {
      builder.directory(Path.of(directory));
    }
    TraceStore store;
    try {
      store = builder.build();
    } catch (RuntimeException e) {
      throw new ConfigurationException("could not open the TraceStore in " + directory + ": " + e.getMessage(), e);
    }
    return TraceStoreSpanExporter.createOwning(store);
  }

  private static FsyncPolicy fsyncPolicy(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "always" -> FsyncPolicy.ALWAYS;
      case "interval" -> FsyncPolicy.INTERVAL;
      case "never" -> FsyncPolicy.NEVER;
      default -> throw new ConfigurationException(
          "invalid " + FSYNC + " \"" + value + "\": expected always, interval or never");
    };
  }

  private static String trimToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
