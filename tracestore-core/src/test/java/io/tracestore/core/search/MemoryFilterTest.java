package io.tracestore.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.Attribute;
import io.tracestore.api.Attributes;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.SpanKind;
import io.tracestore.api.StatusCode;
import io.tracestore.api.TraceId;
import io.tracestore.core.block.BlockSchema;
import io.tracestore.core.head.HeadBlock;
import io.tracestore.core.head.SpanSummary;
import io.tracestore.core.search.plan.SpanPredicate;
import io.tracestore.core.search.plan.StringMatcher;
import io.tracestore.core.search.plan.TraceCondition;
import io.tracestore.traceql.ast.BinaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MemoryFilterTest {
  private static final BinaryOp[] OPS = {BinaryOp.EQ, BinaryOp.NEQ, BinaryOp.LT, BinaryOp.LTE, BinaryOp.GT, BinaryOp.GTE};
  private static final String[] SERVICES = {"checkout", "cart", "auth", "db", "web", "queue"};

  @Test
  void flagsFromTheHeadsSummariesAreTheFlagsFromReadingEverySpan() {
    long seed = Long.getLong("tracestore.test.seed", System.nanoTime());
    Random rnd = new Random(seed);
    int ruledOut = 0;
    int decisions = 0;
    for (int round = 0; round < 40; round++) {
      List<Resource> resources = new ArrayList<>();
      for (String service : SERVICES) {
        resources.add(Resource.of(Attributes.of(Attribute.of(Resource.SERVICE_NAME, service),
            Attribute.of("zone", rnd.nextInt(3)))));
      }
      HeadBlock head = new HeadBlock();
      int traces = 1 + rnd.nextInt(40);
      for (int t = 0; t < traces; t++) {
        // few resources per trace mostly (known to the summary), sometimes more than it remembers
        int services = rnd.nextInt(8) == 0 ? SERVICES.length : 1 + rnd.nextInt(3);
        int spans = 1 + rnd.nextInt(12);
        List<Span> batch = new ArrayList<>();
        for (int i = 0; i < spans; i++) {
          batch.add(span(rnd, TraceId.of(round + 1, t + 1), i, resources.get(rnd.nextInt(services))));
        }
        long[] sizes = new long[batch.size()];
        Arrays.fill(sizes, 100);
        head.add(batch, sizes, 0);
      }
      Map<TraceId, List<Span>> views = new HashMap<>();
      head.forEachTrace(views::put);
      for (int q = 0; q < 30; q++) {
        List<TraceCondition.Exists> leaves = new ArrayList<>();
        for (int l = 1 + rnd.nextInt(3); l > 0; l--) {
          leaves.add(new TraceCondition.Exists(predicate(rnd, 2), rnd.nextInt(3)));
        }
        MemoryFilter filter = MemoryFilter.of(leaves);
        for (List<Span> view : views.values()) {
          assertThat(SpanSummary.of(view)).isNotNull();
          List<Span> copy = new ArrayList<>(view); // no summary: every span read
          for (boolean atLeastOne : new boolean[] {true, false}) {
            boolean[] expected = filter.flags(copy, atLeastOne);
            assertThat(filter.flags(view, atLeastOne)).as("seed %d, leaves %s, spans %s", seed, leaves, copy)
                .isEqualTo(expected);
            for (int i = 0; i < expected.length; i++) {
              decisions++;
              if (!expected[i]) {
                ruledOut++;
              }
            }
          }
        }
      }
    }
    assertThat(ruledOut).as("leaves no span passes (seed %d)", seed).isGreaterThan(decisions / 10);
  }

  @Test
  void aSummaryRulesOutDurationsStatusesKindsAndResourcesItDoesNotHold() {
    Resource checkout = Resource.of(Attributes.of(Attribute.of(Resource.SERVICE_NAME, "checkout")));
    HeadBlock head = new HeadBlock();
    TraceId id = TraceId.of(1, 1);
    List<Span> spans = List.of(
        Span.builder().traceId(id).spanId(SpanId.of(1)).name("a").startUnixNano(0).endUnixNano(100)
            .kind(SpanKind.SERVER).status(StatusCode.OK, "").resource(checkout).build(),
        Span.builder().traceId(id).spanId(SpanId.of(2)).name("b").startUnixNano(0).endUnixNano(300)
            .kind(SpanKind.CLIENT).status(StatusCode.UNSET, "").resource(checkout).build());
    head.add(spans, new long[] {1, 1}, 0);
    SpanSummary s = SpanSummary.of(head.get(id));
    assertThat(s.minDurationNanos()).isEqualTo(100);
    assertThat(s.maxDurationNanos()).isEqualTo(300);
    assertThat(s.statusCodes()).isEqualTo(1 << StatusCode.OK.code() | 1 << StatusCode.UNSET.code());
    assertThat(s.kinds()).isEqualTo(1 << SpanKind.SERVER.code() | 1 << SpanKind.CLIENT.code());
    assertThat(s.mayHaveResource(r -> r == checkout)).isTrue();
    assertThat(s.mayHaveResource(r -> r != checkout)).isFalse();
    assertThat(MemoryFilter.mayBeInRange(100, 300, BinaryOp.GT, 300)).isFalse();
    assertThat(MemoryFilter.mayBeInRange(100, 300, BinaryOp.GTE, 300)).isTrue();
    assertThat(MemoryFilter.mayBeInRange(100, 300, BinaryOp.LT, 100)).isFalse();
    assertThat(MemoryFilter.mayBeInRange(100, 300, BinaryOp.EQ, 200)).isTrue();
    assertThat(MemoryFilter.mayBeInRange(200, 200, BinaryOp.NEQ, 200)).isFalse();
    assertThat(SpanSummary.of(new ArrayList<>(head.get(id)))).as("a list the head did not hand out").isNull();
  }

  private static Span span(Random rnd, TraceId trace, int i, Resource resource) {
    long start = 1_000_000L * rnd.nextInt(100);
    long duration = rnd.nextInt(5) == 0 ? 0 : 1_000L * (1 + rnd.nextInt(2_000));
    Span.Builder b = Span.builder().traceId(trace).spanId(SpanId.of(i + 1)).name("op" + rnd.nextInt(4))
        .startUnixNano(start).endUnixNano(start + duration)
        .kind(SpanKind.values()[rnd.nextInt(SpanKind.values().length)])
        .status(StatusCode.values()[rnd.nextInt(3)], "").resource(resource);
    if (rnd.nextBoolean()) {
      b.attributes(Attributes.of(Attribute.of("n", (long) rnd.nextInt(10)), Attribute.of("s", "v" + rnd.nextInt(3))));
    }
    return b.build();
  }

  private static SpanPredicate predicate(Random rnd, int depth) {
    int k = rnd.nextInt(depth > 0 ? 9 : 7);
    return switch (k) {
      case 0 -> number(rnd, new SpanPredicate.Column(BlockSchema.DURATION), 1_000L * rnd.nextInt(2_200));
      case 1 -> number(rnd, new SpanPredicate.Column(BlockSchema.STATUS_CODE), rnd.nextInt(4) - 1);
      case 2 -> number(rnd, new SpanPredicate.Column(BlockSchema.KIND), rnd.nextInt(7) - 1);
      case 3 -> new SpanPredicate.StringTest(new SpanPredicate.AttributeField(true, Resource.SERVICE_NAME),
          new StringMatcher.Equals(SERVICES[rnd.nextInt(SERVICES.length)]));
      case 4 -> number(rnd, new SpanPredicate.AttributeField(true, "zone"), rnd.nextInt(4));
      case 5 -> number(rnd, new SpanPredicate.AttributeField(false, "n"), rnd.nextInt(11));
      case 6 -> rnd.nextBoolean() ? new SpanPredicate.StringTest(new SpanPredicate.Column(BlockSchema.NAME),
          new StringMatcher.Equals("op" + rnd.nextInt(5))) : new SpanPredicate.Constant(rnd.nextBoolean());
      case 7 -> new SpanPredicate.And(List.of(predicate(rnd, depth - 1), predicate(rnd, depth - 1)));
      default -> new SpanPredicate.Or(List.of(predicate(rnd, depth - 1), predicate(rnd, depth - 1)));
    };
  }

  private static SpanPredicate number(Random rnd, SpanPredicate.Field field, long constant) {
    return new SpanPredicate.NumberTest(field, OPS[rnd.nextInt(OPS.length)], constant, true);
  }
}
