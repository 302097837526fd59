package io.tracestore.core.block;

import io.tracestore.spi.ObjectStore;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet {@link InputFile} over one object, reading through ranged gets in chunks of at least
 * {@link #CHUNK} bytes (so Parquet's many small reads of a footer or page header cost one request;
 * a read near the end fetches the last chunk, so footer length, footer and bloom filters usually
 * cost one request together).
 * Thread-safe; each stream is not.
 */
final class ObjectStoreInputFile implements InputFile {
  static final int CHUNK = 64 * 1024;

  private final ObjectStore store;
  private final String key;
  private final long length;

  ObjectStoreInputFile(ObjectStore store, String key, long length) {
    this.store = store;
    this.key = key;
    this.length = length;
  }

  @Override
  public long getLength() {
    return length;
  }

  @Override
  public SeekableInputStream newStream() {
    return new Stream();
  }

  @Override
  public String toString() {
    return key;
  }

  private final class Stream extends SeekableInputStream {
    private long pos;
    private byte[] buf = new byte[0];
    private long bufStart;

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void seek(long newPos) throws IOException {
      if (newPos < 0 || newPos > length) {
        throw new EOFException("seek to " + newPos + " outside " + key + " of " + length + " bytes");
      }
      pos = newPos;
    }

    /** Copies up to {@code len} bytes at pos into dst; returns the count, or -1 at the end. */
    private int fill(byte[] dst, int off, int len) throws IOException {
      if (pos >= length) {
        return -1;
      }
      len = (int) Math.min(len, length - pos);
      if (pos < bufStart || pos >= bufStart + buf.length) {
        if (len >= CHUNK) {
          byte[] direct = store.getRange(key, pos, len);
          System.arraycopy(direct, 0, dst, off, len);
          pos += len;
          return len;
        }
        // near the end, take the file's last CHUNK bytes: the footer length, the footer and the
        // bloom filters behind the data then come in one request
        long start = Math.max(0, Math.min(pos, length - CHUNK));
        int n = (int) Math.min(CHUNK, length - start);
        buf = store.getRange(key, start, n);
        bufStart = start;
      }
      int at = (int) (pos - bufStart);
      int n = Math.min(len, buf.length - at);
      System.arraycopy(buf, at, dst, off, n);
      pos += n;
      return n;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return fill(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      return fill(b, off, len);
    }

    @Override
    public void readFully(byte[] bytes) throws IOException {
      readFully(bytes, 0, bytes.length);
    }

    @Override
    public void readFully(byte[] bytes, int start, int len) throws IOException {
      while (len > 0) {
        int n = fill(bytes, start, len);
        if (n < 0) {
          throw new EOFException("unexpected end of " + key + " at " + pos);
        }
        start += n;
        len -= n;
      }
    }

    @Override
    public int read(ByteBuffer buf) throws IOException {
      int len = buf.remaining();
      if (len == 0) {
        return 0;
      }
      byte[] tmp = new byte[(int) Math.min(len, Math.max(0, length - pos))];
      if (tmp.length == 0) {
        return -1;
      }
      readFully(tmp, 0, tmp.length);
      buf.put(tmp);
      return tmp.length;
    }

    @Override
    public void readFully(ByteBuffer buf) throws IOException {
      byte[] tmp = new byte[buf.remaining()];
      readFully(tmp, 0, tmp.length);
      buf.put(tmp);
    }
  }
}
