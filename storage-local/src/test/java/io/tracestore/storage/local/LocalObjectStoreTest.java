package io.tracestore.storage.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.spi.ObjectNotFoundException;
import io.tracestore.spi.ObjectStore;
import io.tracestore.spi.ObjectStoreContractTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalObjectStoreTest extends ObjectStoreContractTest {

  @TempDir Path parent;

  Path root;

  @Override
  protected ObjectStore newStore() throws IOException {
    root = parent.resolve("store");
    return new LocalObjectStore(root);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  /** Every path below {@code dir}, relative to it, sorted. */
  private static List<String> tree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths.map(p -> dir.relativize(p).toString()).sorted().collect(Collectors.toList());
    }
  }

  // ------------------------------------------------------------------------------ path safety

  @ParameterizedTest
  @ValueSource(strings = {"../x", "a/../../b", "../store-sibling/x", "..", "a/..", "/etc/passwd"})
  void keysThatWouldEscapeTheRootNeverCreateAFileOutsideIt(String key) throws IOException {
    List<String> before = tree(parent);
    assertThatThrownBy(() -> store.put(key, bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.putIfAbsent(key, bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.get(key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.getRange(key, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.size(key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.exists(key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.delete(key)).isInstanceOf(IllegalArgumentException.class);
    assertThat(tree(parent)).isEqualTo(before);
  }

  @Test
  void anAbsolutePathAsKeyNeverTouchesThatPath() throws IOException {
    Path outside = parent.resolve("outside.txt");
    Files.write(outside, bytes("precious"));
    String key = outside.toAbsolutePath().toString();
    assertThatThrownBy(() -> store.put(key, bytes("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.delete(key)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Files.readAllBytes(outside)).isEqualTo(bytes("precious"));
    assertThat(tree(parent)).containsExactlyInAnyOrder("", "outside.txt", "store", "store/.ts-tmp");
  }

  @Test
  void aTenantIdThatClimbsOutOfTheRootIsRejectedWithAMessageNamingTheKey() {
    String key = "../x/blocks/b1/meta.json";
    assertThatThrownBy(() -> store.put(key, bytes("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key);
  }

  @Test
  void aPrefixThatClimbsOutOfTheRootListsNothing() throws IOException {
    Files.write(parent.resolve("sibling"), bytes("x"));
    store.put("k", bytes("v"));
    assertThat(store.list("../")).isEmpty();
    assertThat(store.list("../s")).isEmpty();
    assertThat(store.list("a/../")).isEmpty();
    assertThat(store.list("/")).isEmpty();
    assertThat(store.list("a//")).isEmpty();
  }

  // ------------------------------------------------------------------------------ layout

  @Test
  void keysAreFilesBelowTheRootWithSegmentsAsDirectories() throws IOException {
    store.put("t1/blocks/b1/data.parquet", bytes("parquet"));
    assertThat(Files.readAllBytes(root.resolve("t1/blocks/b1/data.parquet"))).isEqualTo(bytes("parquet"));
  }

  @Test
  void keysThatLookLikeTheStoresOwnFilesAreStoredEscapedAndListedAsWritten() throws IOException {
    store.put(".ts-tmp/x", bytes("1"));
    store.put(".ts-lock", bytes("2"));
    store.put("a/.ts-esc-b", bytes("3"));
    assertThat(store.putIfAbsent(".ts-tmp/y", bytes("4"))).isTrue();

    assertThat(store.list("")).containsExactly(".ts-lock", ".ts-tmp/x", ".ts-tmp/y", "a/.ts-esc-b");
    assertThat(store.list(".ts")).containsExactly(".ts-lock", ".ts-tmp/x", ".ts-tmp/y");
    assertThat(store.list(".ts-tmp/")).containsExactly(".ts-tmp/x", ".ts-tmp/y");
    assertThat(store.get(".ts-tmp/x")).isEqualTo(bytes("1"));
    assertThat(store.get("a/.ts-esc-b")).isEqualTo(bytes("3"));

    ((LocalObjectStore) store).deleteStaleTempFiles(Duration.ZERO);
    assertThat(store.get(".ts-tmp/x")).isEqualTo(bytes("1"));
    assertThat(store.delete(".ts-lock")).isTrue();
    assertThat(store.list("")).containsExactly(".ts-tmp/x", ".ts-tmp/y", "a/.ts-esc-b");
  }

  @Test
  void listingAPrefixThatEndsMidSegmentFindsOnlyMatchingKeys() throws IOException {
    store.put("t1/blocks/b1/meta.json", bytes("m"));
    store.put("t1/blocks/b2/meta.json", bytes("m"));
    store.put("t1/blooms/x", bytes("m"));
    store.put("t1/bar", bytes("m"));
    assertThat(store.list("t1/blo")).containsExactly("t1/blocks/b1/meta.json", "t1/blocks/b2/meta.json", "t1/blooms/x");
    assertThat(store.list("t1/blocks/b1/meta.j")).containsExactly("t1/blocks/b1/meta.json");
    assertThat(store.list("t1/blocks/b1/meta.json")).containsExactly("t1/blocks/b1/meta.json");
    assertThat(store.list("t1/blocks/b1/meta.json/")).isEmpty();
    assertThat(store.list("t1/blocks/b3")).isEmpty();
  }

  @Test
  void deletingTheLastObjectOfADirectoryRemovesTheEmptyDirectories() throws IOException {
    store.put("t/blocks/b1/meta.json", bytes("m"));
    store.put("t/blocks/b1/data.parquet", bytes("d"));
    store.put("t/index.json.gz", bytes("i"));
    store.delete("t/blocks/b1/meta.json");
    assertThat(root.resolve("t/blocks/b1")).isDirectory();
    store.delete("t/blocks/b1/data.parquet");
    assertThat(root.resolve("t/blocks")).doesNotExist();
    assertThat(root.resolve("t/index.json.gz")).isRegularFile();
    store.delete("t/index.json.gz");
    assertThat(tree(root)).containsExactly("", ".ts-tmp");
  }

  @Test
  void putsIntoADirectoryThatConcurrentDeletesEmptyAllSucceed() throws Exception {
    int threads = 4;
    int rounds = 150;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String key = "t/blocks/b/obj-" + t;
        boolean ifAbsent = t % 2 == 0;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < rounds; i++) {
            byte[] value = bytes(key + "#" + i);
            if (ifAbsent) {
              assertThat(store.putIfAbsent(key, value)).isTrue();
            } else {
              store.put(key, value);
            }
            assertThat(store.get(key)).isEqualTo(value);
            assertThat(store.delete(key)).isTrue();
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.list("")).isEmpty();
    assertThat(tree(root.resolve(".ts-tmp"))).containsExactly("");
  }

  @Test
  void aKeyCannotBeBothAnObjectAndADirectoryOfOtherKeys() throws IOException {
    store.put("a", bytes("file"));
    assertThatThrownBy(() -> store.put("a/b", bytes("x")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("\"a/b\"")
        .hasMessageContaining("\"a\" is an object");
    assertThatThrownBy(() -> store.putIfAbsent("a/b/c", bytes("x"))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.get("a/b")).isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> store.size("a/b")).isInstanceOf(ObjectNotFoundException.class);
    assertThat(store.exists("a/b")).isFalse();
    assertThat(store.delete("a/b")).isFalse();

    store.put("d/e", bytes("x"));
    assertThatThrownBy(() -> store.put("d", bytes("x")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("\"d/...\"");
    assertThatThrownBy(() -> store.putIfAbsent("d", bytes("x")))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> store.get("d")).isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> store.getRange("d", 0, 0)).isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> store.getRanges("d", new long[] {0}, new int[] {0})).isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> store.getRanges("d", new long[0], new int[0])).isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> store.size("d")).isInstanceOf(ObjectNotFoundException.class);
    assertThat(store.exists("d")).isFalse();
    assertThat(store.delete("d")).isFalse();
    assertThat(store.list("")).containsExactly("a", "d/e");
  }

  @Test
  void anEmptyDirectoryLeftAtAKeyDoesNotBlockAPut() throws IOException {
    Files.createDirectories(root.resolve("k"));
    assertThat(store.exists("k")).isFalse();
    store.put("k", bytes("v"));
    assertThat(store.get("k")).isEqualTo(bytes("v"));
    Files.createDirectories(root.resolve("j"));
    assertThat(store.putIfAbsent("j", bytes("w"))).isTrue();
    assertThat(store.get("j")).isEqualTo(bytes("w"));
  }

  @Test
  void negativeRangesAreRejectedBeforeTouchingTheFile() throws IOException {
    store.put("r", bytes("0123"));
    assertThatThrownBy(() -> store.getRange("r", 0, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.getRange("r", -1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.getRange("r", Long.MAX_VALUE, 1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("\"r\"");
  }

  // ------------------------------------------------------------------------------ crashes, reopening

  @Test
  void aTempFileLeftByACrashIsInvisibleToListAndGet() throws IOException {
    store.put("t/blocks/b1/meta.json", bytes("committed"));
    Path temp = root.resolve(".ts-tmp/put-1234-abcdef-1");
    Files.write(temp, bytes("half a blo"));
    assertThat(store.list("")).containsExactly("t/blocks/b1/meta.json");
    assertThat(store.list(".")).isEmpty();
    assertThat(store.exists(".ts-tmp/put-1234-abcdef-1")).isFalse();
    assertThatThrownBy(() -> store.get(".ts-tmp/put-1234-abcdef-1")).isInstanceOf(ObjectNotFoundException.class);
    assertThat(store.get("t/blocks/b1/meta.json")).isEqualTo(bytes("committed"));
  }

  @Test
  void reopeningDeletesStaleTempFilesButKeepsFreshOnes() throws IOException {
    Path stale = root.resolve(".ts-tmp/put-1-aa-1");
    Path fresh = root.resolve(".ts-tmp/put-2-bb-1");
    Files.write(stale, bytes("crashed an hour ago"));
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    Files.write(fresh, bytes("another process is writing this"));
    store.close();
    store = new LocalObjectStore(root);
    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();
    assertThat(((LocalObjectStore) store).deleteStaleTempFiles(Duration.ZERO)).isEqualTo(1);
    assertThat(fresh).doesNotExist();
  }

  @Test
  void aPutSurvivesReopeningTheStore() throws IOException {
    store.put("t/blocks/b1/data.parquet", bytes("data"));
    assertThat(store.putIfAbsent("t/blocks/b1/meta.json", bytes("meta"))).isTrue();
    store.close();
    try (LocalObjectStore reopened = LocalObjectStore.open(root)) {
      assertThat(reopened.get("t/blocks/b1/data.parquet")).isEqualTo(bytes("data"));
      assertThat(reopened.get("t/blocks/b1/meta.json")).isEqualTo(bytes("meta"));
      assertThat(reopened.putIfAbsent("t/blocks/b1/meta.json", bytes("other"))).isFalse();
      assertThat(reopened.list("t/")).containsExactly("t/blocks/b1/data.parquet", "t/blocks/b1/meta.json");
    }
  }

  @Test
  void twoInstancesOnOneRootSeeEachOthersObjectsAndShareOneWinner() throws Exception {
    try (LocalObjectStore other = new LocalObjectStore(root)) {
      store.put("shared", bytes("from first"));
      assertThat(other.get("shared")).isEqualTo(bytes("from first"));
      assertThat(other.putIfAbsent("shared", bytes("from second"))).isFalse();
      assertThat(other.putIfAbsent("commit", bytes("second"))).isTrue();
      assertThat(store.putIfAbsent("commit", bytes("first"))).isFalse();
      assertThat(store.get("commit")).isEqualTo(bytes("second"));
    }
  }

  @Test
  void theRootIsCreatedWhenMissingAndMustBeADirectory() throws IOException {
    Path deep = parent.resolve("x/y/z");
    try (LocalObjectStore s = new LocalObjectStore(deep)) {
      assertThat(deep).isDirectory();
      assertThat(s.root()).isEqualTo(deep.toRealPath());
    }
    Path file = parent.resolve("a-file");
    Files.write(file, bytes("x"));
    assertThatThrownBy(() -> new LocalObjectStore(file)).isInstanceOf(IOException.class);
  }

  @Test
  void aClosedStoreRefusesWorkAndClosingTwiceIsFine() throws IOException {
    store.put("k", bytes("v"));
    store.close();
    store.close();
    assertThatThrownBy(() -> store.get("k")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> store.put("k", bytes("w"))).isInstanceOf(IllegalStateException.class);
    assertThat(Files.readAllBytes(root.resolve("k"))).isEqualTo(bytes("v"));
  }

  @Test
  void noWriteLeavesTempFilesBehind() throws IOException {
    store.put("a", bytes("1"));
    store.put("a", bytes("2"));
    store.putIfAbsent("b", bytes("3"));
    store.putIfAbsent("b", bytes("4"));
    assertThatThrownBy(() -> store.put("a/x", bytes("5"))).isInstanceOf(IOException.class);
    assertThat(tree(root.resolve(".ts-tmp"))).containsExactly("");
  }
}
