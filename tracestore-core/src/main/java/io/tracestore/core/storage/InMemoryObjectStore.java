package io.tracestore.core.storage;

import io.tracestore.spi.Keys;
import io.tracestore.spi.ObjectNotFoundException;
import io.tracestore.spi.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An {@link ObjectStore} in the heap, for tests and in-memory trace stores. State belongs to the
 * instance (never static); objects are copied in and out. Thread-safe; puts are atomic; nothing
 * survives the process.
 */
public final class InMemoryObjectStore implements ObjectStore {
  private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();

  @Override
  public void put(String key, byte[] data) {
    objects.put(Keys.check(key), data.clone());
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) {
    return objects.putIfAbsent(Keys.check(key), data.clone()) == null;
  }

  private byte[] object(String key) throws ObjectNotFoundException {
    byte[] b = objects.get(Keys.check(key));
    if (b == null) {
      throw new ObjectNotFoundException(key);
    }
    return b;
  }

  @Override
  public byte[] get(String key) throws IOException {
    return object(key).clone();
  }

  @Override
  public byte[] getRange(String key, long offset, int length) throws IOException {
    byte[] b = object(key);
    if (offset < 0 || length < 0 || offset + length > b.length) {
      throw new IOException("range [" + offset + ", " + offset + "+" + length + ") outside \"" + key + "\" of " + b.length + " bytes");
    }
    byte[] out = new byte[length];
    System.arraycopy(b, (int) offset, out, 0, length);
    return out;
  }

  /** {@inheritDoc} Here: only touching or overlapping ranges are copied together (nothing between ranges is copied). */
  @Override
  public java.nio.ByteBuffer[] getRanges(String key, long[] offsets, int[] lengths) throws IOException {
    return ObjectStore.readMerged(key, offsets, lengths, 0, (start, length) -> getRange(key, start, length));
  }

  @Override
  public long size(String key) throws IOException {
    return object(key).length;
  }

  @Override
  public boolean exists(String key) {
    return objects.containsKey(Keys.check(key));
  }

  @Override
  public List<String> list(String prefix) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : objects.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      out.add(e.getKey());
    }
    return out;
  }

  @Override
  public boolean delete(String key) {
    return objects.remove(Keys.check(key)) != null;
  }
}
