package io.tracestore.storage.s3;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An SLF4J provider for the tests (selected with the system property {@code slf4j.provider}) that
 * keeps every log line, with its throwable's stack trace, in memory: DEBUG and above for the AWS
 * SDK and TraceStore, WARN and above for everything else (S3Proxy, Jetty, jclouds).
 */
public final class CapturingLogs implements SLF4JServiceProvider {
  private static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();

  private final ConcurrentHashMap<String, Logger> loggers = new ConcurrentHashMap<>();
  private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, CapturingLogger::new);
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new BasicMDCAdapter();

  /** Every line captured so far. */
  static List<String> lines() {
    return List.copyOf(LINES);
  }

  static void clear() {
    LINES.clear();
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  private static final class CapturingLogger extends AbstractLogger {
    private static final long serialVersionUID = 1L;
    private final boolean verbose;

    CapturingLogger(String name) {
      this.name = name;
      this.verbose = name.startsWith("software.amazon.awssdk") || name.startsWith("io.tracestore");
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return verbose;
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
      return verbose;
    }

    @Override
    public boolean isInfoEnabled() {
      return verbose;
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
      return verbose;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
      return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern, Object[] arguments,
        Throwable throwable) {
      StringBuilder line = new StringBuilder().append(level).append(' ').append(name).append(" - ")
          .append(MessageFormatter.basicArrayFormat(messagePattern, arguments));
      if (throwable != null) {
        StringWriter w = new StringWriter();
        throwable.printStackTrace(new PrintWriter(w));
        line.append('\n').append(w);
      }
      LINES.add(line.toString());
    }
  }
}
