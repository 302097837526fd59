package io.tracestore.core.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.Span;
import io.tracestore.api.SpanId;
import io.tracestore.api.TraceId;
import io.tracestore.core.RandomSpans;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TraceLayoutTest {

  @Test
  void rowsAreTheSameWhetherSpansArriveShuffledSortedOrInRunsOfOneTrace() {
    for (int seed = 0; seed < 20; seed++) {
      RandomSpans generator = new RandomSpans(seed);
      Random random = new Random(seed);
      List<Span> spans = generator.traces(400, 60); // traces above and below the small-trace limit
      List<Span> repeats = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        Span s = spans.get(random.nextInt(spans.size()));
        repeats.add(s); // the same span again
        long later = 1 + random.nextInt(1_000);
        repeats.add(s.toBuilder().name("a later copy").startUnixNano(s.startUnixNano() + later)
            .endUnixNano(s.endUnixNano() + later).build()); // its span id again, starting later: dropped
      }

      List<Span> shuffled = new ArrayList<>(spans);
      shuffled.addAll(repeats);
      Collections.shuffle(shuffled, random);

      // as a cut hands them over (trace by trace, in no particular order) and as a merge concatenates
      // blocks (some traces in two runs far apart), each run in reverse start order
      List<List<Span>> traces = new ArrayList<>(RandomSpans.byTrace(spans).values());
      Collections.shuffle(traces, random);
      List<Span> inRuns = new ArrayList<>();
      List<Span> laterRuns = new ArrayList<>();
      for (List<Span> trace : traces) {
        List<Span> run = new ArrayList<>(trace);
        Collections.reverse(run);
        if (run.size() > 1 && random.nextInt(4) == 0) {
          inRuns.addAll(run.subList(0, run.size() / 2));
          laterRuns.addAll(run.subList(run.size() / 2, run.size()));
        } else {
          inRuns.addAll(run);
        }
      }
      inRuns.addAll(laterRuns);
      inRuns.addAll(repeats);

      List<Span> sorted = new ArrayList<>(spans);
      sorted.sort(TraceLayout.BLOCK_ORDER);

      List<SpanRow> expected = TraceLayout.layout(sorted);
      assertThat(expected).extracting(SpanRow::span).as("seed %d", seed).containsExactlyElementsOf(sorted);
      assertThat(TraceLayout.layout(shuffled)).as("shuffled, seed %d", seed).isEqualTo(expected);
      assertThat(TraceLayout.layout(inRuns)).as("in runs, seed %d", seed).isEqualTo(expected);
    }
  }

  @Test
  void eachSpanIdOfATraceIsKeptOnceTheEarliestStartingCopy() {
    List<Span> trace = new RandomSpans(7).trace(50);
    List<Span> input = new ArrayList<>();
    for (Span s : trace) {
      input.add(s.toBuilder().name("later").startUnixNano(s.startUnixNano() + 5).endUnixNano(s.endUnixNano() + 5).build());
      input.add(s);
    }
    List<SpanRow> rows = TraceLayout.layout(input);
    assertThat(rows).extracting(SpanRow::span).containsExactlyInAnyOrderElementsOf(trace);
    Set<Map.Entry<TraceId, SpanId>> ids = new HashSet<>();
    for (SpanRow row : rows) {
      assertThat(ids.add(Map.entry(row.span().traceId(), row.span().spanId()))).isTrue();
    }
  }

  @Test
  void noSpansMakeNoRows() {
    assertThat(TraceLayout.layout(List.of())).isEmpty();
  }
}
