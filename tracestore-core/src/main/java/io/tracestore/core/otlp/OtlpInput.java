package io.tracestore.core.otlp;

import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Helpers for OTLP payloads as they arrive: gzip ({@code Content-Encoding: gzip}, {@code .gz}
 * files). The decoders in this package do not sniff for compression; call
 * {@link #gunzipIfGzipped(byte[])} first. Stateless and thread-safe.
 */
public final class OtlpInput {
  /** The default limit on the decompressed size: 64 MiB. */
  public static final long DEFAULT_MAX_DECOMPRESSED_BYTES = 64L << 20;

  private OtlpInput() {}

  /** True if {@code data} starts with the gzip magic bytes {@code 1f 8b}. */
  public static boolean isGzipped(byte[] data) {
    return data.length >= 2 && data[0] == (byte) 0x1f && data[1] == (byte) 0x8b;
  }

  /**
   * {@code data} decompressed if it starts with the gzip magic bytes, else {@code data} itself;
   * at most {@link #DEFAULT_MAX_DECOMPRESSED_BYTES}.
   *
   * @throws OtlpFormatException if the gzip data is corrupt or truncated, or decompresses to more
   *     than the limit
   */
  public static byte[] gunzipIfGzipped(byte[] data) {
    return gunzipIfGzipped(data, DEFAULT_MAX_DECOMPRESSED_BYTES);
  }

  /**
   * As {@link #gunzipIfGzipped(byte[])} with a limit on the decompressed size. Concatenated gzip
   * members (RFC 1952) are decompressed and concatenated; the CRC-32 and length of each member are
   * checked; anything after the last member that is not another member is an error. Output is never
   * silently truncated: past {@code maxBytes} this throws.
   *
   * @param maxBytes the largest decompressed size accepted, at most {@code Integer.MAX_VALUE - 8}
   * @throws OtlpFormatException if the gzip data is corrupt, truncated, or too large
   */
  public static byte[] gunzipIfGzipped(byte[] data, long maxBytes) {
    if (!isGzipped(data)) {
      return data;
    }
    long limit = Math.max(0, Math.min(maxBytes, Integer.MAX_VALUE - 9));
    long cap = limit + 1; // one byte past the limit tells "too large" from "exactly the limit"
    byte[] out = new byte[(int) Math.min(cap, Math.max(1024, Math.min((long) data.length * 4, 1 << 20)))];
    int outLen = 0;
    int pos = 0;
    Inflater inflater = new Inflater(true);
    try {
      while (true) {
        pos = header(data, pos);
        inflater.reset();
        inflater.setInput(data, pos, data.length - pos);
        CRC32 crc = new CRC32();
        int memberStart = outLen;
        while (!inflater.finished()) {
          if (outLen > limit) {
            throw new OtlpFormatException(
                "gzip: decompressed size exceeds the limit of " + limit + " bytes", -1, "");
          }
          if (outLen == out.length) {
            out = Arrays.copyOf(out, (int) Math.min(cap, Math.max(1024L, (long) out.length * 2)));
          }
          int n = inflater.inflate(out, outLen, out.length - outLen);
          if (n == 0 && !inflater.finished()) {
            if (inflater.needsInput()) {
              throw new OtlpFormatException("gzip: truncated compressed data", data.length, "");
            }
            if (inflater.needsDictionary()) {
              throw new OtlpFormatException("gzip: deflate stream needs a preset dictionary", pos, "");
            }
          }
          outLen += n;
        }
        if (outLen > limit) {
          throw new OtlpFormatException("gzip: decompressed size exceeds the limit of " + limit + " bytes", -1, "");
        }
        crc.update(out, memberStart, outLen - memberStart);
        pos = data.length - inflater.getRemaining();
        if (data.length - pos < 8) {
          throw new OtlpFormatException("gzip: truncated trailer", pos, "");
        }
        int storedCrc = le32(data, pos);
        int storedSize = le32(data, pos + 4);
        if (storedCrc != (int) crc.getValue()) {
          throw new OtlpFormatException("gzip: CRC-32 mismatch", pos, "");
        }
        if (storedSize != outLen - memberStart) {
          throw new OtlpFormatException("gzip: length mismatch in trailer", pos + 4, "");
        }
        pos += 8;
        if (pos == data.length) {
          return outLen == out.length ? out : Arrays.copyOf(out, outLen);
        }
        if (data.length - pos < 2 || data[pos] != (byte) 0x1f || data[pos + 1] != (byte) 0x8b) {
          throw new OtlpFormatException("gzip: trailing bytes after the last member", pos, "");
        }
      }
    } catch (DataFormatException e) {
      throw new OtlpFormatException("gzip: corrupt deflate data: " + e.getMessage(), -1, "", e);
    } finally {
      inflater.end();
    }
  }

  /** Parses a member header at {@code pos}; returns where the deflate data starts. */
  private static int header(byte[] d, int pos) {
    int start = pos;
    if (d.length - pos < 10) {
      throw new OtlpFormatException("gzip: truncated header", pos, "");
    }
    if (d[pos] != (byte) 0x1f || d[pos + 1] != (byte) 0x8b) {
      throw new OtlpFormatException("gzip: bad magic", pos, "");
    }
    if (d[pos + 2] != 8) {
      throw new OtlpFormatException("gzip: unsupported compression method " + (d[pos + 2] & 0xFF), pos + 2, "");
    }
    int flags = d[pos + 3] & 0xFF;
    if ((flags & 0xE0) != 0) {
      throw new OtlpFormatException("gzip: reserved header flags set", pos + 3, "");
    }
    pos += 10;
    if ((flags & 4) != 0) { // FEXTRA
      if (d.length - pos < 2) {
        throw new OtlpFormatException("gzip: truncated header", pos, "");
      }
      int xlen = (d[pos] & 0xFF) | (d[pos + 1] & 0xFF) << 8;
      pos += 2;
      if (d.length - pos < xlen) {
        throw new OtlpFormatException("gzip: truncated header", pos, "");
      }
      pos += xlen;
    }
    for (int bit : new int[] {8, 16}) { // FNAME, FCOMMENT: zero-terminated
      if ((flags & bit) != 0) {
        while (pos < d.length && d[pos] != 0) {
          pos++;
        }
        if (pos >= d.length) {
          throw new OtlpFormatException("gzip: truncated header", start, "");
        }
        pos++;
      }
    }
    if ((flags & 2) != 0) { // FHCRC
      if (d.length - pos < 2) {
        throw new OtlpFormatException("gzip: truncated header", pos, "");
      }
      CRC32 crc = new CRC32();
      crc.update(d, start, pos - start);
      int stored = (d[pos] & 0xFF) | (d[pos + 1] & 0xFF) << 8;
      if (stored != ((int) crc.getValue() & 0xFFFF)) {
        throw new OtlpFormatException("gzip: header CRC mismatch", pos, "");
      }
      pos += 2;
    }
    return pos;
  }

  private static int le32(byte[] d, int at) {
    return (d[at] & 0xFF) | (d[at + 1] & 0xFF) << 8 | (d[at + 2] & 0xFF) << 16 | (d[at + 3] & 0xFF) << 24;
  }
}
