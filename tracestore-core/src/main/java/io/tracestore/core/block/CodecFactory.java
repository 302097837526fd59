package io.tracestore.core.block;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
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

  private static final class Decompressor implements BytesInputDecompressor {
    private final CompressionCodecName codec;

    Decompressor(CompressionCodecName codec) {
      this.codec = codec;
    }

    private byte[] decompress(byte[] in, int uncompressedSize) throws IOException {
      byte[] out;
      switch (codec) {
        case ZSTD -> {
          out = new byte[uncompressedSize];
          long n = Zstd.decompress(out, in);
          if (Zstd.isError(n)) {
            throw new IOException("ZSTD page failed to decompress: " + Zstd.getErrorName(n));
          }
          if (n != uncompressedSize) {
            throw new IOException("ZSTD page decompressed to " + n + " bytes, expected " + uncompressedSize);
          }
        }
        case SNAPPY -> {
          out = Snappy.uncompress(in);
          if (out.length != uncompressedSize) {
            throw new IOException("SNAPPY page decompressed to " + out.length + " bytes, expected " + uncompressedSize);
          }
        }
        default -> out = in;
      }
      return out;
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
