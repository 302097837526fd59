package io.tracestore.api;

/** Lower-case hex encoding of fixed-width ids. Package-private: ids expose their own hex forms. */
final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  static void appendLong(StringBuilder sb, long v) {
    for (int shift = 60; shift >= 0; shift -= 4) {
      sb.append(DIGITS[(int) (v >>> shift) & 0xF]);
    }
  }

  /** Parses exactly 16 hex digits (either case) of {@code s} starting at {@code from}. */
  static long parseLong(CharSequence s, int from, String what) {
    long v = 0;
    for (int i = from; i < from + 16; i++) {
      char c = s.charAt(i);
      int d = Character.digit(c, 16);
      if (d < 0 || c > 'f') {
        throw new IllegalArgumentException(
            what + " must be hex, found '" + c + "' at position " + i + " in \"" + s + "\"");
      }
      v = (v << 4) | d;
    }
    return v;
  }

  static long readLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }

  static void writeLong(long v, byte[] b, int off) {
    for (int i = 7; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }
}
