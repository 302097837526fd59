package io.tracestore.core.wal;

import io.tracestore.api.CorruptDataException;
import io.tracestore.api.StorageException;
import io.tracestore.core.FsyncPolicy;
import io.tracestore.core.codec.ByteSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write-ahead log of opaque records in numbered segment files.
 *
 * <p>Segment layout: an 8-byte magic {@code TSWAL001}, then records of {@code int32 length},
 * {@code int32 CRC32C(payload)}, {@code payload} (big-endian). A torn record at the tail of the
 * newest segment (a crash mid-write) is truncated and logged on {@link #open}; any other damage is a
 * {@link CorruptDataException} naming the segment and offset.
 *
 * <p>Appends are serialized by the caller (one writer); {@link #sync} may run concurrently with
 * them. Not otherwise thread-safe.
 */
public final class WriteAheadLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteAheadLog.class);
  static final byte[] MAGIC = {'T', 'S', 'W', 'A', 'L', '0', '0', '1'};
  /** Largest record accepted; a longer length field marks damage. */
  public static final int MAX_RECORD_BYTES = 1 << 30;
  private static final String PREFIX = "segment-";
  private static final String SUFFIX = ".wal";

  private final Path dir;
  private final FsyncPolicy policy;
  private volatile FileChannel current;
  private long currentSegment;
  private long bytesWritten;
  private volatile boolean dirty;

  private WriteAheadLog(Path dir, FsyncPolicy policy) {
    this.dir = dir;
    this.policy = policy;
  }

  /**
   * Opens the log in {@code dir} (created if missing), hands every intact record of the existing
   * segments to {@code replay} in write order, and starts a fresh segment for new appends.
   *
   * @throws CorruptDataException if a record other than the newest segment's last is damaged
   */
  public static WriteAheadLog open(Path dir, FsyncPolicy policy, Consumer<Record> replay) throws IOException {
    Files.createDirectories(dir);
    WriteAheadLog wal = new WriteAheadLog(dir, policy);
    List<Long> segments = wal.segments();
    for (int i = 0; i < segments.size(); i++) {
      wal.replaySegment(segments.get(i), i == segments.size() - 1, replay, true);
    }
    long next = segments.isEmpty() ? 1 : segments.get(segments.size() - 1) + 1;
    wal.startSegment(next);
    // segments holding no record (a store opened and closed without appends) are dropped, so
    // repeated opens do not pile up files
    for (long n : segments) {
      Path p = wal.segmentPath(n);
      if (Files.size(p) <= MAGIC.length) {
        Files.delete(p);
      }
    }
    return wal;
  }

  /**
   * Reads every segment in {@code dir} without changing anything, handing intact records to
   * {@code visit}; returns a description of a torn tail, or null if the log ends cleanly.
   *
   * @throws CorruptDataException if a record other than the newest segment's last is damaged
   */
  public static String verify(Path dir, Consumer<Record> visit) throws IOException {
    WriteAheadLog wal = new WriteAheadLog(dir, FsyncPolicy.NEVER);
    List<Long> segments = wal.segments();
    String torn = null;
    for (int i = 0; i < segments.size(); i++) {
      String t = wal.replaySegment(segments.get(i), i == segments.size() - 1, visit, false);
      torn = t != null ? t : torn;
    }
    return torn;
  }

  /** One recovered record: its payload and where it was. */
  public record Record(long segment, long offset, byte[] payload) {}

  /** Segment numbers present on disk, ascending. */
  public List<Long> segments() throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String n = p.getFileName().toString();
        if (n.startsWith(PREFIX) && n.endsWith(SUFFIX)) {
          try {
            out.add(Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length())));
          } catch (NumberFormatException e) {
            LOG.warn("ignoring unexpected file {} in WAL directory", p);
          }
        }
      }
    }
    out.sort(null);
    return out;
  }

  /** The file of segment {@code n}. */
  public Path segmentPath(long n) {
    return dir.resolve(String.format("%s%020d%s", PREFIX, n, SUFFIX));
  }

  /** Replays one segment; returns a description of a torn tail (truncated if {@code repair}), or null. */
  private String replaySegment(long n, boolean newest, Consumer<Record> replay, boolean repair) throws IOException {
    Path path = segmentPath(n);
    byte[] data = Files.readAllBytes(path);
    if (data.length < MAGIC.length || !startsWithMagic(data)) {
      boolean partialMagic = data.length < MAGIC.length && isPrefixOfMagic(data);
      if (newest && partialMagic) {
        LOG.warn("WAL segment {} has a torn header ({} bytes); ignoring it", path, data.length);
        return "segment " + path.getFileName() + ": a torn header";
      }
      throw new CorruptDataException("WAL segment " + path + " does not start with the WAL magic");
    }
    int pos = MAGIC.length;
    CRC32C crc = new CRC32C();
    int count = 0;
    while (pos < data.length) {
      int remaining = data.length - pos;
      String torn = null;
      if (remaining < 8) {
        torn = "a record header cut short (" + remaining + " bytes)";
      } else {
        int len = ByteBuffer.wrap(data, pos, 4).getInt();
        int expected = ByteBuffer.wrap(data, pos + 4, 4).getInt();
        if (len == 0 && allZero(data, pos)) {
          torn = "a zero-filled tail (" + remaining + " bytes)";
        } else if (len <= 0 || len > MAX_RECORD_BYTES) {
          throw new CorruptDataException("WAL segment " + path + " offset " + pos + ": impossible record length " + len);
        } else if (len > remaining - 8) {
          torn = "a record of " + len + " bytes cut short at " + (remaining - 8);
        } else {
          crc.reset();
          crc.update(data, pos + 8, len);
          if ((int) crc.getValue() != expected) {
            if (pos + 8 + len == data.length && newest) {
              torn = "a last record failing its checksum";
            } else {
              throw new CorruptDataException("WAL segment " + path + " offset " + pos + ": record checksum mismatch");
            }
          } else {
            byte[] payload = new byte[len];
            System.arraycopy(data, pos + 8, payload, 0, len);
            replay.accept(new Record(n, pos, payload));
            count++;
            pos += 8 + len;
            continue;
          }
        }
      }
      if (!newest) {
        throw new CorruptDataException("WAL segment " + path + " offset " + pos + ": " + torn + " in a segment that is not the newest");
      }
      if (repair) {
        LOG.warn("WAL segment {}: truncating {} at offset {} (torn write from a crash); {} earlier records recovered",
            path, torn, pos, count);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
          ch.truncate(pos);
          ch.force(true);
        }
      }
      return "segment " + path.getFileName() + " offset " + pos + ": " + torn;
    }
    LOG.debug("WAL segment {}: {} records replayed", path, count);
    return null;
  }

  private static boolean allZero(byte[] data, int from) {
    for (int i = from; i < data.length; i++) {
      if (data[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWithMagic(byte[] data) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (data[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPrefixOfMagic(byte[] data) {
    for (int i = 0; i < data.length; i++) {
      if (data[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private void startSegment(long n) throws IOException {
    FileChannel ch = FileChannel.open(segmentPath(n), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    ch.write(ByteBuffer.wrap(MAGIC));
    ch.force(true);
    fsyncDirectory();
    current = ch;
    currentSegment = n;
  }

  /**
   * Appends one record made of {@code payload}'s first {@code size} bytes; forces it if the policy
   * is {@code ALWAYS}. Returns the bytes written (header and payload).
   */
  public long append(ByteSink payload) {
    try {
      ByteBuffer header = ByteBuffer.allocate(8);
      CRC32C crc = new CRC32C();
      crc.update(payload.array(), 0, payload.size());
      header.putInt(payload.size()).putInt((int) crc.getValue()).flip();
      ByteBuffer body = ByteBuffer.wrap(payload.array(), 0, payload.size());
      ByteBuffer[] bufs = {header, body};
      while (header.hasRemaining() || body.hasRemaining()) {
        current.write(bufs);
      }
      bytesWritten += 8 + payload.size();
      if (policy == FsyncPolicy.ALWAYS) {
        current.force(false);
      } else {
        dirty = true;
      }
      return 8L + payload.size();
    } catch (IOException e) {
      throw new StorageException("could not write WAL segment " + segmentPath(currentSegment) + ": " + e.getMessage(), e);
    }
  }

  /** Forces written records to stable storage if any are unforced. Safe to call from any thread. */
  public void sync() {
    if (!dirty) {
      return;
    }
    dirty = false;
    try {
      current.force(false);
    } catch (java.nio.channels.ClosedChannelException e) {
      // a concurrent roll() closed the segment after forcing it: nothing left to do
    } catch (IOException e) {
      dirty = true;
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Forces the current segment and starts a new one; returns the new segment's number. Every
   * record appended before this call lives in a segment numbered below it.
   */
  public long roll() throws IOException {
    current.force(false);
    current.close();
    startSegment(currentSegment + 1);
    return currentSegment;
  }

  /** Deletes every segment numbered below {@code n}. */
  public void deleteSegmentsBefore(long n) throws IOException {
    for (long s : segments()) {
      if (s < n) {
        Files.deleteIfExists(segmentPath(s));
      }
    }
    fsyncDirectory();
  }

  /** Bytes appended since opening. */
  public long bytesWritten() {
    return bytesWritten;
  }

  private void fsyncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("directory fsync not supported for {}: {}", dir, e.toString());
    }
  }

  @Override
  public void close() throws IOException {
    if (current != null && current.isOpen()) {
      current.force(true);
      current.close();
    }
  }
}
