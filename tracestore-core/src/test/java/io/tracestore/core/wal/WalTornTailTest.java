package io.tracestore.core.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.CorruptDataException;
import io.tracestore.api.Span;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.FsyncPolicy;
import io.tracestore.core.RandomSpans;
import io.tracestore.core.TraceStores;
import io.tracestore.core.codec.ByteSink;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTornTailTest {
  @TempDir Path dir;

  private static List<byte[]> replay(Path walDir) throws Exception {
    List<byte[]> out = new ArrayList<>();
    try (WriteAheadLog wal = WriteAheadLog.open(walDir, FsyncPolicy.NEVER, r -> out.add(r.payload()))) {
      return out;
    }
  }

  private static Path writeRecords(Path walDir, int records) throws Exception {
    try (WriteAheadLog wal = WriteAheadLog.open(walDir, FsyncPolicy.NEVER, r -> {})) {
      ByteSink sink = new ByteSink(16);
      for (int i = 0; i < records; i++) {
        sink.reset();
        for (int k = 0; k <= i; k++) {
          sink.writeByte(i);
        }
        wal.append(sink);
      }
      return wal.segmentPath(wal.segments().get(0));
    }
  }

  @Test
  void theLastRecordTruncatedAtEveryByteRecoversEveryEarlierRecord() throws Exception {
    Path template = dir.resolve("template");
    Path segment = writeRecords(template, 5);
    byte[] full = Files.readAllBytes(segment);
    int lastRecordStart = full.length - (8 + 5);
    for (int cut = lastRecordStart; cut < full.length; cut++) {
      Path walDir = dir.resolve("cut-" + cut);
      Files.createDirectories(walDir);
      Files.write(walDir.resolve(segment.getFileName()), java.util.Arrays.copyOf(full, cut));
      List<byte[]> records = replay(walDir);
      assertThat(records).as("cut at %d", cut).hasSize(4);
      for (int i = 0; i < 4; i++) {
        assertThat(records.get(i)).hasSize(i + 1);
      }
      // recovery truncated the torn record: a second open sees the same and appends after it
      assertThat(replay(walDir)).hasSize(4);
    }
  }

  @Test
  void aStoreRecoversEveryCompleteBatchWhateverByteItsWalWasCutAt() throws Exception {
    List<Span> first = new RandomSpans(1).traces(30, 5);
    List<Span> second = new RandomSpans(2).traces(30, 5);
    Path template = dir.resolve("store");
    TraceStore crashed = TraceStores.builder().directory(template).fsyncPolicy(FsyncPolicy.ALWAYS).build();
    crashed.append(first);
    crashed.append(second);
    Path walDir = template.resolve("wal").resolve("single-tenant");
    Path segment;
    try (var files = Files.list(walDir)) {
      segment = files.filter(p -> {
        try {
          return Files.size(p) > 8;
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).findFirst().orElseThrow();
    }
    byte[] full = Files.readAllBytes(segment);
    TraceId firstTrace = first.get(0).traceId();
    TraceId secondTrace = second.get(0).traceId();
    // 40 cuts spread over the whole segment (each reopens a store, so not every byte here; the
    // byte-by-byte sweep is theLastRecordTruncatedAtEveryByteRecoversEveryEarlierRecord)
    int step = Math.max(1, (full.length - 9) / 40);
    for (int cut = full.length - 1; cut > 8; cut -= step) {
      Path copy = dir.resolve("copy-" + cut);
      Files.createDirectories(copy.resolve("wal").resolve("single-tenant"));
      Files.write(copy.resolve("wal").resolve("single-tenant").resolve(segment.getFileName()), java.util.Arrays.copyOf(full, cut));
      try (TraceStore store = TraceStores.open(copy)) {
        boolean firstComplete = store.findTrace(firstTrace).isPresent();
        if (store.findTrace(secondTrace).isPresent()) {
          throw new AssertionError("a torn second batch must not be half-recovered, cut " + cut);
        }
        if (!firstComplete) {
          assertThat(cut).as("the first batch is lost only if the cut is inside it").isLessThan(full.length / 2 + 16);
        }
      }
    }
  }

  @Test
  void damageBeforeTheTailIsAnErrorNamingSegmentAndOffset() throws Exception {
    Path walDir = dir.resolve("damaged");
    Path segment = writeRecords(walDir, 3);
    byte[] data = Files.readAllBytes(segment);
    data[8 + 8] ^= 0x1; // first record's payload
    Files.write(segment, data);
    assertThatThrownBy(() -> replay(walDir))
        .isInstanceOf(CorruptDataException.class)
        .hasMessageContaining(segment.getFileName().toString())
        .hasMessageContaining("offset 8");
  }

  @Test
  void aZeroFilledTailIsTreatedAsTorn() throws Exception {
    Path walDir = dir.resolve("zeros");
    Path segment = writeRecords(walDir, 2);
    // the open above started a second, empty segment; drop it so the damaged one is the newest
    try (var files = Files.list(walDir)) {
      files.filter(p -> !p.equals(segment)).forEach(p -> p.toFile().delete());
    }
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.APPEND)) {
      ch.write(java.nio.ByteBuffer.allocate(100));
    }
    assertThat(replay(walDir)).hasSize(2);
  }
}
