package io.tracestore.core;

import io.tracestore.api.Span;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The process {@link CrashRecoveryTest} kills: appends numbered batches with fsync ALWAYS to a
 * directory store cutting small blocks (and now and then compacting), printing {@code ack N}
 * once batch N's append has returned. Runs until killed.
 */
public final class CrashChild {
  private CrashChild() {}

  /** The spans of batch {@code n}: deterministic, so the checker can rebuild them. */
  static List<Span> batch(long n) {
    List<Span> spans = new ArrayList<>();
    for (Span s : new RandomSpans(n).traces(40, 6)) {
      // distinct trace ids per batch, whatever RandomSpans draws
      spans.add(s.toBuilder().traceId(TraceId.of(n + 1, s.traceId().low())).build());
    }
    return spans;
  }

  /** A child JVM on this test's class path running {@code main} with {@code args}, its stderr discarded. */
  static ProcessBuilder jvm(Class<?> main, String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
        main.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
  }

  static TraceStore open(Path dir) {
    return TraceStores.builder().directory(dir).fsyncPolicy(FsyncPolicy.ALWAYS)
        .maxBlockBytes(30_000).traceIdle(Duration.ofMillis(1)).maxBlockAge(Duration.ofMillis(50))
        .blockRetention(Duration.ofDays(36_500)).build();
  }

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    long first = Long.parseLong(args[1]);
    TraceStore store = open(dir);
    for (long n = first; ; n++) {
      store.append(batch(n));
      System.out.println("ack " + n);
      System.out.flush();
      if (n % 15 == 0) {
        store.compact();
      }
    }
  }
}
