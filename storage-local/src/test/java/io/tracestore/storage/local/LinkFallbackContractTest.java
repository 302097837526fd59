package io.tracestore.storage.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.spi.ObjectStore;
import io.tracestore.spi.ObjectStoreContractTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole contract again, with putIfAbsent on its fallback for file systems without hard links. */
class LinkFallbackContractTest extends ObjectStoreContractTest {

  @TempDir Path root;

  @Override
  protected ObjectStore newStore() throws Exception {
    return new LocalObjectStore(root, false);
  }

  @Test
  void twoInstancesWithoutHardLinksStillHaveExactlyOneWinnerPerKey() throws Exception {
    try (LocalObjectStore a = new LocalObjectStore(root, false);
        LocalObjectStore b = new LocalObjectStore(root, false)) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        for (int round = 0; round < 20; round++) {
          String key = "race/" + round;
          CountDownLatch start = new CountDownLatch(1);
          List<Future<Boolean>> results = new ArrayList<>();
          for (int t = 0; t < 4; t++) {
            LocalObjectStore s = t % 2 == 0 ? a : b;
            byte[] value = ("writer-" + t).getBytes(UTF_8);
            results.add(pool.submit(() -> {
              start.await();
              return s.putIfAbsent(key, value);
            }));
          }
          start.countDown();
          int winners = 0;
          for (Future<Boolean> f : results) {
            winners += f.get() ? 1 : 0;
          }
          assertThat(winners).as("winners for %s", key).isEqualTo(1);
        }
      } finally {
        pool.shutdownNow();
      }
    }
    assertThat(root.resolve(LocalObjectStore.LOCK_FILE)).exists();
    assertThat(store.list("")).hasSize(20);
  }
}
