package io.tracestore.core.block;

import java.io.ByteArrayOutputStream;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/** A Parquet {@link OutputFile} that collects the file in memory, to be put into an object store. */
final class ByteArrayOutputFile implements OutputFile {
  private final Buffer buffer;

  ByteArrayOutputFile() {
    this(1 << 20);
  }

  /** A file whose buffer starts with room for {@code initialBytes}. */
  ByteArrayOutputFile(int initialBytes) {
    buffer = new Buffer(initialBytes);
  }

  /** The bytes written so far. */
  static final class Buffer extends ByteArrayOutputStream {
    Buffer(int initialBytes) {
      super(initialBytes);
    }

    /** The buffer array itself, of which the first {@link #size()} bytes are written. */
    byte[] array() {
      return buf;
    }

    /** The bytes written: the buffer itself when it is exactly full, else a copy. */
    byte[] bytes() {
      return count == buf.length ? buf : toByteArray();
    }
  }

  Buffer buffer() {
    return buffer;
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) {
    return stream();
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) {
    buffer.reset();
    return stream();
  }

  private PositionOutputStream stream() {
    return new PositionOutputStream() {
      @Override
      public long getPos() {
        return buffer.size();
      }

      @Override
      public void write(int b) {
        buffer.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        buffer.write(b, off, len);
      }
    };
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return 0;
  }

  @Override
  public String getPath() {
    return "memory";
  }
}
