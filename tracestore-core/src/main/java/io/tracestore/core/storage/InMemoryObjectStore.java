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

  /** {@inheritDoc} Here: each range copied alone (nothing between ranges is copied). */
  @Override
  public java.nio.ByteBuffer[] getRanges(String key, long[] offsets, int[] lengths) throws IOException {
    if (offsets.length != lengths.length) {
      throw new IllegalArgumentException(offsets.length + " offsets but " + lengths.length + " lengths");
    }
    byte[] b = object(key);
    java.nio.ByteBuffer[] out = new java.nio.ByteBuffer[offsets.length];
    for (int i = 0; i < out.length; i++) {
      if (offsets[i] < 0 || lengths[i] < 0) {
        throw new IllegalArgumentException("negative range: offset " + offsets[i] + ", length " + lengths[i] + " for \"" + key + "\"");
      }
      if (offsets[i] > b.length - lengths[i]) {
        throw new IOException("range [" + offsets[i] + ", " + offsets[i] + "+" + lengths[i] + ") outside \"" + key + "\" of "
            + b.length + " bytes");
      }
      out[i] = java.nio.ByteBuffer.wrap(java.util.Arrays.copyOfRange(b, (int) offsets[i], (int) offsets[i] + lengths[i]));
    }
    return out;
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
