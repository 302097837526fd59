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

  private static int hash(byte[] b, int off, int len) {
    int h = len;
    for (int i = off; i < off + len; i++) {
      h = 31 * h + b[i];
    }
    return (h ^ (h >>> 16)) & (SIZE - 1);
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
