package io.tracestore.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.Span;
import io.tracestore.core.MultiProcessTest.SpanKey;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.core.block.BlockReader;
import io.tracestore.core.block.BlockTombstone;
import io.tracestore.core.block.BlockWriter;
import io.tracestore.core.catalog.IndexFiles;
import io.tracestore.core.catalog.TenantIndex;
import io.tracestore.storage.local.LocalObjectStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several writer processes, each with its own write-ahead log, and one compactor process that is
 * killed with SIGKILL again and again and restarted, all sharing one {@code data/} folder through
 * the tenant index while this JVM reads (docs/operations.md, "Who may run where").
 *
 * <p>Every other compactor is killed at a random moment (mostly inside {@code compact()}); the
 * others are held at a point of the commit protocol of their first output and killed there: before
 * its data is uploaded, before its {@code meta.json}, or after its {@code meta.json} but before the
 * index lists it as live (see {@link CompactorChild}). While they run, a poll never loses a span
 * this JVM saw before, never shows a span in two live blocks, and never serves an output killed
 * before its commit; the next compactor publishes an output killed after its commit. After the
 * writers close and the last compactor is killed, a fresh store on the folder finds every span every
 * writer acknowledged exactly once, every block passes its checksum, the children committed at
 * least one compaction, no output killed before its commit is served, and garbage collection (with
 * a grace of 1 ms, as nothing else runs then) deletes those outputs and leaves only live blocks and
 * blocks retired within their grace.
 *
 * <p>Kill times and hold points come from a seeded {@link Random}: the seed is in every assertion's
 * message, and {@code -Dtracestore.test.seed=N} replays a run's kill schedule (the processes' own
 * timing still varies).
 */
class MultiWriterProcessTest {
  private static final int WRITERS = 2;
  private static final int BATCHES = 120;
  private static final int WRITER_PAUSE_MILLIS = 50;
  private static final int COMPACTOR_PAUSE_MILLIS = 20;
  /** Compactor kills at least, whatever the writers' pace. */
  private static final int MIN_KILLS = 3;
  private static final String TENANT = TraceStoreConfig.DEFAULT_TENANT;

  @TempDir Path dir;

  @Test
  void severalWriterProcessesAndARepeatedlyKilledCompactorProcessNeverLoseOrDuplicateASpan() throws Exception {
    long seed = Long.getLong("tracestore.test.seed", System.nanoTime());
    String s = "seed " + seed;
    Path store = dir.resolve("store");
    Path data = store.resolve("data");
    List<Child> writers = new ArrayList<>();
    CompactorKiller killer = new CompactorKiller(store, dir, new Random(seed));
    try {
      for (int w = 0; w < WRITERS; w++) {
        writers.add(new Child(quickJvm(WriterChild.class, store.toString(), Integer.toString(BATCHES),
            Integer.toString(w), Integer.toString(WRITER_PAUSE_MILLIS)), dir.resolve("writer-" + w + ".err")));
      }
      killer.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (writers.stream().anyMatch(c -> c.lastAck < 0 && c.process.isAlive()) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      for (Child c : writers) {
        assertThat(c.lastAck).as("%s: every writer acknowledged its first batch", s).isGreaterThanOrEqualTo(0);
      }

      Set<SpanKey> seen = new HashSet<>();
      Set<String> checkedBlocks = Set.of();
      Set<String> compactedSeen = new HashSet<>(); // outputs of the children's compactions the reader served
      int rounds = 0;
      int roundsWhileWriting = 0;
      try (DefaultTraceStore reader = readerOn(data, Duration.ofHours(1))) {
        long runDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (writers.stream().anyMatch(c -> c.process.isAlive()) || killer.isAlive() || rounds == 0) {
          assertThat(System.nanoTime()).as("%s: writers and compactor killer done within 150 s", s)
              .isLessThan(runDeadline);
          boolean writing = writers.stream().anyMatch(c -> c.process.isAlive());
          killer.writersDone.set(!writing);
          reader.pollIndex();
          Set<String> blocks = blockIds(reader);
          if (!blocks.equals(checkedBlocks) || rounds == 0) { // blocks are immutable: same blocks, same spans
            checkRound(reader, seen, killer.uncommitted, s + ", round " + rounds);
            checkedBlocks = blocks;
            rounds++;
            roundsWhileWriting += writing ? 1 : 0;
            reader.blockMetas().stream().filter(m -> m.compactionLevel() > 0)
                .forEach(m -> compactedSeen.add(m.blockId()));
            killer.compactionSeen.set(!compactedSeen.isEmpty());
          }
          Thread.sleep(20);
        }
        killer.join();
        assertThat(killer.failure.get()).as("%s: the compactor killer's run", s).isNull();
        for (int w = 0; w < WRITERS; w++) {
          Child c = writers.get(w);
          assertThat(c.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
          c.output.join(10_000);
          assertThat(c.process.exitValue()).as("%s: writer %d exited normally; stderr: %s", s, w, c.stderr()).isZero();
          assertThat(c.printed("done")).as("%s: writer %d closed cleanly", s, w).isTrue();
          assertThat(c.lastAck).as("%s: writer %d acknowledged every batch", s, w).isEqualTo(BATCHES - 1);
        }
        assertThat(killer.failures).as("%s: compactor failures", s).isEmpty();
        assertThat(killer.kills.get()).as("%s: compactor kills", s).isGreaterThanOrEqualTo(MIN_KILLS);
        assertThat(compactedSeen).as("%s: outputs of compactions the killed compactors committed", s).isNotEmpty();
        assertThat(roundsWhileWriting).as("%s: reader rounds (block list changes) while the writers wrote", s)
            .isGreaterThanOrEqualTo(2);
        reader.pollIndex();
        checkRound(reader, seen, killer.uncommitted, s + ", last round");
      }

      Set<SpanKey> written = new HashSet<>();
      for (int w = 0; w < WRITERS; w++) {
        for (long n = 0; n < BATCHES; n++) {
          for (Span span : WriterChild.batch(w, n)) {
            written.add(new SpanKey(span.traceId(), span.spanId()));
          }
        }
      }
      assertThat(seen).as("%s: the reader saw every span written", s).isEqualTo(written);

      try (LocalObjectStore objects = new LocalObjectStore(data)) {
        // outputs of compactions killed before their commit point: a folder or a pending entry without meta.json
        Set<String> uncommitted = new TreeSet<>();
        folders(objects).forEach((id, files) -> {
          if (!files.contains("meta.json")) {
            uncommitted.add(id);
          }
        });
        for (TenantIndex.Pending p : new IndexFiles(objects, TENANT).readLatest().pending()) {
          if (!objects.exists(BlockWriter.metaKey(TENANT, p.meta().blockId()))) {
            uncommitted.add(p.meta().blockId());
          }
        }
        assertThat(uncommitted).as("%s: outputs held and killed before their commit are uncommitted", s)
            .containsAll(killer.uncommitted);

        // a fresh process; it collects uncommitted folders after 1 ms (safe only because nothing else runs now)
        try (DefaultTraceStore last = readerOn(data, Duration.ofMillis(1))) {
          List<BlockMeta> before = last.blockMetas();
          assertThat(before).extracting(BlockMeta::blockId).filteredOn(uncommitted::contains)
              .as("%s: uncommitted outputs served", s).isEmpty();
          assertThat(before).extracting(BlockMeta::compactionLevel).as("%s: some live block is a compaction's output", s)
              .anyMatch(level -> level > 0);
          String heldAfterCommit = killer.committedUnpublished;
          if (heldAfterCommit != null) {
            assertThat(published(last.catalog().view(), heldAfterCommit))
                .as("%s: the output killed after its commit, %s, is published on open", s, heldAfterCommit).isTrue();
          }
          checkAll(last, objects, written, s + ", reopened");

          last.compact(); // collects garbage too: uncommitted outputs get a tombstone and lose their data
          Thread.sleep(5);
          last.catalog().collectGarbage(); // deletes the tombstones (their grace passed)
          checkAll(last, objects, written, s + ", compacted");
          Map<String, Set<String>> left = folders(objects);
          TenantIndex view = last.catalog().view();
          for (String id : uncommitted) {
            assertThat(left).as("%s: uncommitted output %s was deleted", s, id).doesNotContainKey(id);
            assertThat(view.knows(id)).as("%s: the index forgot uncommitted output %s", s, id).isFalse();
          }
          for (String id : left.keySet()) {
            boolean retired = view.retired().stream().anyMatch(r -> r.blockId().equals(id));
            assertThat(view.isLive(id) || retired)
                .as("%s: block folder %s is live or retired (within its grace)", s, id).isTrue();
          }
          assertThat(view.pending()).as("%s: nothing pending", s).isEmpty();
          assertThat(view.uncommitted()).as("%s: no uncommitted folder", s).isEmpty();
        }
      }
    } finally {
      killer.stop.set(true);
      killer.join(60_000);
      for (Child c : writers) {
        c.process.destroyForcibly();
        c.process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** True if the index lists {@code blockId} as live, or as retired by a compaction, and not as pending. */
  private static boolean published(TenantIndex index, String blockId) {
    boolean compactedAway = index.retired().stream()
        .anyMatch(r -> r.blockId().equals(blockId) && r.reason().equals("compacted"));
    boolean pending = index.pending().stream().anyMatch(p -> p.meta().blockId().equals(blockId));
    return (index.isLive(blockId) || compactedAway) && !pending;
  }

  /** A store on {@code data} without a log that neither compacts nor polls on its own (the test polls). */
  private static DefaultTraceStore readerOn(Path data, Duration uncommittedGrace) throws IOException {
    return (DefaultTraceStore) TraceStores.builder().ownedObjectStore(new LocalObjectStore(data))
        .blockRetention(Duration.ofDays(36_500)).compactionInterval(Duration.ZERO)
        .indexPollInterval(Duration.ofDays(1)).uncommittedBlockGrace(uncommittedGrace).build();
  }

  private static Set<String> blockIds(DefaultTraceStore store) {
    Set<String> ids = new HashSet<>();
    store.blockMetas().forEach(m -> ids.add(m.blockId()));
    return ids;
  }

  /**
   * Every span seen before is still found, the live blocks hold each span found once, and no output
   * killed before its commit is served.
   */
  private static void checkRound(DefaultTraceStore reader, Set<SpanKey> seen, Set<String> uncommitted, String round) {
    Set<SpanKey> now = MultiProcessTest.spans(reader);
    List<BlockMeta> blocks = reader.blockMetas();
    assertThat(blocks.stream().mapToLong(BlockMeta::spanCount).sum()).as("%s: no span in two live blocks", round)
        .isEqualTo(now.size());
    if (!now.containsAll(seen)) {
      Set<SpanKey> lost = new HashSet<>(seen);
      lost.removeAll(now);
      assertThat(lost).as("%s: spans seen before and lost", round).isEmpty();
    }
    assertThat(blocks).extracting(BlockMeta::blockId).filteredOn(uncommitted::contains)
        .as("%s: outputs killed before their commit, served", round).isEmpty();
    seen.addAll(now);
  }

  /** The store finds exactly {@code written}, each span in one block, and every block verifies. */
  private static void checkAll(DefaultTraceStore store, LocalObjectStore objects, Set<SpanKey> written, String when) {
    assertThat(MultiProcessTest.spans(store)).as("%s: every span acknowledged, found once", when).isEqualTo(written);
    assertThat(store.blockMetas().stream().mapToLong(BlockMeta::spanCount).sum())
        .as("%s: live blocks' span counts", when).isEqualTo(written.size());
    for (BlockMeta m : store.blockMetas()) {
      new BlockReader(objects, m).verify();
    }
  }

  /** The tenant's block folders and the files in each. */
  private static Map<String, Set<String>> folders(LocalObjectStore objects) throws IOException {
    String prefix = TENANT + "/blocks/";
    Map<String, Set<String>> out = new HashMap<>();
    for (String key : objects.list(prefix)) {
      String rest = key.substring(prefix.length());
      int slash = rest.indexOf('/');
      out.computeIfAbsent(rest.substring(0, slash), k -> new HashSet<>()).add(rest.substring(slash + 1));
    }
    return out;
  }

  /**
   * A child JVM on the test class path that starts fast (C1 only, serial GC): this test runs several
   * at once on a machine of two cores.
   */
  private static ProcessBuilder quickJvm(Class<?> main, String... args) {
    ProcessBuilder command = CrashChild.jvm(main, args);
    command.command().addAll(1, List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    return command;
  }

  /** A child JVM and the lines it printed, read by a thread of its own; its stderr goes to a file. */
  private static final class Child {
    final Process process;
    final Thread output;
    final Path stderr;
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    volatile String last = "";
    volatile long lastAck = -1;

    Child(ProcessBuilder command, Path stderr) throws IOException {
      this.stderr = stderr;
      process = command.redirectError(stderr.toFile()).start();
      output = new Thread(this::read, "child-output-" + process.pid());
      output.setDaemon(true);
      output.start();
    }

    private void read() {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
          if (line.startsWith("ack ")) {
            lastAck = Long.parseLong(line.substring(4));
          }
          last = line;
        }
      } catch (IOException ignored) {
        // the child ended
      }
    }

    boolean printed(String line) {
      return lines.contains(line);
    }

    /** What the child wrote to stderr so far (its last 4,000 characters). */
    String stderr() {
      try {
        String text = Files.readString(stderr);
        return text.substring(Math.max(0, text.length() - 4_000));
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }

    /** Waits until the child printed {@code line}; throws if it ended first, {@code stop} is set or after 60 s. */
    void await(String line, AtomicBoolean stop) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!printed(line)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the child did not print " + line + " within 60 s; it printed " + lines
              + "; stderr: " + stderr());
        }
        if (!process.isAlive()) {
          output.join(10_000);
          throw new IllegalStateException("the child ended with " + process.exitValue() + " before it printed " + line
              + "; it printed " + lines + "; stderr: " + stderr());
        }
        if (stop.get()) {
          throw new IllegalStateException("stopped");
        }
        Thread.sleep(2);
      }
    }

    /** Writes a line to the child's stdin. */
    void send(String line) throws IOException {
      process.getOutputStream().write((line + "\n").getBytes(UTF_8));
      process.getOutputStream().flush();
    }

    /** Kills the child with SIGKILL and waits until it and its output are gone. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
      output.join(10_000);
    }
  }

  /**
   * Runs one {@link CompactorChild} at a time on the store and kills it with SIGKILL again and
   * again. The next compactor is started (and warms up in memory) as soon as the current one is let
   * go, and is let go only once the current one is dead. Compactors 0, 2, 4, ... are held at a point
   * of the commit protocol (the three points in a seeded order, round and round) and killed there
   * (or after 3 s if none of their outputs reached it); the killer checks that the folder and the
   * index are as that point leaves them, and, for an output killed after its commit, that the next
   * compactor published it. Compactors 1, 3, 5, ... are killed a random 300..1500 ms after they
   * opened the store, once they are inside {@code compact()} (waiting up to 500 ms for that) and a
   * random 0..40 ms later. Stops (killing the current one) once the writers are done, after at least
   * {@link #MIN_KILLS} kills and once the reader has seen a compaction's output; or when told to, or
   * after 90 s.
   */
  private static final class CompactorKiller extends Thread {
    final Path store;
    final Path logs;
    final Random random;
    final List<String> points;
    final AtomicBoolean writersDone = new AtomicBoolean();
    final AtomicBoolean compactionSeen = new AtomicBoolean();
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger kills = new AtomicInteger();
    /** Outputs held and killed before their commit point. */
    final Set<String> uncommitted = ConcurrentHashMap.newKeySet();
    /** An output held and killed after its commit point that no compactor has opened the store since. */
    volatile String committedUnpublished;
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    CompactorKiller(Path store, Path logs, Random random) {
      super("compactor-killer");
      this.store = store;
      this.logs = logs;
      this.random = random;
      List<String> p = new ArrayList<>(CompactorChild.HOLD_POINTS);
      Collections.shuffle(p, random);
      this.points = List.copyOf(p);
      setDaemon(true);
    }

    private Child compactor(int n) throws IOException {
      return new Child(quickJvm(CompactorChild.class, store.toString(), Integer.toString(COMPACTOR_PAUSE_MILLIS)),
          logs.resolve("compactor-" + n + ".err"));
    }

    /** The hold point of compactor {@code n}, or null to kill it at a random moment. */
    private String holdPoint(int n) {
      return n % 2 == 0 ? points.get(n / 2 % points.size()) : null;
    }

    @Override
    public void run() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      Child current = null;
      Child next = null;
      try (LocalObjectStore objects = new LocalObjectStore(store.resolve("data"))) {
        int n = 0;
        String hold = holdPoint(n);
        current = compactor(n);
        current.send(hold == null ? "go" : "go " + hold);
        current.await("ready", stop);
        while (true) {
          next = compactor(n + 1);
          if (hold != null) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (!current.last.startsWith("holding ") && current.process.isAlive() && System.nanoTime() < until) {
              Thread.sleep(1);
            }
          } else {
            Thread.sleep(300 + random.nextInt(1_201));
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (!current.last.equals("compacting") && System.nanoTime() < until) {
              Thread.sleep(1);
            }
            Thread.sleep(random.nextInt(41));
          }
          if (!current.process.isAlive()) {
            current.output.join(10_000);
            failures.add("compactor " + n + " exited with " + current.process.exitValue() + " before it was killed: "
                + current.lines + "; stderr: " + current.stderr());
          }
          current.kill();
          kills.incrementAndGet();
          record(n, current, objects);
          current = null;
          if (stop.get() || System.nanoTime() > deadline
              || writersDone.get() && kills.get() >= MIN_KILLS && compactionSeen.get()) {
            return;
          }
          hold = holdPoint(++n);
          next.send(hold == null ? "go" : "go " + hold);
          next.await("ready", stop);
          current = next;
          next = null;
          String unpublished = committedUnpublished;
          if (unpublished != null) { // the compactor just opened has published it (or already merged it)
            if (!published(new IndexFiles(objects, TENANT).readLatest(), unpublished)) {
              failures.add("output " + unpublished + ", killed after its commit, was not published by compactor " + n);
            }
            committedUnpublished = null;
          }
        }
      } catch (Throwable t) {
        if (!stop.get()) {
          failure.set(t);
        }
      } finally {
        for (Child c : new Child[] {current, next}) {
          if (c != null) {
            try {
              c.kill();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }
      }
    }

    /** Notes what the killed compactor reported, and checks the store is as its hold point leaves it. */
    private void record(int n, Child killed, LocalObjectStore objects) throws IOException {
      List<String> lines;
      synchronized (killed.lines) {
        lines = List.copyOf(killed.lines);
      }
      for (String line : lines) {
        if (line.startsWith("failed ")) {
          failures.add("compactor " + n + ": " + line + "; stderr: " + killed.stderr());
        }
      }
      if (!killed.last.startsWith("holding ")) {
        return;
      }
      String[] words = killed.last.split(" ");
      String point = words[1];
      String id = words[2];
      boolean pending = new IndexFiles(objects, TENANT).readLatest().pending().stream()
          .anyMatch(p -> p.meta().blockId().equals(id));
      boolean hasData = objects.exists(BlockWriter.dataKey(TENANT, id));
      String metaKey = BlockWriter.metaKey(TENANT, id);
      boolean hasMeta = objects.exists(metaKey) && !BlockTombstone.is(objects.get(metaKey));
      boolean expected = switch (point) {
        case "before-data" -> pending && !hasData && !hasMeta;
        case "before-meta" -> pending && hasData && !hasMeta;
        default -> hasData && hasMeta;
      };
      if (!expected) {
        failures.add("compactor " + n + " held output " + id + " " + point + ", which left it pending " + pending
            + ", with data " + hasData + ", with meta.json " + hasMeta);
      }
      if (point.equals("after-meta")) {
        committedUnpublished = id;
      } else {
        uncommitted.add(id);
      }
    }
  }
}
