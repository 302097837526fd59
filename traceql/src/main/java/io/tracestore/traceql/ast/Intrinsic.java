package io.tracestore.traceql.ast;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The intrinsic fields of TraceQL with their spellings and value types. {@link #canonical()} is
 * the spelling the printer uses; {@link #spellings()} lists every accepted one.
 */
public enum Intrinsic {
  /** Span duration (end - start). */
  DURATION(ValueType.DURATION, "duration", "span:duration"),
  /** Span name. */
  NAME(ValueType.STRING, "name", "span:name"),
  /** Span status code. */
  STATUS(ValueType.STATUS, "status", "span:status"),
  /** Span status message. */
  STATUS_MESSAGE(ValueType.STRING, "statusMessage", "span:statusMessage"),
  /** Span kind. */
  KIND(ValueType.KIND, "kind", "span:kind"),
  /** Number of direct children of the span. */
  CHILD_COUNT(ValueType.INT, "childCount", "span:childCount"),
  /** The parent span (validation reports it as unsupported, as Tempo does). */
  PARENT(ValueType.UNKNOWN, "parent"),
  /** The span id, as a hex string. */
  SPAN_ID(ValueType.STRING, "span:id"),
  /** The parent span id, as a hex string. */
  SPAN_PARENT_ID(ValueType.STRING, "span:parentID"),
  /** Name of the trace's root span. */
  TRACE_ROOT_NAME(ValueType.STRING, "rootName", "trace:rootName"),
  /** Service name of the trace's root span. */
  TRACE_ROOT_SERVICE(ValueType.STRING, "rootServiceName", "trace:rootService"),
  /** Duration of the whole trace. */
  TRACE_DURATION(ValueType.DURATION, "traceDuration", "trace:duration"),
  /** The trace id, as a hex string. */
  TRACE_ID(ValueType.STRING, "trace:id"),
  /** Name of a span event. */
  EVENT_NAME(ValueType.STRING, "event:name"),
  /** Time from span start to an event. */
  EVENT_TIME_SINCE_START(ValueType.DURATION, "event:timeSinceStart"),
  /** Trace id of a span link, as a hex string. */
  LINK_TRACE_ID(ValueType.STRING, "link:traceID"),
  /** Span id of a span link, as a hex string. */
  LINK_SPAN_ID(ValueType.STRING, "link:spanID"),
  /** Instrumentation scope name. */
  INSTRUMENTATION_NAME(ValueType.STRING, "instrumentation:name"),
  /** Instrumentation scope version. */
  INSTRUMENTATION_VERSION(ValueType.STRING, "instrumentation:version"),
  /** Undocumented Tempo intrinsic: nested-set left bound. */
  NESTED_SET_LEFT(ValueType.INT, "nestedSetLeft"),
  /** Undocumented Tempo intrinsic: nested-set right bound. */
  NESTED_SET_RIGHT(ValueType.INT, "nestedSetRight"),
  /** Undocumented Tempo intrinsic: nested-set parent. */
  NESTED_SET_PARENT(ValueType.INT, "nestedSetParent");

  private static final Map<String, Intrinsic> BY_SPELLING;

  static {
    Map<String, Intrinsic> m = new HashMap<>();
    for (Intrinsic i : values()) {
      for (String s : i.spellings) {
        m.put(s, i);
      }
    }
    BY_SPELLING = Collections.unmodifiableMap(m);
  }

  private final ValueType type;
  private final String[] spellings;

  Intrinsic(ValueType type, String... spellings) {
    this.type = type;
    this.spellings = spellings;
  }

  /** The type of this field's values. */
  public ValueType type() {
    return type;
  }

  /** The spelling the canonical printer uses. */
  public String canonical() {
    return spellings[0];
  }

  /** Every accepted spelling, canonical first. */
  public java.util.List<String> spellings() {
    return java.util.List.of(spellings);
  }

  /** Looks a spelling up ({@code "duration"}, {@code "trace:rootService"}, ...). */
  public static Optional<Intrinsic> fromSpelling(String spelling) {
    return Optional.ofNullable(BY_SPELLING.get(spelling));
  }
}
