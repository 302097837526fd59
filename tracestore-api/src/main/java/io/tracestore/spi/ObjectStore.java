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
