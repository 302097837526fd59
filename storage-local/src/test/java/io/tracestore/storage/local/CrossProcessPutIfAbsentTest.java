package io.tracestore.storage.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** putIfAbsent between separate JVMs sharing one root: one winner per key. */
class CrossProcessPutIfAbsentTest {

  private static final int KEYS = 100;
  private static final int PROCESSES = 2;

  @TempDir Path dir;

  @Test
  void processesRacingPutIfAbsentOnOneRootHaveExactlyOneWinnerPerKey() throws Exception {
    Path root = dir.resolve("store");
    Path go = dir.resolve("go");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> processes = new ArrayList<>();
    try {
      for (int p = 0; p < PROCESSES; p++) {
        processes.add(new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Worker.class.getName(),
                root.toString(), go.toString(), dir.resolve("ready-" + p).toString(),
                dir.resolve("won-" + p).toString(), String.valueOf(KEYS), "p" + p)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("log-" + p).toFile())
            .start());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      for (int p = 0; p < PROCESSES; p++) {
        while (!Files.exists(dir.resolve("ready-" + p))) {
          assertThat(System.nanoTime()).as("worker %s did not start", p).isLessThan(deadline);
          assertThat(processes.get(p).isAlive()).as("worker %s died: %s", p, log(p)).isTrue();
          Thread.sleep(5);
        }
      }
      Files.write(go, new byte[0]);
      for (int p = 0; p < PROCESSES; p++) {
        assertThat(processes.get(p).waitFor(20, TimeUnit.SECONDS)).as("worker %s finished", p).isTrue();
        assertThat(processes.get(p).exitValue()).as("worker %s: %s", p, log(p)).isZero();
      }
    } finally {
      processes.forEach(Process::destroyForcibly);
    }

    Set<String> won = new HashSet<>();
    try (LocalObjectStore store = new LocalObjectStore(root)) {
      for (int p = 0; p < PROCESSES; p++) {
        for (String key : Files.readAllLines(dir.resolve("won-" + p), UTF_8)) {
          assertThat(won.add(key)).as("%s won twice", key).isTrue();
          assertThat(new String(store.get(key), UTF_8)).isEqualTo("p" + p);
        }
      }
      assertThat(won).hasSize(KEYS);
      assertThat(store.list("race/")).hasSize(KEYS);
    }
  }

  private String log(int p) {
    try {
      return Files.readString(dir.resolve("log-" + p));
    } catch (Exception e) {
      return "(no log)";
    }
  }

  /** The child process: waits for the go file, then races for every key. */
  static final class Worker {
    public static void main(String[] args) throws Exception {
      Path root = Path.of(args[0]);
      Path go = Path.of(args[1]);
      int keys = Integer.parseInt(args[4]);
      byte[] value = args[5].getBytes(UTF_8);
      List<String> won = new ArrayList<>();
      try (LocalObjectStore store = new LocalObjectStore(root)) {
        Files.write(Path.of(args[2]), new byte[0]);
        while (!Files.exists(go)) {
          Thread.onSpinWait();
        }
        for (int i = 0; i < keys; i++) {
          String key = "race/" + i;
          if (store.putIfAbsent(key, value)) {
            won.add(key);
          }
        }
      }
      Files.write(Path.of(args[3]), won, UTF_8);
    }
  }
}
