package io.tracestore.core.search;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A span set during evaluation: sorted indexes of its spans in the {@link TraceView}, and the
 * values pipeline stages attached to it ({@code count()}, {@code by(...)} keys) by name, in the
 * order attached (a value may be nil, i.e. null). Immutable.
 */
final class SpanSetData {
  static final Map<String, Object> NO_ATTRIBUTES = Collections.emptyMap();

  final int[] spans;
  final Map<String, Object> attributes;

  SpanSetData(int[] spans, Map<String, Object> attributes) {
    this.spans = spans;
    this.attributes = attributes;
  }

  /** Every span of a trace with {@code n} spans. */
  static SpanSetData all(int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    return new SpanSetData(idx, NO_ATTRIBUTES);
  }

  /** These spans with this set's attributes. */
  SpanSetData withSpans(int[] idx) {
    return new SpanSetData(idx, attributes);
  }

  /** This set with one more attribute. */
  SpanSetData with(String name, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(attributes);
    m.remove(name); // a re-computed value moves to the end
    m.put(name, value);
    return new SpanSetData(spans, Collections.unmodifiableMap(m));
  }
}
