package io.tracestore.benchmarks;

import io.tracestore.api.Span;
import io.tracestore.api.TraceStore;
import io.tracestore.api.TraceId;
import io.tracestore.core.TraceStores;
import io.tracestore.testing.WorkloadGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Shared helpers: pre-generated workloads and temporary directories. */
final class Workloads {
  private Workloads() {}

  /** Exactly {@code n} spans of the seeded workload (the last trace may be cut short). */
  static List<Span> spans(long seed, int n) {
    List<Span> all = WorkloadGenerator.generate(seed, n);
    return new ArrayList<>(all.subList(0, n));
  }

  /**
   * {@code count} consecutive batches of exactly {@code size} spans; a trace may straddle two
   * batches, as it does in a collector's export stream.
   */
  static List<List<Span>> batches(long seed, int count, int size) {
    List<Span> all = spans(seed, count * size);
    List<List<Span>> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(List.copyOf(all.subList(i * size, (i + 1) * size)));
    }
    return out;
  }

  /**
   * Copies of {@code batch} whose trace ids are remapped for {@code generation} (&gt; 0): the same
   * spans as another trace, so re-appending a pooled batch does not hit traces already in the store.
   * Attributes, resources and events are shared with the original.
   */
  static List<Span> relabel(List<Span> batch, long generation) {
    long mask = mix(generation);
    List<Span> out = new ArrayList<>(batch.size());
    TraceId lastIn = null;
    TraceId lastOut = null;
    for (Span s : batch) {
      TraceId in = s.traceId();
      if (!in.equals(lastIn)) {
        lastIn = in;
        lastOut = TraceId.of(in.high() ^ mask, in.low());
      }
      out.add(s.toBuilder().traceId(lastOut).build());
    }
    return out;
  }

  /** SplitMix64 finalizer: spreads a counter over 64 bits. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static Path tempDirectory(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes under {@code dir}, recursively. */
  static long sizeOf(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code blocks} blocks of exactly {@code spansPerBlock} generated spans (seed 42) into a
   * directory store, one flush per block; returns the stored trace ids in first-seen order.
   */
  static List<TraceId> writeBlocks(Path dir, int blocks, int spansPerBlock) {
    java.util.LinkedHashSet<TraceId> traceIds = new java.util.LinkedHashSet<>();
    WorkloadGenerator generator = new WorkloadGenerator(42);
    List<Span> carry = new ArrayList<>();
    try (TraceStore store = TraceStores.builder().directory(dir)
        .maxBlockBytes(Long.MAX_VALUE).maxBlockAge(java.time.Duration.ofDays(1)).build()) {
      for (int b = 0; b < blocks; b++) {
        List<Span> batch = new ArrayList<>(carry);
        while (batch.size() < spansPerBlock) {
          batch.addAll(generator.nextTraceSpans());
        }
        carry = new ArrayList<>(batch.subList(spansPerBlock, batch.size()));
        batch = batch.subList(0, spansPerBlock);
        for (Span s : batch) {
          traceIds.add(s.traceId());
        }
        store.append(batch);
        store.flush();
      }
    }
    return new ArrayList<>(traceIds);
  }
}
