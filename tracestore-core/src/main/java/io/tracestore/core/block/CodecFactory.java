package io.tracestore.core.block;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Parquet compression over zstd-jni and snappy-java, without Hadoop: Parquet's default factory
 * loads Hadoop classes even for uncompressed data (apache/parquet-java#2818). Supports ZSTD, SNAPPY
 * and UNCOMPRESSED, which is what TraceStore writes; reading a file with another codec fails with a
 * clear message. The factory and its decompressors are stateless and thread-safe; a compressor
 * belongs to one writer thread (a ZSTD compressor keeps its native context until {@code release()}).
 */
final class CodecFactory implements CompressionCodecFactory {
  static final CodecFactory INSTANCE = new CodecFactory(3);

  private final int zstdLevel;

  CodecFactory(int zstdLevel) {
    this.zstdLevel = zstdLevel;
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    return switch (codec) {
      case ZSTD -> new Compressor(codec) {
        // a context per compressor: creating one per page cost about a quarter of the compression time
        private ZstdCompressCtx ctx;

        @Override
        byte[] compress(byte[] in) {
          if (ctx == null) {
            ctx = new ZstdCompressCtx().setLevel(zstdLevel);
          }
          return ctx.compress(in);
        }

        @Override
        public void release() {
          if (ctx != null) {
            ctx.close();
            ctx = null;
          }
        }
      };
      case SNAPPY -> new Compressor(codec) {
        @Override
        byte[] compress(byte[] in) throws IOException {
          return Snappy.compress(in);
        }
      };
      case UNCOMPRESSED -> new Compressor(codec) {
        @Override
        byte[] compress(byte[] in) {
          return in;
        }
      };
      default -> throw new UnsupportedOperationException("TraceStore does not write " + codec + " Parquet pages");
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    return switch (codec) {
      case ZSTD, SNAPPY, UNCOMPRESSED -> new Decompressor(codec);
      default -> throw new UnsupportedOperationException("TraceStore cannot read " + codec + " Parquet pages");
    };
  }

  @Override
  public void release() {}

  private abstract static class Compressor implements BytesInputCompressor {
    private final CompressionCodecName codec;

    Compressor(CompressionCodecName codec) {
      this.codec = codec;
    }

    abstract byte[] compress(byte[] in) throws IOException;

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      return BytesInput.from(compress(bytes.toByteArray()));
    }

    @Override
    public CompressionCodecName getCodecName() {
      return codec;
    }

    @Override
    public void release() {}
  }

  /** One ZSTD decompression context per thread: creating one per page costs more than a small page's decompression. */
  private static final ThreadLocal<ZstdDecompressCtx> ZSTD = ThreadLocal.withInitial(ZstdDecompressCtx::new);

  /**
   * Decompresses {@code in[offset, offset + length)} of a page compressed with {@code codec} to
   * exactly {@code uncompressedSize} bytes; returns {@code in} itself (not a copy) only for an
   * uncompressed page covering the whole array.
   *
   * @throws IOException if the data does not decompress to that size
   */
  static byte[] decompress(CompressionCodecName codec, byte[] in, int offset, int length, int uncompressedSize) throws IOException {
    switch (codec) {
      case ZSTD -> {
        byte[] out = new byte[uncompressedSize];
        int n;
        try {
          n = ZSTD.get().decompressByteArray(out, 0, uncompressedSize, in, offset, length);
        } catch (RuntimeException e) {
          throw new IOException("ZSTD page failed to decompress: " + e.getMessage(), e);
        }
        if (n != uncompressedSize) {
          throw new IOException("ZSTD page decompressed to " + n + " bytes, expected " + uncompressedSize);
        }
        return out;
      }
      case SNAPPY -> {
        byte[] out = Snappy.uncompress(offset == 0 && length == in.length ? in : java.util.Arrays.copyOfRange(in, offset, offset + length));
        if (out.length != uncompressedSize) {
          throw new IOException("SNAPPY page decompressed to " + out.length + " bytes, expected " + uncompressedSize);
        }
        return out;
      }
      case UNCOMPRESSED -> {
        if (length != uncompressedSize) {
          throw new IOException("an uncompressed page of " + length + " bytes, its header says " + uncompressedSize);
        }
        return offset == 0 && length == in.length ? in : java.util.Arrays.copyOfRange(in, offset, offset + length);
      }
      default -> throw new IOException("TraceStore cannot read " + codec + " Parquet pages");
    }
  }

  private static final class Decompressor implements BytesInputDecompressor {
    private final CompressionCodecName codec;

    Decompressor(CompressionCodecName codec) {
      this.codec = codec;
    }

    private byte[] decompress(byte[] in, int uncompressedSize) throws IOException {
      return CodecFactory.decompress(codec, in, 0, in.length, uncompressedSize);
    }

    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      return BytesInput.from(decompress(bytes.toByteArray(), uncompressedSize));
    }

    @Override
    public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize) throws IOException {
      byte[] in = new byte[compressedSize];
      input.duplicate().get(in);
      output.put(decompress(in, uncompressedSize));
    }

    @Override
    public void release() {}
  }
}
