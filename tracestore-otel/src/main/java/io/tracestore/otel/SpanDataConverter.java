package io.tracestore.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tracestore.api.Attribute;
import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.InstrumentationScope;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanId;
import io.tracestore.api.SpanKind;
import io.tracestore.api.SpanLink;
import io.tracestore.api.StatusCode;
import io.tracestore.api.TraceId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts the SDK's {@link SpanData} into TraceStore {@link Span}s, field by field, the way the
 * OTLP exporter would encode them. One instance per export call: it shares converted resources and
 * scopes between the spans of that batch. Not thread-safe.
 */
final class SpanDataConverter {
  /** OTLP {@code SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK}. */
  static final int HAS_IS_REMOTE = 0x100;
  /** OTLP {@code SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK}. */
  static final int IS_REMOTE = 0x200;

  private final Map<io.opentelemetry.sdk.resources.Resource, Resource> resources = new IdentityHashMap<>();
  private final Map<InstrumentationScopeInfo, InstrumentationScope> scopes = new IdentityHashMap<>();

  Span convert(SpanData d) {
    SpanContext ctx = d.getSpanContext();
    SpanContext parent = d.getParentSpanContext();
    Converted attrs = attributes(d.getAttributes());
    List<SpanEvent> events = new ArrayList<>(d.getEvents().size());
    for (EventData e : d.getEvents()) {
      Converted ea = attributes(e.getAttributes());
      events.add(new SpanEvent(e.getEpochNanos(), e.getName(), ea.attributes,
          dropped(e.getTotalAttributeCount(), e.getAttributes().size()) + ea.empty));
    }
    List<SpanLink> links = new ArrayList<>(d.getLinks().size());
    for (LinkData l : d.getLinks()) {
      SpanContext lc = l.getSpanContext();
      Converted la = attributes(l.getAttributes());
      links.add(new SpanLink(TraceId.fromHex(lc.getTraceId()), SpanId.fromHex(lc.getSpanId()),
          lc.getTraceState().isEmpty() ? "" : traceState(lc.getTraceState()),
          la.attributes, dropped(l.getTotalAttributeCount(), l.getAttributes().size()) + la.empty,
          flags(lc, lc.isRemote())));
    }
    return Span.builder()
        .traceId(TraceId.fromHex(ctx.getTraceId()))
        .spanId(SpanId.fromHex(ctx.getSpanId()))
        .parentSpanId(parent.isValid() ? SpanId.fromHex(parent.getSpanId()) : SpanId.NONE)
        .traceState(ctx.getTraceState().isEmpty() ? "" : traceState(ctx.getTraceState()))
        .flags(flags(ctx, parent.isRemote()))
        .name(d.getName())
        .kind(kind(d.getKind()))
        .startUnixNano(d.getStartEpochNanos())
        .endUnixNano(d.getEndEpochNanos())
        .status(status(d.getStatus().getStatusCode()), nullToEmpty(d.getStatus().getDescription()))
        .attributes(attrs.attributes)
        .droppedAttributesCount(dropped(d.getTotalAttributeCount(), d.getAttributes().size()) + attrs.empty)
        .events(events)
        .droppedEventsCount(dropped(d.getTotalRecordedEvents(), d.getEvents().size()))
        .links(links)
        .droppedLinksCount(dropped(d.getTotalRecordedLinks(), d.getLinks().size()))
        .resource(resources.computeIfAbsent(d.getResource(), SpanDataConverter::resource))
        .scope(scopes.computeIfAbsent(d.getInstrumentationScopeInfo(), SpanDataConverter::scope))
        .build();
  }

  /** The W3C trace flags in the low byte plus OTLP's is-remote bits, as the OTLP exporter writes them. */
  static int flags(SpanContext ctx, boolean remote) {
    return (ctx.getTraceFlags().asByte() & 0xff) | HAS_IS_REMOTE | (remote ? IS_REMOTE : 0);
  }

  private static int dropped(long total, int kept) {
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, total - kept));
  }

  private static Resource resource(io.opentelemetry.sdk.resources.Resource r) {
    Converted a = attributes(r.getAttributes());
    return new Resource(a.attributes, a.empty, nullToEmpty(r.getSchemaUrl()));
  }

  private static InstrumentationScope scope(InstrumentationScopeInfo s) {
    Converted a = attributes(s.getAttributes());
    return new InstrumentationScope(s.getName(), nullToEmpty(s.getVersion()), a.attributes, a.empty,
        nullToEmpty(s.getSchemaUrl()));
  }

  static SpanKind kind(io.opentelemetry.api.trace.SpanKind k) {
    if (k == null) {
      return SpanKind.UNSPECIFIED;
    }
    return switch (k) {
      case INTERNAL -> SpanKind.INTERNAL;
      case SERVER -> SpanKind.SERVER;
      case CLIENT -> SpanKind.CLIENT;
      case PRODUCER -> SpanKind.PRODUCER;
      case CONSUMER -> SpanKind.CONSUMER;
    };
  }

  static StatusCode status(io.opentelemetry.api.trace.StatusCode c) {
    if (c == null) {
      return StatusCode.UNSET;
    }
    return switch (c) {
      case UNSET -> StatusCode.UNSET;
      case OK -> StatusCode.OK;
      case ERROR -> StatusCode.ERROR;
    };
  }

  /** The W3C {@code tracestate} header form, entries in the SDK's order (as the OTLP exporter writes it). */
  static String traceState(io.opentelemetry.api.trace.TraceState state) {
    StringBuilder sb = new StringBuilder();
    state.forEach((k, v) -> {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(k).append('=').append(v);
    });
    return sb.toString();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** Converted attributes and how many had an empty value (dropped: TraceStore has no empty value). */
  private record Converted(Attributes attributes, int empty) {}

  private static Converted attributes(io.opentelemetry.api.common.Attributes attrs) {
    if (attrs.isEmpty()) {
      return new Converted(Attributes.EMPTY, 0);
    }
    List<Attribute> list = new ArrayList<>(attrs.size());
    int[] empty = new int[1];
    attrs.forEach((key, value) -> {
      AttributeValue v = value(key, value);
      if (v == null) {
        empty[0]++;
      } else {
        list.add(new Attribute(key.getKey(), v));
      }
    });
    return new Converted(Attributes.of(list), empty[0]);
  }

  /** The value of one SDK attribute; null for an empty {@link Value}. */
  private static AttributeValue value(AttributeKey<?> key, Object value) {
    return switch (key.getType()) {
      case STRING -> AttributeValue.of((String) value);
      case BOOLEAN -> AttributeValue.of((Boolean) value);
      case LONG -> AttributeValue.of((Long) value);
      case DOUBLE -> AttributeValue.of((Double) value);
      case STRING_ARRAY, BOOLEAN_ARRAY, LONG_ARRAY, DOUBLE_ARRAY -> {
        List<?> in = (List<?>) value;
        List<AttributeValue> out = new ArrayList<>(in.size());
        for (Object o : in) {
          out.add(scalar(o));
        }
        yield AttributeValue.ofArray(out);
      }
      case VALUE -> anyValue((Value<?>) value);
    };
  }

  private static AttributeValue scalar(Object o) {
    if (o instanceof String s) {
      return AttributeValue.of(s);
    } else if (o instanceof Boolean b) {
      return AttributeValue.of(b);
    } else if (o instanceof Long l) {
      return AttributeValue.of(l);
    } else if (o instanceof Double d) {
      return AttributeValue.of(d);
    }
    // an array element of an unexpected class: keep its text rather than fail the export
    return AttributeValue.of(String.valueOf(o));
  }

  /** OTLP AnyValue semantics: null for an empty value; empty values nested in arrays/kvlists are left out. */
  private static AttributeValue anyValue(Value<?> v) {
    switch (v.getType()) {
      case STRING:
        return AttributeValue.of((String) v.getValue());
      case BOOLEAN:
        return AttributeValue.of((Boolean) v.getValue());
      case LONG:
        return AttributeValue.of((Long) v.getValue());
      case DOUBLE:
        return AttributeValue.of((Double) v.getValue());
      case BYTES: {
        ByteBuffer buf = ((ByteBuffer) v.getValue()).duplicate();
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        return AttributeValue.of(bytes);
      }
      case ARRAY: {
        List<?> in = (List<?>) v.getValue();
        List<AttributeValue> out = new ArrayList<>(in.size());
        for (Object o : in) {
          AttributeValue e = anyValue((Value<?>) o);
          if (e != null) {
            out.add(e);
          }
        }
        return AttributeValue.ofArray(out);
      }
      case KEY_VALUE_LIST: {
        List<?> in = (List<?>) v.getValue();
        List<Attribute> out = new ArrayList<>(in.size());
        for (Object o : in) {
          KeyValue kv = (KeyValue) o;
          AttributeValue e = anyValue(kv.getValue());
          if (e != null) {
            out.add(new Attribute(kv.getKey(), e));
          }
        }
        return AttributeValue.ofKeyValues(out);
      }
      default:
        return null;
    }
  }
}
