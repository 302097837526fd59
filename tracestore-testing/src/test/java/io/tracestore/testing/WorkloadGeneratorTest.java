package io.tracestore.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanId;
import io.tracestore.api.SpanKind;
import io.tracestore.api.SpanLink;
import io.tracestore.api.StatusCode;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class WorkloadGeneratorTest {

  private static final long TWO_SECONDS = 2_000_000_000L;

  @Test
  void the_same_seed_gives_identical_spans() {
    assertThat(WorkloadGenerator.generate(7, 20_000)).isEqualTo(WorkloadGenerator.generate(7, 20_000));
    WorkloadConfig config = WorkloadConfig.ofSeed(3).withErrorRate(0.3).withHugeTraceProbability(0.05);
    assertThat(new WorkloadGenerator(config).nextTraces(200)).isEqualTo(new WorkloadGenerator(config).nextTraces(200));
  }

  @Test
  void different_seeds_give_different_spans() {
    List<Span> a = WorkloadGenerator.generate(1, 1_000);
    List<Span> b = WorkloadGenerator.generate(2, 1_000);
    assertThat(a).isNotEqualTo(b);
    assertThat(a.get(0).traceId()).isNotEqualTo(b.get(0).traceId());
  }

  @Test
  void every_span_has_valid_ids_and_ends_no_earlier_than_it_starts() {
    for (Span s : WorkloadGenerator.generate(11, 50_000)) {
      assertThat(s.traceId().isValid()).isTrue();
      assertThat(s.spanId().isValid()).isTrue();
      assertThat(s.endUnixNano()).isGreaterThanOrEqualTo(s.startUnixNano());
      assertThat(s.startUnixNano()).isGreaterThanOrEqualTo(WorkloadConfig.DEFAULT_START_UNIX_NANO);
      assertThat(s.flags() & 1).as("sampled flag").isEqualTo(1);
      assertThat(s.name()).isNotEmpty();
      assertThat(s.serviceName()).isNotEmpty();
    }
  }

  @Test
  void every_trace_has_exactly_one_root_no_orphans_unique_span_ids_and_children_within_their_parent() {
    WorkloadGenerator g = new WorkloadGenerator(WorkloadConfig.ofSeed(5).withHugeTraceProbability(0.01).withErrorRate(0.1));
    for (int t = 0; t < 3_000; t++) {
      List<Span> spans = g.nextTraceSpans();
      Trace trace = new Trace(spans.get(0).traceId(), spans); // rejects duplicate span ids
      assertThat(spans).allMatch(s -> s.traceId().equals(trace.traceId()));
      assertThat(spans.stream().map(Span::spanId).distinct().count()).isEqualTo(spans.size());
      assertThat(trace.roots()).hasSize(1);
      assertThat(spans.get(0).isRoot()).as("root first").isTrue();
      assertThat(trace.orphans()).isEmpty();
      for (Span s : spans) {
        if (s.isRoot()) {
          continue;
        }
        Span parent = trace.span(s.parentSpanId());
        assertThat(s.startUnixNano()).as("%s starts after parent %s", s.name(), parent.name())
            .isGreaterThanOrEqualTo(parent.startUnixNano());
        assertThat(s.endUnixNano()).as("%s ends before parent %s", s.name(), parent.name())
            .isLessThanOrEqualTo(parent.endUnixNano());
        for (SpanEvent e : s.events()) {
          assertThat(e.timeUnixNano()).isBetween(s.startUnixNano(), s.endUnixNano());
        }
      }
    }
  }

  @Test
  void span_kinds_follow_the_call_graph() {
    WorkloadGenerator g = new WorkloadGenerator(11);
    Set<SpanKind> kinds = EnumSet.noneOf(SpanKind.class);
    for (int t = 0; t < 2_000; t++) {
      Trace trace = g.nextTrace();
      for (Span s : trace.spans()) {
        kinds.add(s.kind());
        if (s.kind() == SpanKind.SERVER && !s.isRoot()) {
          Span parent = trace.span(s.parentSpanId());
          assertThat(parent.kind()).isEqualTo(SpanKind.CLIENT);
          assertThat(parent.serviceName()).isNotEqualTo(s.serviceName());
          assertThat(s.flags()).as("remote parent").isEqualTo(0x301);
        }
        if (s.isRoot()) {
          assertThat(s.kind()).isIn(SpanKind.SERVER, SpanKind.CONSUMER);
        }
        if (s.attributes().get("db.system").isPresent()) {
          assertThat(s.kind()).isEqualTo(SpanKind.CLIENT);
          assertThat(s.attributes().getString("net.peer.name")).isIn("postgres", "redis");
        }
      }
    }
    assertThat(kinds).containsExactlyInAnyOrder(
        SpanKind.SERVER, SpanKind.CLIENT, SpanKind.INTERNAL, SpanKind.PRODUCER, SpanKind.CONSUMER);
  }

  @Test
  void consumer_traces_link_to_a_producer_span_of_an_earlier_trace() {
    WorkloadGenerator g = new WorkloadGenerator(21);
    Map<SpanId, TraceId> producers = new java.util.HashMap<>();
    int consumers = 0;
    for (int t = 0; t < 3_000; t++) {
      for (Span s : g.nextTraceSpans()) {
        if (s.kind() == SpanKind.PRODUCER) {
          producers.put(s.spanId(), s.traceId());
        }
        if (s.kind() == SpanKind.CONSUMER) {
          consumers++;
          assertThat(s.isRoot()).isTrue();
          assertThat(s.links()).hasSize(1);
          SpanLink link = s.links().get(0);
          assertThat(producers).containsEntry(link.spanId(), link.traceId());
        }
      }
    }
    assertThat(consumers).isGreaterThan(100);
  }

  @Test
  void the_error_rate_is_close_to_the_configured_rate_and_errors_propagate_with_details() {
    WorkloadGenerator g = new WorkloadGenerator(WorkloadConfig.ofSeed(9).withErrorRate(0.05));
    int traces = 6_000;
    int errorTraces = 0;
    int propagatedToRoot = 0;
    for (int t = 0; t < traces; t++) {
      List<Span> spans = g.nextTraceSpans();
      List<Span> errors = spans.stream().filter(s -> s.statusCode() == StatusCode.ERROR).toList();
      if (errors.isEmpty()) {
        continue;
      }
      errorTraces++;
      if (spans.get(0).statusCode() == StatusCode.ERROR) {
        propagatedToRoot++;
      }
      assertThat(errors).allMatch(s -> !s.statusMessage().isEmpty());
      assertThat(errors).anyMatch(s -> s.events().stream().anyMatch(e -> e.name().equals("exception")
          && e.attributes().getString("exception.type") != null
          && e.attributes().getString("exception.message") != null
          && e.attributes().getString("exception.stacktrace") != null));
      for (Span s : errors) {
        if (s.kind() == SpanKind.SERVER && s.attributes().get("http.status_code").isPresent()) {
          assertThat(((AttributeValue.LongValue) s.attributes().get("http.status_code").get()).value())
              .isGreaterThanOrEqualTo(400);
        }
      }
    }
    assertThat(errorTraces / (double) traces).isBetween(0.04, 0.06);
    assertThat(propagatedToRoot).isGreaterThan(0).isLessThan(errorTraces);
  }

  @Test
  void an_error_rate_of_zero_gives_no_error_spans() {
    WorkloadGenerator g = new WorkloadGenerator(WorkloadConfig.ofSeed(9).withErrorRate(0));
    assertThat(g.spans(50_000)).noneMatch(s -> s.statusCode() == StatusCode.ERROR);
  }

  @Test
  void attributes_of_every_type_occur() {
    Set<AttributeValue.Type> types = EnumSet.noneOf(AttributeValue.Type.class);
    Set<String> keys = new HashSet<>();
    for (Span s : WorkloadGenerator.generate(4, 20_000)) {
      for (int i = 0; i < s.attributes().size(); i++) {
        types.add(s.attributes().value(i).type());
        keys.add(s.attributes().key(i));
      }
    }
    assertThat(types).containsExactlyInAnyOrder(AttributeValue.Type.values());
    assertThat(keys).contains("http.method", "http.route", "http.status_code", "http.url", "net.peer.name",
        "db.system", "db.statement", "rpc.service", "user.id", "session.id", "cart.items", "order.amount",
        "feature.flag.enabled", "payload.hash", "tags", "retry.policy", "messaging.system");
  }

  @Test
  void typed_attributes_have_the_expected_types() {
    for (Span s : WorkloadGenerator.generate(4, 20_000)) {
      s.attributes().get("http.status_code").ifPresent(v -> assertThat(v).isInstanceOf(AttributeValue.LongValue.class));
      s.attributes().get("cart.items").ifPresent(v -> assertThat(v).isInstanceOf(AttributeValue.LongValue.class));
      s.attributes().get("order.amount").ifPresent(v -> assertThat(v).isInstanceOf(AttributeValue.DoubleValue.class));
      s.attributes().get("feature.flag.enabled").ifPresent(v -> assertThat(v).isInstanceOf(AttributeValue.BooleanValue.class));
      s.attributes().get("payload.hash").ifPresent(v -> assertThat(v).isInstanceOf(AttributeValue.BytesValue.class));
      s.attributes().get("tags").ifPresent(v -> assertThat(v).isInstanceOf(AttributeValue.ArrayValue.class));
      s.attributes().get("retry.policy").ifPresent(v -> assertThat(v).isInstanceOf(AttributeValue.KeyValueListValue.class));
    }
  }

  @Test
  void resources_are_shared_per_service_instance() {
    Map<Resource, Boolean> identities = new IdentityHashMap<>();
    Set<String> services = new HashSet<>();
    for (Span s : WorkloadGenerator.generate(8, 50_000)) {
      identities.put(s.resource(), Boolean.TRUE);
      services.add(s.serviceName());
      assertThat(s.resource().attributes().getString("k8s.pod.name")).startsWith(s.serviceName() + "-");
      assertThat(s.resource().attributes().getString("telemetry.sdk.language")).isNotNull();
      assertThat(s.scope().name()).isNotEmpty();
    }
    assertThat(services).contains("frontend", "checkout", "cart", "payment", "shipping", "currency", "email",
        "product-catalog");
    assertThat(identities.size()).isLessThanOrEqualTo(services.size() * WorkloadConfig.DEFAULT_INSTANCES_PER_SERVICE);
    assertThat(identities.size()).isGreaterThan(services.size());
  }

  @Test
  void huge_traces_appear_when_configured() {
    WorkloadGenerator g = new WorkloadGenerator(WorkloadConfig.ofSeed(13).withHugeTraceProbability(0.05));
    List<Integer> sizes = g.nextTraces(300).stream().map(t -> t.spans().size()).toList();
    assertThat(sizes).anyMatch(n -> n >= 1_000);
  }

  @Test
  void no_huge_traces_appear_when_disabled() {
    WorkloadGenerator g = new WorkloadGenerator(WorkloadConfig.ofSeed(13).withHugeTraceProbability(0));
    for (int t = 0; t < 5_000; t++) {
      assertThat(g.nextTraceSpans().size()).isLessThan(200);
    }
  }

  @Test
  void the_default_config_yields_spans_longer_than_two_seconds_and_about_two_percent_error_traces() {
    WorkloadGenerator g = new WorkloadGenerator(WorkloadConfig.defaults());
    long spans = 0;
    long slow = 0;
    long traces = 0;
    long errorTraces = 0;
    while (spans < 200_000) {
      List<Span> trace = g.nextTraceSpans();
      traces++;
      spans += trace.size();
      boolean error = false;
      for (Span s : trace) {
        if (s.durationNanos() > TWO_SECONDS) {
          slow++;
        }
        error |= s.statusCode() == StatusCode.ERROR;
      }
      if (error) {
        errorTraces++;
      }
    }
    assertThat(slow).isGreaterThan(0).isLessThan(spans / 100);
    assertThat(errorTraces / (double) traces).isBetween(0.01, 0.03);
    assertThat(g.tracesGenerated()).isEqualTo(traces);
    assertThat(g.spansGenerated()).isEqualTo(spans);
  }

  @Test
  void requested_span_counts_are_met_with_whole_traces() {
    List<Span> spans = WorkloadGenerator.generate(1, 12_345);
    assertThat(spans.size()).isGreaterThanOrEqualTo(12_345);
    Span last = spans.get(spans.size() - 1);
    // the last trace is complete: removing it drops below the requested count
    long lastTraceSpans = spans.stream().filter(s -> s.traceId().equals(last.traceId())).count();
    assertThat(spans.size() - lastTraceSpans).isLessThan(12_345);

    assertThat(new WorkloadGenerator(1).spans(1_000).count()).isGreaterThanOrEqualTo(1_000);
    assertThat(new WorkloadGenerator(1).spans(0).count()).isZero();
    assertThat(new WorkloadGenerator(1).nextSpans(0)).isEmpty();
    assertThat(new WorkloadGenerator(1).nextTraces(25)).hasSize(25);
  }

  @Test
  void the_span_stream_delivers_whole_traces_one_after_the_other() {
    List<Span> streamed = new WorkloadGenerator(17).spans(5_000).toList();
    List<Span> listed = new WorkloadGenerator(17).nextSpans(5_000);
    assertThat(streamed).isEqualTo(listed);
    List<TraceId> runs = new ArrayList<>();
    for (Span s : streamed) {
      if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(s.traceId())) {
        runs.add(s.traceId());
      }
    }
    assertThat(new HashSet<>(runs)).as("each trace is one contiguous run").hasSize(runs.size());
  }

  @Test
  void traces_spread_over_simulated_time_at_the_configured_rate() {
    WorkloadConfig config = WorkloadConfig.ofSeed(2).withTracesPerSecond(50);
    List<Trace> traces = new WorkloadGenerator(config).nextTraces(2_000);
    long first = traces.stream().mapToLong(Trace::startUnixNano).min().orElseThrow();
    long last = traces.stream().mapToLong(Trace::startUnixNano).max().orElseThrow();
    assertThat(first).isGreaterThanOrEqualTo(config.startUnixNano());
    double seconds = (last - first) / 1e9;
    assertThat(seconds).isBetween(30.0, 50.0); // ~2,000 / 50
  }

  @Test
  void trace_state_is_shared_by_a_trace_and_sometimes_set() {
    WorkloadGenerator g = new WorkloadGenerator(6);
    int withState = 0;
    for (int t = 0; t < 2_000; t++) {
      List<Span> spans = g.nextTraceSpans();
      assertThat(spans.stream().map(Span::traceState).collect(Collectors.toSet())).hasSize(1);
      if (!spans.get(0).traceState().isEmpty()) {
        withState++;
      }
    }
    assertThat(withState).isBetween(40, 400);
  }

  @Test
  void dropped_counts_are_occasionally_non_zero() {
    List<Span> spans = WorkloadGenerator.generate(12, 50_000);
    assertThat(spans).anyMatch(s -> s.droppedAttributesCount() > 0);
    assertThat(spans).anyMatch(s -> s.droppedEventsCount() > 0);
    assertThat(spans).anyMatch(s -> s.droppedLinksCount() > 0);
    assertThat(spans).anyMatch(s -> !s.events().isEmpty());
    assertThat(spans.stream().filter(s -> s.droppedAttributesCount() > 0).count()).isLessThan(spans.size() / 50);
  }

  @Test
  void the_browse_only_topology_stays_within_browsing_services() {
    WorkloadGenerator g = new WorkloadGenerator(WorkloadConfig.ofSeed(3).withTopology(Topology.BROWSE_ONLY));
    Set<String> services = g.spans(20_000).map(Span::serviceName).collect(Collectors.toSet());
    assertThat(services).containsExactlyInAnyOrder("frontend", "product-catalog", "currency", "recommendation");
  }

  @Test
  void one_instance_per_service_gives_one_resource_per_service() {
    WorkloadGenerator g = new WorkloadGenerator(WorkloadConfig.ofSeed(3).withInstancesPerService(1));
    Map<Resource, Boolean> identities = new IdentityHashMap<>();
    Set<String> services = new HashSet<>();
    g.spans(20_000).forEach(s -> {
      identities.put(s.resource(), Boolean.TRUE);
      services.add(s.serviceName());
    });
    assertThat(identities).hasSize(services.size());
  }

  @Test
  void invalid_configs_are_rejected() {
    WorkloadConfig d = WorkloadConfig.defaults();
    assertThatThrownBy(() -> d.withErrorRate(1.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("errorRate");
    assertThatThrownBy(() -> d.withTracesPerSecond(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withHugeTraceProbability(-0.1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withHugeTraceMinSpans(3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withInstancesPerService(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withTopology(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void the_default_start_is_the_first_of_november_2026() {
    assertThat(WorkloadConfig.defaults().startUnixNano())
        .isEqualTo(java.time.Instant.parse("2026-11-01T00:00:00Z").getEpochSecond() * 1_000_000_000L);
    assertThat(WorkloadConfig.defaults().withStart(java.time.Instant.ofEpochSecond(10, 5)).startUnixNano())
        .isEqualTo(10_000_000_005L);
    assertThat(Collections.singleton(WorkloadConfig.ofSeed(42))).containsExactly(WorkloadConfig.defaults());
  }
}
