package io.tracestore.core.otlp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Writes protobuf back to front, so a nested message's length is known once its content is
 * written: one pass, no size pre-computation, minimal (canonical) varints. Callers write the
 * fields of a message in descending field-number order and repeated fields last element first,
 * which yields the usual ascending order. Not thread-safe.
 */
final class ReverseWriter {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[] buf;
  private int pos; // the written bytes are buf[pos, buf.length)

  ReverseWriter(int initialCapacity) {
    buf = new byte[Math.max(64, initialCapacity)];
    pos = buf.length;
  }

  /** Bytes written so far; a mark for {@link #lengthAndTag}. */
  int size() {
    return buf.length - pos;
  }

  private void ensure(int n) {
    if (pos < n) {
      int used = buf.length - pos;
      long want = Math.max((long) buf.length * 2, (long) used + n + 64);
      if (want > Integer.MAX_VALUE - 8) {
        want = (long) used + n;
        if (want > Integer.MAX_VALUE - 8) {
          throw new IllegalArgumentException("OTLP message larger than 2 GiB");
        }
      }
      byte[] nb = new byte[(int) want];
      System.arraycopy(buf, pos, nb, nb.length - used, used);
      buf = nb;
      pos = nb.length - used;
    }
  }

  void varint(long v) {
    int n = varintSize(v);
    ensure(n);
    pos -= n;
    int p = pos;
    while ((v & ~0x7FL) != 0) {
      buf[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[p] = (byte) v;
  }

  static int varintSize(long v) {
    return v == 0 ? 1 : (63 - Long.numberOfLeadingZeros(v)) / 7 + 1;
  }

  void tag(int field, int wireType) {
    varint(((long) field << 3) | wireType);
  }

  /** After a message's content, written since {@code mark}: its length and tag. */
  void lengthAndTag(int field, int mark) {
    varint(size() - mark);
    tag(field, ProtoDecoder.LEN);
  }

  void fixed64(int field, long v) {
    ensure(8);
    pos -= 8;
    LONG_LE.set(buf, pos, v);
    tag(field, ProtoDecoder.I64);
  }

  void fixed32(int field, int v) {
    ensure(4);
    pos -= 4;
    INT_LE.set(buf, pos, v);
    tag(field, ProtoDecoder.I32);
  }

  void varintField(int field, long v) {
    varint(v);
    tag(field, ProtoDecoder.VARINT);
  }

  void string(int field, String s) {
    int n = Utf8.encodedLength(s);
    ensure(n);
    pos -= n;
    Utf8.encode(s, buf, pos);
    varint(n);
    tag(field, ProtoDecoder.LEN);
  }

  void bytes(int field, byte[] b) {
    ensure(b.length);
    pos -= b.length;
    System.arraycopy(b, 0, buf, pos, b.length);
    varint(b.length);
    tag(field, ProtoDecoder.LEN);
  }

  /** A 16-byte ({@code high}, {@code low}) or 8-byte ({@code low}) big-endian id as a length-delimited field. */
  void id(int field, long high, long low, boolean sixteen) {
    int n = sixteen ? 16 : 8;
    ensure(n);
    pos -= n;
    if (sixteen) {
      writeBigEndian(high, pos);
      writeBigEndian(low, pos + 8);
    } else {
      writeBigEndian(low, pos);
    }
    varint(n);
    tag(field, ProtoDecoder.LEN);
  }

  private void writeBigEndian(long v, int at) {
    LONG_LE.set(buf, at, Long.reverseBytes(v));
  }

  byte[] toByteArray() {
    return Arrays.copyOfRange(buf, pos, buf.length);
  }
}
