package io.tracestore.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CandidateQueueTest {
  private record Candidate(long start, long high, long low, int index) {}

  /** Newest start first, then the smaller id (unsigned), as the queue orders. */
  private static final Comparator<Candidate> BEST_FIRST = Comparator.comparingLong(Candidate::start).reversed()
      .thenComparing(Candidate::high, Long::compareUnsigned).thenComparing(Candidate::low, Long::compareUnsigned);

  @Test
  void passesOfABoundedQueueHandOutEveryCandidateOnceBestFirst() {
    Random rnd = new Random(11);
    for (int round = 0; round < 200; round++) {
      int n = rnd.nextInt(300);
      int capacity = 2 + rnd.nextInt(20);
      List<Candidate> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        // few distinct starts and ids with the sign bit set: ties on start are ordered by unsigned id
        all.add(new Candidate(rnd.nextInt(8), rnd.nextInt(4) - 2L, rnd.nextLong(), i));
      }
      List<Integer> handedOut = new ArrayList<>();
      CandidateQueue.Key after = null;
      int passes = 0;
      do {
        CandidateQueue q = new CandidateQueue(capacity, after);
        for (Candidate c : all) {
          q.add(c.start(), c.high(), c.low(), 0, c.index());
        }
        assertThat(q.size()).isLessThanOrEqualTo(capacity);
        for (int[] next = q.next(1 + rnd.nextInt(5)); next.length > 0; next = q.next(1 + rnd.nextInt(5))) {
          for (int c : next) {
            handedOut.add(q.index(c));
          }
        }
        after = q.bound();
        passes++;
      } while (after != null);
      List<Integer> expected = all.stream().sorted(BEST_FIRST).map(Candidate::index).toList();
      assertThat(handedOut).as("round %d: %d candidates, capacity %d, %d passes", round, n, capacity, passes)
          .isEqualTo(expected);
      if (n > capacity) {
        assertThat(passes).isGreaterThan(1);
      }
    }
  }

  @Test
  void anUnboundedQueueNeverDrops() {
    CandidateQueue q = new CandidateQueue();
    for (int i = 0; i < 10_000; i++) {
      q.add(i, 0, i, 0, i);
    }
    assertThat(q.size()).isEqualTo(10_000);
    assertThat(q.bound()).isNull();
  }

  @Test
  void aQueueOfFewerThanTwoEntriesIsRefused() {
    assertThatThrownBy(() -> new CandidateQueue(1, null)).isInstanceOf(IllegalArgumentException.class);
  }
}
