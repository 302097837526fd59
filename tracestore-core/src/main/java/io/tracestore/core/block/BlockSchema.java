package io.tracestore.core.block;

import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BOOLEAN;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

import java.util.List;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Column names and the Parquet schema of a block's {@code data.parquet}, format version 1. The names
 * are part of the block format spec ({@code docs/block-format.md}): outside readers rely on them.
 */
public final class BlockSchema {
  public static final String TRACE_ID = "trace_id";
  public static final String SPAN_ID = "span_id";
  public static final String PARENT_SPAN_ID = "parent_span_id";
  public static final String NAME = "name";
  public static final String KIND = "kind";
  public static final String START = "start_unix_nano";
  public static final String DURATION = "duration_nano";
  public static final String STATUS_CODE = "status_code";
  public static final String STATUS_MESSAGE = "status_message";
  public static final String TRACE_STATE = "trace_state";
  public static final String FLAGS = "flags";
  public static final String NESTED_SET_LEFT = "nested_set_left";
  public static final String NESTED_SET_RIGHT = "nested_set_right";
  public static final String PARENT_INDEX = "parent_index";
  public static final String TRACE_ROOT_SERVICE = "trace_root_service";
  public static final String TRACE_ROOT_NAME = "trace_root_name";
  public static final String TRACE_START = "trace_start_unix_nano";
  public static final String TRACE_DURATION = "trace_duration_nano";
  public static final String SERVICE_NAME = "service_name";
  public static final String RESOURCE_SCHEMA_URL = "resource_schema_url";
  public static final String RESOURCE_DROPPED = "resource_dropped_attributes_count";
  public static final String RESOURCE_ATTRS = "resource_attrs";
  public static final String SCOPE_NAME = "scope_name";
  public static final String SCOPE_VERSION = "scope_version";
  public static final String SCOPE_SCHEMA_URL = "scope_schema_url";
  public static final String SCOPE_DROPPED = "scope_dropped_attributes_count";
  public static final String SCOPE_ATTRS = "scope_attrs";
  public static final String SPAN_ATTRS = "span_attrs";
  public static final String DROPPED_ATTRIBUTES = "dropped_attributes_count";
  public static final String EVENTS = "events";
  public static final String DROPPED_EVENTS = "dropped_events_count";
  public static final String LINKS = "links";
  public static final String DROPPED_LINKS = "dropped_links_count";

  /** Prefix of a dedicated span-attribute column: {@code span.http.route}. */
  public static final String SPAN_PREFIX = "span.";
  /** Prefix of a dedicated resource-attribute column: {@code resource.k8s.pod.name}. */
  public static final String RESOURCE_PREFIX = "resource.";

  // fields of an attribute element, an event, a link
  public static final String KEY = "key";
  public static final String TYPE = "type";
  public static final String STR = "str";
  public static final String INT = "int";
  public static final String DBL = "dbl";
  public static final String BOOL = "bool";
  public static final String RAW = "raw";
  public static final String TIME = "time_unix_nano";
  public static final String ATTRS = "attrs";

  private BlockSchema() {}

  /** The schema of a block with these dedicated columns. */
  public static MessageType schema(List<DedicatedColumn> dedicatedResource, List<DedicatedColumn> dedicatedSpan) {
    Types.MessageTypeBuilder m = Types.buildMessage();
    m.required(FIXED_LEN_BYTE_ARRAY).length(16).named(TRACE_ID);
    m.required(FIXED_LEN_BYTE_ARRAY).length(8).named(SPAN_ID);
    m.optional(FIXED_LEN_BYTE_ARRAY).length(8).named(PARENT_SPAN_ID);
    m.required(BINARY).as(stringType()).named(NAME);
    m.required(INT32).named(KIND);
    m.required(INT64).named(START);
    m.required(INT64).named(DURATION);
    m.required(INT32).named(STATUS_CODE);
    m.optional(BINARY).as(stringType()).named(STATUS_MESSAGE);
    m.optional(BINARY).as(stringType()).named(TRACE_STATE);
    m.required(INT32).named(FLAGS);
    m.required(INT32).named(NESTED_SET_LEFT);
    m.required(INT32).named(NESTED_SET_RIGHT);
    m.required(INT32).named(PARENT_INDEX);
    m.required(BINARY).as(stringType()).named(TRACE_ROOT_SERVICE);
    m.required(BINARY).as(stringType()).named(TRACE_ROOT_NAME);
    m.required(INT64).named(TRACE_START);
    m.required(INT64).named(TRACE_DURATION);
    m.optional(BINARY).as(stringType()).named(SERVICE_NAME);
    for (DedicatedColumn c : dedicatedResource) {
      m.addField(dedicated(RESOURCE_PREFIX, c));
    }
    m.optional(BINARY).as(stringType()).named(RESOURCE_SCHEMA_URL);
    m.required(INT32).named(RESOURCE_DROPPED);
    m.addField(attrList(RESOURCE_ATTRS));
    m.optional(BINARY).as(stringType()).named(SCOPE_NAME);
    m.optional(BINARY).as(stringType()).named(SCOPE_VERSION);
    m.optional(BINARY).as(stringType()).named(SCOPE_SCHEMA_URL);
    m.required(INT32).named(SCOPE_DROPPED);
    m.addField(attrList(SCOPE_ATTRS));
    for (DedicatedColumn c : dedicatedSpan) {
      m.addField(dedicated(SPAN_PREFIX, c));
    }
    m.addField(attrList(SPAN_ATTRS));
    m.required(INT32).named(DROPPED_ATTRIBUTES);
    m.addField(list(EVENTS, Types.requiredGroup()
        .required(INT64).named(TIME)
        .required(BINARY).as(stringType()).named(NAME)
        .addField(attrList(ATTRS))
        .required(INT32).named(DROPPED_ATTRIBUTES)
        .named("element")));
    m.required(INT32).named(DROPPED_EVENTS);
    m.addField(list(LINKS, Types.requiredGroup()
        .required(FIXED_LEN_BYTE_ARRAY).length(16).named(TRACE_ID)
        .required(FIXED_LEN_BYTE_ARRAY).length(8).named(SPAN_ID)
        .optional(BINARY).as(stringType()).named(TRACE_STATE)
        .required(INT32).named(FLAGS)
        .addField(attrList(ATTRS))
        .required(INT32).named(DROPPED_ATTRIBUTES)
        .named("element")));
    m.required(INT32).named(DROPPED_LINKS);
    return m.named("span");
  }

  private static Type dedicated(String prefix, DedicatedColumn c) {
    String name = prefix + c.key();
    return switch (c.type()) {
      case STRING -> Types.optional(BINARY).as(stringType()).named(name);
      case LONG -> Types.optional(INT64).named(name);
      case DOUBLE -> Types.optional(DOUBLE).named(name);
      case BOOLEAN -> Types.optional(BOOLEAN).named(name);
      default -> throw new IllegalArgumentException("no dedicated column of type " + c.type());
    };
  }

  private static GroupType attrList(String name) {
    return list(name, Types.requiredGroup()
        .required(BINARY).as(stringType()).named(KEY)
        .required(INT32).named(TYPE)
        .optional(BINARY).as(stringType()).named(STR)
        .optional(INT64).named(INT)
        .optional(DOUBLE).named(DBL)
        .optional(BOOLEAN).named(BOOL)
        .optional(BINARY).named(RAW)
        .named("element"));
  }

  /** The standard three-level LIST: {@code optional group name (LIST) { repeated group list { element } }}. */
  private static GroupType list(String name, Type element) {
    return Types.optionalGroup()
        .as(LogicalTypeAnnotation.listType())
        .repeatedGroup().addField(element).named("list")
        .named(name);
  }
}
