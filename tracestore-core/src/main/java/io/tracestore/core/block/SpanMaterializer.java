package io.tracestore.core.block;

import static io.tracestore.core.block.BlockSchema.*;

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
import io.tracestore.core.codec.SpanCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Assembles whole {@link Span}s from rows of the block schema, folding dedicated columns back into
 * the attribute sets they came from. Resources and scopes equal to earlier ones are shared. One
 * instance per read; not thread-safe.
 */
final class SpanMaterializer extends RecordMaterializer<Span> {
  private final Root root;

  SpanMaterializer(MessageType schema) {
    this.root = new Root(schema);
  }

  /** Builds the span of the record just read; Parquet calls this only for records its filter keeps. */
  @Override
  public Span getCurrentRecord() {
    return root.build();
  }

  @Override
  public GroupConverter getRootConverter() {
    return root;
  }

  /** Collects the elements of a generic attribute list. */
  private static final class AttrList {
    final List<Attribute> items = new ArrayList<>();
    private String key;
    private int type;
    private String str;
    private long integer;
    private double dbl;
    private boolean bool;
    private byte[] raw;
    final GroupConverter converter;

    AttrList() {
      GroupConverter element = Converters.struct(new Converter[] {
          Converters.string(v -> key = v),
          Converters.int32(v -> type = v),
          Converters.string(v -> str = v),
          Converters.int64(v -> integer = v),
          Converters.float64(v -> dbl = v),
          Converters.bool(v -> bool = v),
          Converters.binary(v -> raw = v.getBytes()),
      }, () -> {
        str = null;
        raw = null;
      }, this::addElement);
      converter = Converters.list(element);
    }

    private void addElement() {
      AttributeValue v = switch (AttributeValue.Type.fromCode(type)) {
        case STRING -> AttributeValue.of(str == null ? "" : str);
        case LONG -> AttributeValue.of(integer);
        case DOUBLE -> AttributeValue.of(dbl);
        case BOOLEAN -> AttributeValue.of(bool);
        case BYTES -> AttributeValue.of(raw == null ? new byte[0] : raw);
        case ARRAY, KVLIST -> SpanCodec.decodeValue(raw == null ? new byte[0] : raw);
      };
      items.add(new Attribute(key, v));
    }

    /** The collected attributes plus {@code extra}, as a set. */
    Attributes build(List<Attribute> extra) {
      if (extra.isEmpty()) {
        return items.isEmpty() ? Attributes.EMPTY : Attributes.of(items);
      }
      List<Attribute> all = new ArrayList<>(items.size() + extra.size());
      all.addAll(items);
      all.addAll(extra);
      return Attributes.of(all);
    }
  }

  private static final class Root extends GroupConverter {
    private final Converter[] fields;

    private final Map<Resource, Resource> resources = new HashMap<>();
    private final Map<InstrumentationScope, InstrumentationScope> scopes = new HashMap<>();

    private byte[] traceId;
    private byte[] spanId;
    private byte[] parentSpanId;
    private String name;
    private int kind;
    private long start;
    private long duration;
    private int status;
    private String statusMessage;
    private String traceState;
    private int flags;
    private final List<Attribute> resourceExtra = new ArrayList<>();
    private String resourceSchemaUrl;
    private int resourceDropped;
    private final AttrList resourceAttrs = new AttrList();
    private String scopeName;
    private String scopeVersion;
    private String scopeSchemaUrl;
    private int scopeDropped;
    private final AttrList scopeAttrs = new AttrList();
    private final List<Attribute> spanExtra = new ArrayList<>();
    private final AttrList spanAttrs = new AttrList();
    private int dropped;
    private final List<SpanEvent> events = new ArrayList<>();
    private int droppedEvents;
    private final List<SpanLink> links = new ArrayList<>();
    private int droppedLinks;

    // event and link under construction
    private long eventTime;
    private String eventName;
    private int eventDropped;
    private final AttrList eventAttrs = new AttrList();
    private byte[] linkTraceId;
    private byte[] linkSpanId;
    private String linkTraceState;
    private int linkFlags;
    private int linkDropped;
    private final AttrList linkAttrs = new AttrList();

    Root(MessageType schema) {
      fields = new Converter[schema.getFieldCount()];
      for (int i = 0; i < fields.length; i++) {
        fields[i] = converterFor(schema.getFieldName(i), schema.getType(i));
      }
    }

    private Converter converterFor(String field, Type type) {
      GroupType group = type.isPrimitive() ? null : type.asGroupType();
      if (field.startsWith(RESOURCE_PREFIX) && type.isPrimitive()) {
        return dedicated(field.substring(RESOURCE_PREFIX.length()), type, resourceExtra);
      }
      if (field.startsWith(SPAN_PREFIX) && type.isPrimitive()) {
        return dedicated(field.substring(SPAN_PREFIX.length()), type, spanExtra);
      }
      return switch (field) {
        case TRACE_ID -> Converters.binary(v -> traceId = v.getBytes());
        case SPAN_ID -> Converters.binary(v -> spanId = v.getBytes());
        case PARENT_SPAN_ID -> Converters.binary(v -> parentSpanId = v.getBytes());
        case NAME -> Converters.string(v -> name = v);
        case KIND -> Converters.int32(v -> kind = v);
        case START -> Converters.int64(v -> start = v);
        case DURATION -> Converters.int64(v -> duration = v);
        case STATUS_CODE -> Converters.int32(v -> status = v);
        case STATUS_MESSAGE -> Converters.string(v -> statusMessage = v);
        case TRACE_STATE -> Converters.string(v -> traceState = v);
        case FLAGS -> Converters.int32(v -> flags = v);
        case SERVICE_NAME -> Converters.string(v -> resourceExtra.add(Attribute.of(Resource.SERVICE_NAME, v)));
        case RESOURCE_SCHEMA_URL -> Converters.string(v -> resourceSchemaUrl = v);
        case RESOURCE_DROPPED -> Converters.int32(v -> resourceDropped = v);
        case RESOURCE_ATTRS -> resourceAttrs.converter;
        case SCOPE_NAME -> Converters.string(v -> scopeName = v);
        case SCOPE_VERSION -> Converters.string(v -> scopeVersion = v);
        case SCOPE_SCHEMA_URL -> Converters.string(v -> scopeSchemaUrl = v);
        case SCOPE_DROPPED -> Converters.int32(v -> scopeDropped = v);
        case SCOPE_ATTRS -> scopeAttrs.converter;
        case SPAN_ATTRS -> spanAttrs.converter;
        case DROPPED_ATTRIBUTES -> Converters.int32(v -> dropped = v);
        case EVENTS -> Converters.list(Converters.struct(new Converter[] {
            Converters.int64(v -> eventTime = v),
            Converters.string(v -> eventName = v),
            eventAttrs.converter,
            Converters.int32(v -> eventDropped = v)},
            eventAttrs.items::clear,
            () -> events.add(new SpanEvent(eventTime, eventName, eventAttrs.build(List.of()), eventDropped))));
        case DROPPED_EVENTS -> Converters.int32(v -> droppedEvents = v);
        case LINKS -> Converters.list(Converters.struct(new Converter[] {
            Converters.binary(v -> linkTraceId = v.getBytes()),
            Converters.binary(v -> linkSpanId = v.getBytes()),
            Converters.string(v -> linkTraceState = v),
            Converters.int32(v -> linkFlags = v),
            linkAttrs.converter,
            Converters.int32(v -> linkDropped = v)},
            () -> {
              linkAttrs.items.clear();
              linkTraceState = "";
            },
            () -> links.add(new SpanLink(TraceId.fromBytes(linkTraceId), SpanId.fromBytes(linkSpanId),
                linkTraceState, linkAttrs.build(List.of()), linkDropped, linkFlags))));
        case DROPPED_LINKS -> Converters.int32(v -> droppedLinks = v);
        default -> group == null ? Converters.IGNORE : ignoreGroup(group);
      };
    }

    private static Converter dedicated(String key, Type type, List<Attribute> sink) {
      return switch (type.asPrimitiveType().getPrimitiveTypeName()) {
        case BINARY -> Converters.string(v -> sink.add(Attribute.of(key, v)));
        case INT64 -> Converters.int64(v -> sink.add(Attribute.of(key, v)));
        case DOUBLE -> Converters.float64(v -> sink.add(Attribute.of(key, v)));
        case BOOLEAN -> Converters.bool(v -> sink.add(Attribute.of(key, v)));
        default -> Converters.IGNORE;
      };
    }

    private static GroupConverter ignoreGroup(GroupType group) {
      Converter[] children = new Converter[group.getFieldCount()];
      for (int i = 0; i < children.length; i++) {
        children[i] = group.getType(i).isPrimitive() ? Converters.IGNORE : ignoreGroup(group.getType(i).asGroupType());
      }
      return Converters.struct(children, () -> {}, () -> {});
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return fields[fieldIndex];
    }

    @Override
    public void start() {
      parentSpanId = null;
      statusMessage = "";
      traceState = "";
      resourceExtra.clear();
      resourceSchemaUrl = "";
      resourceAttrs.items.clear();
      scopeName = "";
      scopeVersion = "";
      scopeSchemaUrl = "";
      scopeAttrs.items.clear();
      spanExtra.clear();
      spanAttrs.items.clear();
      events.clear();
      links.clear();
    }

    @Override
    public void end() {}

    Span build() {
      Resource resource = new Resource(resourceAttrs.build(resourceExtra), resourceDropped, resourceSchemaUrl);
      resource = resources.computeIfAbsent(resource, r -> r);
      InstrumentationScope scope = new InstrumentationScope(scopeName, scopeVersion, scopeAttrs.build(List.of()), scopeDropped, scopeSchemaUrl);
      scope = scopes.computeIfAbsent(scope, s -> s);
      return new Span(
          TraceId.fromBytes(traceId),
          SpanId.fromBytes(spanId),
          parentSpanId == null ? SpanId.NONE : SpanId.fromBytes(parentSpanId),
          traceState, flags, name, SpanKind.fromCode(kind), start, start + duration,
          StatusCode.fromCode(status), statusMessage, spanAttrs.build(spanExtra), dropped,
          List.copyOf(events), droppedEvents, List.copyOf(links), droppedLinks, resource, scope);
    }
  }
}
