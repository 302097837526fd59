package io.tracestore.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link ObjectStore} promises. An implementation's test extends this class and
 * supplies a fresh, empty store per test; published in the api test-jar.
 */
public abstract class ObjectStoreContractTest {

  protected ObjectStore store;

  /** A new, empty store. Called once per test. */
  protected abstract ObjectStore newStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
  }

  @AfterEach
  void closeStore() throws Exception {
    store.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void aPutObjectReadsBackWhole() throws IOException {
    store.put("t/blocks/b1/data.parquet", bytes("hello world"));
    assertThat(store.get("t/blocks/b1/data.parquet")).isEqualTo(bytes("hello world"));
    assertThat(store.size("t/blocks/b1/data.parquet")).isEqualTo(11);
    assertThat(store.exists("t/blocks/b1/data.parquet")).isTrue();
  }

  @Test
  void anEmptyObjectIsAnObject() throws IOException {
    store.put("empty", new byte[0]);
    assertThat(store.get("empty")).isEmpty();
    assertThat(store.size("empty")).isZero();
    assertThat(store.exists("empty")).isTrue();
  }

  @Test
  void putReplacesAnExistingObject() throws IOException {
    store.put("k", bytes("first, longer"));
    store.put("k", bytes("second"));
    assertThat(store.get("k")).isEqualTo(bytes("second"));
    assertThat(store.size("k")).isEqualTo(6);
  }

  @Test
  void putIfAbsentCreatesOnceAndLeavesTheWinnerUnchanged() throws IOException {
    assertThat(store.putIfAbsent("commit", bytes("a"))).isTrue();
    assertThat(store.putIfAbsent("commit", bytes("b"))).isFalse();
    assertThat(store.get("commit")).isEqualTo(bytes("a"));
  }

  @Test
  void concurrentPutIfAbsentHasExactlyOneWinner() throws Exception {
    int threads = 8;
    for (int round = 0; round < 20; round++) {
      String key = "race/" + round;
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          byte[] payload = bytes("writer-" + t);
          Callable<Boolean> c = () -> {
            start.await();
            return store.putIfAbsent(key, payload);
          };
          results.add(pool.submit(c));
        }
        start.countDown();
        int winners = 0;
        for (Future<Boolean> f : results) {
          winners += f.get() ? 1 : 0;
        }
        assertThat(winners).as("winners for %s", key).isEqualTo(1);
        assertThat(new String(store.get(key), UTF_8)).startsWith("writer-");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void rangedGetReturnsExactlyTheRange() throws IOException {
    store.put("r", bytes("0123456789"));
    assertThat(store.getRange("r", 0, 3)).isEqualTo(bytes("012"));
    assertThat(store.getRange("r", 4, 4)).isEqualTo(bytes("4567"));
    assertThat(store.getRange("r", 7, 3)).isEqualTo(bytes("789"));
    assertThat(store.getRange("r", 10, 0)).isEmpty();
  }

  @Test
  void aRangePastTheEndIsAnErrorNotAShortRead() throws IOException {
    store.put("r", bytes("0123456789"));
    assertThatThrownBy(() -> store.getRange("r", 8, 5)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.getRange("r", 11, 0)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.getRange("r", -1, 2)).isInstanceOfAny(IOException.class, IllegalArgumentException.class);
  }

  @Test
  void severalRangesComeBackExactlyInTheOrderAskedWhetherNearOrFarApart() throws IOException {
    byte[] big = new byte[300_000];
    new java.util.Random(7).nextBytes(big);
    store.put("many", big);
    // out of order, overlapping, adjacent, empty, a few bytes apart and far apart (more than any merge gap)
    long[] offsets = {250_000, 10, 10, 20, 0, 5_000, 299_990, 100, 120_000};
    int[] lengths = {1_000, 10, 30, 0, 10, 3, 10, 70_000, 4_096};
    java.nio.ByteBuffer[] got = store.getRanges("many", offsets, lengths);
    assertThat(got).hasSize(offsets.length);
    for (int i = 0; i < offsets.length; i++) {
      byte[] b = new byte[got[i].remaining()];
      got[i].duplicate().get(b);
      assertThat(b).as("range %d", i)
          .isEqualTo(java.util.Arrays.copyOfRange(big, (int) offsets[i], (int) offsets[i] + lengths[i]));
    }
    assertThat(store.getRanges("many", new long[0], new int[0])).isEmpty();
  }

  @Test
  void severalRangesPastTheEndOrOfAMissingObjectAreErrors() throws IOException {
    store.put("r", bytes("0123456789"));
    assertThatThrownBy(() -> store.getRanges("r", new long[] {0, 8}, new int[] {2, 5})).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.getRanges("r", new long[] {0}, new int[] {-1}))
        .isInstanceOfAny(IOException.class, IllegalArgumentException.class);
    assertThatThrownBy(() -> store.getRanges("r", new long[] {0, 1}, new int[] {1})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.getRanges("nope", new long[] {0}, new int[] {1})).isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void missingObjectsRaiseObjectNotFound() throws IOException {
    assertThatThrownBy(() -> store.get("nope")).isInstanceOf(ObjectNotFoundException.class).hasMessageContaining("nope");
    assertThatThrownBy(() -> store.getRange("nope", 0, 1)).isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> store.size("nope")).isInstanceOf(ObjectNotFoundException.class);
    assertThat(store.exists("nope")).isFalse();
  }

  @Test
  void deleteRemovesAndReportsWhetherSomethingWasThere() throws IOException {
    store.put("d", bytes("x"));
    assertThat(store.delete("d")).isTrue();
    assertThat(store.exists("d")).isFalse();
    assertThat(store.delete("d")).isFalse();
    assertThat(store.putIfAbsent("d", bytes("y"))).isTrue();
  }

  @Test
  void listReturnsSortedKeysUnderAPrefixOnly() throws IOException {
    store.put("t1/blocks/b2/meta.json", bytes("m"));
    store.put("t1/blocks/b1/data.parquet", bytes("d"));
    store.put("t1/blocks/b1/meta.json", bytes("m"));
    store.put("t10/blocks/b9/meta.json", bytes("other tenant"));
    store.put("t2/x", bytes("x"));
    assertThat(store.list("t1/"))
        .containsExactly("t1/blocks/b1/data.parquet", "t1/blocks/b1/meta.json", "t1/blocks/b2/meta.json");
    assertThat(store.list("t1/blocks/b1/")).containsExactly("t1/blocks/b1/data.parquet", "t1/blocks/b1/meta.json");
    assertThat(store.list("t1")).hasSize(4);
    assertThat(store.list("")).hasSize(5);
    assertThat(store.list("zzz/")).isEmpty();
  }

  @Test
  void deletedKeysLeaveTheListing() throws IOException {
    store.put("a/1", bytes("1"));
    store.put("a/2", bytes("2"));
    store.delete("a/1");
    assertThat(store.list("a/")).containsExactly("a/2");
  }

  @Test
  void storedBytesAreCopiedNotShared() throws IOException {
    byte[] data = bytes("abc");
    store.put("c", data);
    data[0] = 'X';
    byte[] read = store.get("c");
    assertThat(read).isEqualTo(bytes("abc"));
    read[1] = 'Y';
    assertThat(store.get("c")).isEqualTo(bytes("abc"));
  }

  @Test
  void largeObjectsRoundTrip() throws IOException {
    byte[] big = new byte[5 * 1024 * 1024 + 17];
    new java.util.Random(42).nextBytes(big);
    store.put("big", big);
    assertThat(store.get("big")).isEqualTo(big);
    assertThat(store.getRange("big", big.length - 8, 8))
        .isEqualTo(java.util.Arrays.copyOfRange(big, big.length - 8, big.length));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/abs", "../escape", "a/../../b", "a//b", "a/./b", "a/", "nul\0byte", "back\\slash", ".."})
  void keysThatCouldEscapeOrAmbiguateAreRejected(String key) {
    assertThatThrownBy(() -> store.put(key, bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.putIfAbsent(key, bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.get(key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.delete(key)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keysWithUnicodeAndDotsInsideSegmentsAreFine() throws IOException {
    store.put("tenant-ä/blocks/b.1/meta.json", bytes("ok"));
    assertThat(store.get("tenant-ä/blocks/b.1/meta.json")).isEqualTo(bytes("ok"));
    assertThat(store.list("tenant-ä/")).containsExactly("tenant-ä/blocks/b.1/meta.json");
  }
}
