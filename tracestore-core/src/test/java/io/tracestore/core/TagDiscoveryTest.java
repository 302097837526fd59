package io.tracestore.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class TagDiscoveryTest {
  private static Span span(long id, Resource r, Attributes a, long start) {
    return Span.builder().traceId(TraceId.of(id, id)).spanId(SpanId.of(id)).name("op" + (id % 2))
        .resource(r).attributes(a).startUnixNano(start).endUnixNano(start + 10).build();
  }

  @Test
  void tagNamesAndValuesCoverTheHeadAndBlocksWithinTheTimeRange() {
    Resource a = Resource.of(Attributes.builder().put("service.name", "a").put("region", "eu").build());
    Resource b = Resource.of(Attributes.builder().put("service.name", "b").build());
    try (TraceStore store = TraceStores.inMemory()) {
      store.append(span(1, a, Attributes.builder().put("code", 500L).build(), 1_000));
      store.flush();
      store.append(span(2, b, Attributes.builder().put("code", 42L).put("region", "us").build(), 2_000));
      store.append(span(3, b, Attributes.builder().put("code", 7L).build(), 900_000));
      assertThat(store.tagNames(0, Long.MAX_VALUE).get("resource")).containsExactly("region", "service.name");
      assertThat(store.tagNames(0, Long.MAX_VALUE).get("span")).containsExactly("code", "region");
      assertThat(store.tagValues("span.code", 0, Long.MAX_VALUE, 0))
          .as("numbers in numeric order").containsExactly(AttributeValue.of(7L), AttributeValue.of(42L), AttributeValue.of(500L));
      assertThat(store.tagValues("span.code", 0, 10_000, 0)).as("time range").hasSize(2);
      assertThat(store.tagValues(".region", 0, Long.MAX_VALUE, 0)).as("unscoped: span and resource")
          .containsExactly(AttributeValue.of("eu"), AttributeValue.of("us"));
      assertThat(store.tagValues("resource.service.name", 0, Long.MAX_VALUE, 1)).containsExactly(AttributeValue.of("a"));
      assertThat(store.tagValues("name", 0, Long.MAX_VALUE, 0)).containsExactly(AttributeValue.of("op0"), AttributeValue.of("op1"));
      assertThatThrownBy(() -> store.tagValues("bogus", 0, 1, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown tag");
      assertThatThrownBy(() -> store.tagValues("trace.x", 0, 1, 0)).hasMessageContaining("unknown scope");
      List<String> none = store.tagNames(5_000_000, 6_000_000).get("span");
      assertThat(none).isEmpty();
    }
  }
}
