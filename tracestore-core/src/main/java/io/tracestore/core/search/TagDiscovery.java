package io.tracestore.core.search;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanLink;
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
 * {@link TraceSource}; the column-reading engine will answer from block dictionaries instead.
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
      for (Span s : trace.spans()) {
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
      return true;
    });
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
    List<AttributeValue> out = new ArrayList<>(values);
    return limit > 0 && out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
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

  /** By type, then by the value's text (numbers numerically). */
  private static final Comparator<AttributeValue> ORDER = (a, b) -> {
    int c = Integer.compare(a.type().code(), b.type().code());
    if (c != 0) {
      return c;
    }
    return switch (a.type()) {
      case LONG -> Long.compare(((AttributeValue.LongValue) a).value(), ((AttributeValue.LongValue) b).value());
      case DOUBLE -> Double.compare(((AttributeValue.DoubleValue) a).value(), ((AttributeValue.DoubleValue) b).value());
      default -> a.asText().compareTo(b.asText());
    };
  };
}
