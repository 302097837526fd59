package io.tracestore.core.otlp;

import java.util.Arrays;

/**
 * A small direct-mapped cache from UTF-8 bytes to the decoded string, for attribute keys, which
 * repeat on nearly every span: decoding one is a hash and a compare instead of a new string, and
 * the decoded spans share key instances. Not thread-safe: one per decode call.
 */
final class KeyCache {
  private static final int SIZE = 512;
  private static final int MAX_LEN = 64;
  private final byte[][] bytes = new byte[SIZE][];
  private final String[] strings = new String[SIZE];

  private static final java.lang.invoke.VarHandle LONG_LE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private static int hash(byte[] b, int off, int len) {
    long h = len;
    int i = off;
    int end = off + len;
    for (; i + 8 <= end; i += 8) {
      h = (h ^ (long) LONG_LE.get(b, i)) * 0x9E3779B97F4A7C15L;
    }
    for (; i < end; i++) {
      h = (h ^ b[i]) * 0x9E3779B97F4A7C15L;
    }
    return (int) (h >>> 40) & (SIZE - 1);
  }

  /** The cached string for {@code b[off, off + len)}, or null. */
  String get(byte[] b, int off, int len) {
    if (len > MAX_LEN) {
      return null;
    }
    int h = hash(b, off, len);
    byte[] k = bytes[h];
    return k != null && Arrays.equals(k, 0, k.length, b, off, off + len) ? strings[h] : null;
  }

  void put(byte[] b, int off, int len, String s) {
    if (len > MAX_LEN) {
      return;
    }
    int h = hash(b, off, len);
    bytes[h] = Arrays.copyOfRange(b, off, off + len);
    strings[h] = s;
  }
}
