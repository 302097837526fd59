package io.tracestore.spi;

import java.io.IOException;
import java.util.List;

/**
 * A flat namespace of immutable byte objects: the storage TraceStore keeps its blocks in. Memory,
 * a local directory and S3 implement it; any other store may.
 *
 * <h2>Obligations of an implementation</h2>
 *
 * <ul>
 *   <li><b>Thread safety.</b> Every method may be called from many threads at once.
 *   <li><b>Keys</b> are non-empty strings of {@code /}-separated segments; no segment is empty,
 *       {@code .} or {@code ..}; no key starts with {@code /} or contains {@code \} or NUL. An
 *       implementation rejects any other key with {@link IllegalArgumentException} before touching
 *       storage (see {@link Keys#check}).
 *   <li><b>Atomic visibility.</b> After {@link #put} or {@link #putIfAbsent} returns, every reader
 *       sees the whole new object; before it returns, a reader sees the old object or none, never
 *       a part.
 *   <li><b>Durability.</b> When a put returns, the object survives a crash of the process and, for
 *       persistent stores, of the machine.
 *   <li><b>Put-if-absent is the commit primitive:</b> of any number of concurrent
 *       {@code putIfAbsent} calls for one key, exactly one returns true.
 *   <li><b>Missing objects</b> raise {@link ObjectNotFoundException} from {@link #get},
 *       {@link #getRange} and {@link #size}; {@link #delete} of a missing key returns false.
 *   <li><b>Ranges</b> past the end of an object are an {@link IOException}, never a short read.
 * </ul>
 */
public interface ObjectStore extends AutoCloseable {

  /** Stores {@code data} under {@code key}, replacing any object there, atomically and durably. */
  void put(String key, byte[] data) throws IOException;

  /**
   * Stores {@code data} under {@code key} only if no object is there; atomic and durable.
   *
   * @return true if this call created the object, false if one existed (which is left unchanged)
   */
  boolean putIfAbsent(String key, byte[] data) throws IOException;

  /** The whole object. */
  byte[] get(String key) throws IOException;

  /**
   * {@code length} bytes of the object starting at {@code offset}.
   *
   * @throws IOException if the range reaches past the end of the object
   */
  byte[] getRange(String key, long offset, int length) throws IOException;

  /**
   * Ranges {@code [offsets[i], offsets[i] + lengths[i])} of one object, one buffer per range in the
   * order asked (ranges may come in any order and overlap). Each buffer holds exactly its range
   * between its position and limit; buffers may share a backing array and are read-only to the
   * caller. The default reads ranges less than {@link #COALESCE_GAP} bytes apart with one {@link
   * #getRange} each: right for stores where a request costs more than the bytes between ranges (S3).
   * A store for which it is the other way round (a local file) overrides this. Thread-safe as the
   * rest of the store.
   *
   * @throws IllegalArgumentException if the arrays differ in length or a range is negative
   * @throws IOException if a range reaches past the end of the object
   */
  default java.nio.ByteBuffer[] getRanges(String key, long[] offsets, int[] lengths) throws IOException {
    return readMerged(key, offsets, lengths, COALESCE_GAP, (start, length) -> getRange(key, start, length));
  }

  /** Reads {@code length} bytes of one object at {@code start}: the step {@link #readMerged} repeats. */
  @FunctionalInterface
  interface RangeReader {
    byte[] read(long start, int length) throws IOException;
  }

  /**
   * For implementations of {@link #getRanges}: checks the ranges, sorts them by offset, reads each
   * group of ranges less than {@code gap} bytes apart with one {@code reader} call and returns a
   * view of the group's array per range, in the order asked.
   *
   * @throws IllegalArgumentException if the arrays differ in length or a range is negative
   * @throws IOException from {@code reader}, or if it returns fewer or more bytes than asked
   */
  static java.nio.ByteBuffer[] readMerged(String key, long[] offsets, int[] lengths, int gap, RangeReader reader)
      throws IOException {
    if (offsets.length != lengths.length) {
      throw new IllegalArgumentException(offsets.length + " offsets but " + lengths.length + " lengths");
    }
    Integer[] order = new Integer[offsets.length];
    for (int i = 0; i < order.length; i++) {
      if (offsets[i] < 0 || lengths[i] < 0) {
        throw new IllegalArgumentException("negative range: offset " + offsets[i] + ", length " + lengths[i] + " for \"" + key + "\"");
      }
      order[i] = i;
    }
    java.util.Arrays.sort(order, java.util.Comparator.comparingLong(i -> offsets[i]));
    java.nio.ByteBuffer[] out = new java.nio.ByteBuffer[offsets.length];
    for (int i = 0; i < order.length; ) {
      long start = offsets[order[i]];
      long end = start + lengths[order[i]];
      int j = i + 1;
      while (j < order.length && offsets[order[j]] - end <= gap
          && Math.max(end, offsets[order[j]] + lengths[order[j]]) - start <= Integer.MAX_VALUE - 16) {
        end = Math.max(end, offsets[order[j]] + lengths[order[j]]);
        j++;
      }
      byte[] group = reader.read(start, (int) (end - start));
      if (group.length != end - start) {
        throw new IOException("read " + group.length + " bytes of \"" + key + "\" at " + start + ", expected " + (end - start));
      }
      for (int k = i; k < j; k++) {
        int r = order[k];
        out[r] = java.nio.ByteBuffer.wrap(group, (int) (offsets[r] - start), lengths[r]).slice();
      }
      i = j;
    }
    return out;
  }

  /** Ranges closer than this are read as one by the default {@link #getRanges}. */
  int COALESCE_GAP = 64 * 1024;

  /** The object's length in bytes. */
  long size(String key) throws IOException;

  /** True if an object is stored under {@code key}. */
  boolean exists(String key) throws IOException;

  /** Every key that starts with {@code prefix} (which need not be a valid key), sorted. */
  List<String> list(String prefix) throws IOException;

  /**
   * Removes the object.
   *
   * @return true if an object was removed, false if there was none
   */
  boolean delete(String key) throws IOException;

  /** Releases resources; objects stay stored. Idempotent. */
  @Override
  default void close() throws IOException {}
}
