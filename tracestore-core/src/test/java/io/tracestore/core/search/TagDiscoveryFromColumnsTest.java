package io.tracestore.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.Span;
import io.tracestore.api.TraceStore;
import io.tracestore.core.RandomSpans;
import io.tracestore.core.TraceStores;
import io.tracestore.core.storage.InMemoryObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Tag discovery over blocks (dictionaries and columns) agrees with discovery over every decoded span,
 * for random spans of every attribute type and scope, cut into several blocks with the rest in the head.
 */
@DisplayName("Tag discovery from block columns")
class TagDiscoveryFromColumnsTest {

  @Test
  @DisplayName("finds the same tag names and values as decoding every span")
  void agreesWithDecodedSpans() {
    for (long seed = 1; seed <= 4; seed++) {
      RandomSpans random = new RandomSpans(seed);
      List<Span> all = new ArrayList<>();
      try (TraceStore store = TraceStores.builder().objectStore(new InMemoryObjectStore()).build()) {
        for (int batch = 0; batch < 4; batch++) {
          List<Span> spans = new ArrayList<>(random.trace(40 + batch));
          for (int t = 0; t < 30; t++) {
            spans.addAll(random.trace(1 + t % 7));
          }
          store.append(spans);
          all.addAll(spans);
          if (batch < 3) {
            store.flush();
          }
        }
        TraceSource decoded = Fixtures.source(all);
        Map<String, List<String>> expected = TagDiscovery.tagNames(decoded, 0, Long.MAX_VALUE);
        assertThat(store.tagNames(0, Long.MAX_VALUE)).as("seed %d", seed).isEqualTo(expected);
        int checked = 0;
        for (Map.Entry<String, List<String>> scope : expected.entrySet()) {
          for (String key : scope.getValue()) {
            String tag = scope.getKey() + "." + key;
            assertThat(store.tagValues(tag, 0, Long.MAX_VALUE, 0)).as("seed %d, %s", seed, tag)
                .isEqualTo(TagDiscovery.tagValues(decoded, tag, 0, Long.MAX_VALUE, 0));
            checked++;
          }
        }
        for (String tag : List.of("name", "status", "kind", "statusMessage")) {
          assertThat(store.tagValues(tag, 0, Long.MAX_VALUE, 0)).as("seed %d, %s", seed, tag)
              .isEqualTo(TagDiscovery.tagValues(decoded, tag, 0, Long.MAX_VALUE, 0));
        }
        assertThat(checked).isGreaterThan(5);
      }
    }
  }
}
