package io.tracestore.core.search;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanLink;
import io.tracestore.core.block.AttributeListVectors;
import io.tracestore.core.block.BlockReader;
import io.tracestore.core.block.BlockSchema;
import io.tracestore.core.block.ColumnVector;
import io.tracestore.core.block.DedicatedColumn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Tag discovery as Tempo's {@code /api/v2/search/tags} and {@code /tag/{tag}/values} answer it:
 * the attribute names seen per scope, and the distinct values of one tag. Runs over a
 * {@link TraceSource} (every span decoded) or over a {@link SearchSnapshot}: spans in memory one by
 * one, committed blocks from their columns' dictionaries and values without decoding spans. For
 * blocks the time range is applied per block: a block overlapping it contributes all its tags.
 * Stateless and thread-safe.
 */
public final class TagDiscovery {
  /** Scopes in the order they are reported. */
  public static final List<String> SCOPES = List.of("resource", "span", "event", "link", "instrumentation");

  private TagDiscovery() {}

  /** Attribute names seen in spans overlapping the range, per scope, sorted. */
  public static Map<String, List<String>> tagNames(TraceSource source, long start, long end) {
    Map<String, Set<String>> names = new LinkedHashMap<>();
    SCOPES.forEach(s -> names.put(s, new TreeSet<>()));
    source.forEachTrace(start, end, trace -> {
      trace.spans().forEach(s -> addNames(s, names));
      return true;
    });
    return sorted(names);
  }

  /**
   * {@link #tagNames(TraceSource, long, long)} over a snapshot: memory spans overlapping the range,
   * and every block overlapping it, from the block's dedicated columns and the dictionaries of its
   * attribute-key columns ({@code vectors} reads them, through a cache).
   */
  public static Map<String, List<String>> tagNames(SearchSnapshot snapshot, BlockVectors vectors, long start, long end) {
    Map<String, Set<String>> names = new LinkedHashMap<>();
    SCOPES.forEach(s -> names.put(s, new TreeSet<>()));
    snapshot.memory().values().forEach(spans -> spans.forEach(s -> {
      if (s.startUnixNano() <= end && s.endUnixNano() >= start) {
        addNames(s, names);
      }
    }));
    for (BlockReader b : snapshot.blocks()) {
      if (!b.meta().overlaps(start, end)) {
        continue;
      }
      b.meta().dedicatedResourceColumns().forEach(c -> names.get("resource").add(c.key()));
      b.meta().dedicatedSpanColumns().forEach(c -> names.get("span").add(c.key()));
      if (namesFromMeta(b.meta(), names)) {
        continue;
      }
      for (int rg = 0; rg < b.rowGroupCount(); rg++) {
        ColumnVector service = vectors.get(b, rg, BlockSchema.SERVICE_NAME);
        if (service != null && service.dictionary().length > 0) {
          names.get("resource").add(io.tracestore.api.Resource.SERVICE_NAME);
        }
        for (String scope : SCOPES) {
          ColumnVector keys = vectors.get(b, rg, LISTS.get(scope) + BlockSchema.KEY);
          if (keys != null) {
            names.get(scope).addAll(List.of(keys.dictionary()));
          }
        }
      }
    }
    return sorted(names);
  }

  /**
   * Adds the block's attribute names from its {@code meta.json} value lists if it lists the service
   * name column and the key column of every scope's attribute list; false (nothing added) if not.
   */
  private static boolean namesFromMeta(io.tracestore.core.block.BlockMeta meta, Map<String, Set<String>> names) {
    List<String> services = meta.valuesOf(BlockSchema.SERVICE_NAME);
    if (services == null) {
      return false;
    }
    for (String scope : SCOPES) {
      if (meta.valuesOf(LISTS.get(scope) + BlockSchema.KEY) == null) {
        return false;
      }
    }
    if (!services.isEmpty()) {
      names.get("resource").add(io.tracestore.api.Resource.SERVICE_NAME);
    }
    for (String scope : SCOPES) {
      names.get(scope).addAll(meta.valuesOf(LISTS.get(scope) + BlockSchema.KEY));
    }
    return true;
  }

  /** Reads a column of a block's row group (null if the block has none). */
  @FunctionalInterface
  public interface BlockVectors {
    ColumnVector get(BlockReader block, int rowGroup, String column);
  }

  /** Path prefix of the generic attribute list's element fields, per scope. */
  private static final Map<String, String> LISTS = Map.of(
      "resource", BlockSchema.RESOURCE_ATTRS + ".list.element.",
      "span", BlockSchema.SPAN_ATTRS + ".list.element.",
      "event", BlockSchema.EVENTS + ".list.element." + BlockSchema.ATTRS + ".list.element.",
      "link", BlockSchema.LINKS + ".list.element." + BlockSchema.ATTRS + ".list.element.",
      "instrumentation", BlockSchema.SCOPE_ATTRS + ".list.element.");

  private static void addNames(Span s, Map<String, Set<String>> names) {
    addKeys(s.resource().attributes(), names.get("resource"));
    addKeys(s.attributes(), names.get("span"));
    for (SpanEvent e : s.events()) {
      addKeys(e.attributes(), names.get("event"));
    }
    for (SpanLink l : s.links()) {
      addKeys(l.attributes(), names.get("link"));
    }
    addKeys(s.scope().attributes(), names.get("instrumentation"));
  }

  private static Map<String, List<String>> sorted(Map<String, Set<String>> names) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    names.forEach((scope, keys) -> out.put(scope, List.copyOf(keys)));
    return out;
  }

  private static void addKeys(Attributes attrs, Set<String> into) {
    for (int i = 0; i < attrs.size(); i++) {
      into.add(attrs.key(i));
    }
  }

  /**
   * Distinct values of {@code tag} — a scoped attribute ({@code resource.service.name},
   * {@code span.http.route}, {@code event.x}, {@code link.x}, {@code instrumentation.x}), an
   * unscoped one ({@code .x}: span and resource), or one of the intrinsics {@code name},
   * {@code status}, {@code kind}, {@code statusMessage} — sorted by type then value, at most
   * {@code limit} (0 = all).
   *
   * @throws IllegalArgumentException for a tag of another form
   */
  public static List<AttributeValue> tagValues(TraceSource source, String tag, long start, long end, int limit) {
    Extractor extractor = extractor(tag);
    Set<AttributeValue> values = new TreeSet<>(ORDER);
    source.forEachTrace(start, end, trace -> {
      for (Span s : trace.spans()) {
        extractor.values(s, values::add);
        if (limit > 0 && values.size() >= 10 * limit) {
          return false; // enough to answer; the sorted prefix is cut below
        }
      }
      return true;
    });
    return cut(values, limit);
  }

  private static List<AttributeValue> cut(Set<AttributeValue> values, int limit) {
    List<AttributeValue> out = new ArrayList<>(values);
    return limit > 0 && out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
  }

  /**
   * {@link #tagValues(TraceSource, String, long, long, int)} over a snapshot: memory spans
   * overlapping the range one by one, blocks overlapping it from their columns.
   */
  public static List<AttributeValue> tagValues(SearchSnapshot snapshot, BlockVectors vectors, String tag, long start,
      long end, int limit) {
    Extractor extractor = extractor(tag);
    Set<AttributeValue> values = new TreeSet<>(ORDER);
    snapshot.memory().values().forEach(spans -> spans.forEach(s -> {
      if (s.startUnixNano() <= end && s.endUnixNano() >= start) {
        extractor.values(s, values::add);
      }
    }));
    for (BlockReader b : snapshot.blocks()) {
      if (b.meta().overlaps(start, end)) {
        for (int rg = 0; rg < b.rowGroupCount(); rg++) {
          blockValues(b, rg, tag, vectors, values::add);
        }
      }
    }
    return cut(values, limit);
  }

  /** The values of {@code tag} (already validated by {@link #extractor}) in one row group's columns. */
  private static void blockValues(BlockReader b, int rg, String tag, BlockVectors vectors, Consumer<AttributeValue> sink) {
    switch (tag) {
      case "name", "span:name" -> strings(vectors.get(b, rg, BlockSchema.NAME), sink);
      case "statusMessage", "span:statusMessage" -> {
        ColumnVector v = vectors.get(b, rg, BlockSchema.STATUS_MESSAGE);
        if (v != null) {
          for (String m : v.dictionary()) {
            if (!m.isEmpty()) {
              sink.accept(AttributeValue.of(m));
            }
          }
        }
      }
      case "status", "span:status" -> distinctInts(vectors.get(b, rg, BlockSchema.STATUS_CODE),
          c -> io.tracestore.api.StatusCode.fromCode(c).name().toLowerCase(java.util.Locale.ROOT), sink);
      case "kind", "span:kind" -> distinctInts(vectors.get(b, rg, BlockSchema.KIND),
          c -> io.tracestore.api.SpanKind.fromCode(c).name().toLowerCase(java.util.Locale.ROOT), sink);
      default -> {
        int dot = tag.indexOf('.');
        String scope = tag.substring(0, dot);
        String key = tag.substring(dot + 1);
        if (scope.isEmpty()) {
          attributeValues(b, rg, "span", key, vectors, sink);
          attributeValues(b, rg, "resource", key, vectors, sink);
        } else {
          attributeValues(b, rg, scope, key, vectors, sink);
        }
      }
    }
  }

  private static void attributeValues(BlockReader b, int rg, String scope, String key, BlockVectors vectors,
      Consumer<AttributeValue> sink) {
    if (scope.equals("resource") && key.equals(io.tracestore.api.Resource.SERVICE_NAME)) {
      strings(vectors.get(b, rg, BlockSchema.SERVICE_NAME), sink);
    }
    List<DedicatedColumn> dedicated = switch (scope) {
      case "resource" -> b.meta().dedicatedResourceColumns();
      case "span" -> b.meta().dedicatedSpanColumns();
      default -> List.of();
    };
    String prefix = scope.equals("resource") ? BlockSchema.RESOURCE_PREFIX : BlockSchema.SPAN_PREFIX;
    for (DedicatedColumn c : dedicated) {
      if (c.key().equals(key)) {
        ColumnVector v = vectors.get(b, rg, prefix + c.key());
        for (int i = 0; v != null && i < v.size(); i++) {
          if (v.isSet(i)) {
            sink.accept(switch (v.kind()) {
              case STRING -> AttributeValue.of(v.dictionary()[v.ids()[i]]);
              case LONG -> AttributeValue.of(v.longs()[i]);
              case DOUBLE -> AttributeValue.of(v.doubles()[i]);
              default -> AttributeValue.of(v.ints()[i] != 0);
            });
          }
        }
      }
    }
    AttributeListVectors list = AttributeListVectors.read(LISTS.get(scope), column -> vectors.get(b, rg, column));
    int keyId = list == null ? -1 : List.of(list.keys().dictionary()).indexOf(key);
    if (keyId < 0) {
      return;
    }
    int[] ids = list.keys().ids();
    for (int e = 0; e < ids.length; e++) {
      if (ids[e] == keyId) {
        sink.accept(list.value(e));
      }
    }
  }

  private static void strings(ColumnVector v, Consumer<AttributeValue> sink) {
    if (v != null) {
      for (String s : v.dictionary()) {
        sink.accept(AttributeValue.of(s));
      }
    }
  }

  private static void distinctInts(ColumnVector v, java.util.function.IntFunction<String> name, Consumer<AttributeValue> sink) {
    if (v == null) {
      return;
    }
    java.util.BitSet seen = new java.util.BitSet();
    for (int i = 0; i < v.size(); i++) {
      seen.set(v.ints()[i]);
    }
    seen.stream().forEach(c -> sink.accept(AttributeValue.of(name.apply(c))));
  }

  private interface Extractor {
    void values(Span s, Consumer<AttributeValue> sink);
  }

  private static Extractor extractor(String tag) {
    switch (tag) {
      case "name", "span:name" -> {
        return (s, sink) -> sink.accept(AttributeValue.of(s.name()));
      }
      case "status", "span:status" -> {
        return (s, sink) -> sink.accept(AttributeValue.of(s.statusCode().name().toLowerCase(java.util.Locale.ROOT)));
      }
      case "kind", "span:kind" -> {
        return (s, sink) -> sink.accept(AttributeValue.of(s.kind().name().toLowerCase(java.util.Locale.ROOT)));
      }
      case "statusMessage", "span:statusMessage" -> {
        return (s, sink) -> {
          if (!s.statusMessage().isEmpty()) {
            sink.accept(AttributeValue.of(s.statusMessage()));
          }
        };
      }
      default -> { }
    }
    int dot = tag.indexOf('.');
    if (dot < 0 || dot == tag.length() - 1) {
      throw new IllegalArgumentException("unknown tag \"" + tag
          + "\": use resource.<name>, span.<name>, event.<name>, link.<name>, instrumentation.<name>, .<name>, name, status, kind or statusMessage");
    }
    String scope = tag.substring(0, dot);
    String key = tag.substring(dot + 1);
    return switch (scope) {
      case "resource" -> (s, sink) -> s.resource().attributes().get(key).ifPresent(sink);
      case "span" -> (s, sink) -> s.attributes().get(key).ifPresent(sink);
      case "" -> (s, sink) -> {
        s.attributes().get(key).ifPresent(sink);
        s.resource().attributes().get(key).ifPresent(sink);
      };
      case "event" -> (s, sink) -> s.events().forEach(e -> e.attributes().get(key).ifPresent(sink));
      case "link" -> (s, sink) -> s.links().forEach(l -> l.attributes().get(key).ifPresent(sink));
      case "instrumentation" -> (s, sink) -> s.scope().attributes().get(key).ifPresent(sink);
      default -> throw new IllegalArgumentException("unknown scope \"" + scope + "\" in tag \"" + tag
          + "\": use resource, span, event, link or instrumentation");
    };
  }

  /** By type, then by the value's text (numbers numerically), then by encoding. */
  private static final Comparator<AttributeValue> ORDER = (a, b) -> {
    int c = Integer.compare(a.type().code(), b.type().code());
    if (c != 0) {
      return c;
    }
    return switch (a.type()) {
      case LONG -> Long.compare(((AttributeValue.LongValue) a).value(), ((AttributeValue.LongValue) b).value());
      case DOUBLE -> Double.compare(((AttributeValue.DoubleValue) a).value(), ((AttributeValue.DoubleValue) b).value());
      default -> {
        int t = a.asText().compareTo(b.asText());
        // different values may print alike (an array of one empty string and an empty array)
        yield t != 0 || a.equals(b) ? t
            : java.util.Arrays.compare(io.tracestore.core.codec.SpanCodec.encodeValue(a), io.tracestore.core.codec.SpanCodec.encodeValue(b));
      }
    };
  };
}
