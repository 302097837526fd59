package io.tracestore.core.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.Span;
import io.tracestore.api.TraceId;
import io.tracestore.core.RandomSpans;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HeadBlockTest {
  @Test
  void aReaderSeesEachTraceAsAPrefixOfItsAppendsWhileOneWriterAppends() throws Exception {
    List<Span> template = new RandomSpans(3).traces(1, 1);
    int traces = 8;
    int perTrace = 20_000;
    List<List<Span>> expected = new ArrayList<>();
    for (int t = 0; t < traces; t++) {
      List<Span> spans = new ArrayList<>(perTrace);
      for (int i = 0; i < perTrace; i++) {
        spans.add(template.get(0).toBuilder().traceId(TraceId.of(1, t + 1))
            .spanId(io.tracestore.api.SpanId.of(i + 1)).build());
      }
      expected.add(spans);
    }
    HeadBlock head = new HeadBlock();
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> problem = new AtomicReference<>();
    int[] checks = new int[1];
    Thread reader = new Thread(() -> {
      while (!done.get() && problem.get() == null) {
        head.forEachTrace((id, spans) -> {
          List<Span> want = expected.get((int) id.low() - 1);
          int n = spans.size();
          for (int i = n - 1; i >= Math.max(0, n - 5); i--) { // the newest slots: the ones a racing append fills
            if (spans.get(i) != want.get(i)) {
              problem.compareAndSet(null, "trace " + id + " slot " + i + " of " + n + " is " + spans.get(i));
            }
          }
          if (n > 0 && spans.get(0) != want.get(0)) {
            problem.compareAndSet(null, "trace " + id + " does not start with its first span");
          }
          checks[0]++;
        });
      }
    });
    reader.start();
    long[] size = {100};
    for (int i = 0; i < perTrace; i++) {
      for (int t = 0; t < traces; t++) {
        head.add(List.of(expected.get(t).get(i)), size, i);
      }
    }
    done.set(true);
    reader.join(30_000);
    assertThat(problem.get()).isNull();
    assertThat(checks[0]).as("views checked while appending").isPositive();
    assertThat(head.spanCount()).isEqualTo((long) traces * perTrace);
    assertThat(head.traceBytes(TraceId.of(1, 1))).isEqualTo(100L * perTrace);
    for (int t = 0; t < traces; t++) {
      assertThat(head.get(TraceId.of(1, t + 1))).containsExactlyElementsOf(expected.get(t));
    }
  }

  @Test
  void aViewKeepsWhatItSawAfterMoreAppendsAndAfterTheTraceLeaves() {
    Span template = new RandomSpans(5).traces(1, 1).get(0);
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      spans.add(template.toBuilder().spanId(io.tracestore.api.SpanId.of(i + 1)).build());
    }
    HeadBlock head = new HeadBlock();
    long[] one = {10};
    head.add(spans.subList(0, 1), one, 0);
    List<Span> view = head.get(spans.get(0).traceId());
    for (int i = 1; i < spans.size(); i++) {
      head.add(spans.subList(i, i + 1), one, i);
    }
    assertThat(view).containsExactly(spans.get(0));
    HeadBlock.Taken taken = head.take(true, 0);
    assertThat(taken.traces().values().stream().flatMap(List::stream).toList()).containsExactlyElementsOf(spans);
    head.remove(taken.traces().keySet(), 10);
    assertThat(head.get(spans.get(0).traceId())).isEmpty();
    assertThat(head.spanCount()).isZero();
    assertThat(head.bytes()).isZero();
    assertThat(view).containsExactly(spans.get(0));
    Map<TraceId, List<Span>> seen = new java.util.HashMap<>();
    head.forEachTrace(seen::put);
    assertThat(seen).isEmpty();
  }
}
