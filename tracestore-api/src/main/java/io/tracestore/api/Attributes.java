package io.tracestore.api;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable set of attributes with unique keys, kept sorted by key. Thread-safe.
 *
 * <p>Keys are unique, as OTLP requires of span, resource, scope, event and link attributes; the
 * sorted order makes equality independent of the order attributes were added in, and is the order
 * a block stores them in. Lookups are binary searches.
 */
public final class Attributes {
  /** No attributes. */
  public static final Attributes EMPTY = new Attributes(new String[0], new AttributeValue[0]);

  private final String[] keys;
  private final AttributeValue[] values;

  private Attributes(String[] keys, AttributeValue[] values) {
    this.keys = keys;
    this.values = values;
  }

  /**
   * The attributes of {@code attributes}.
   *
   * @throws IllegalArgumentException if a key appears twice
   */
  public static Attributes of(Collection<Attribute> attributes) {
    if (attributes.isEmpty()) {
      return EMPTY;
    }
    Attribute[] sorted = attributes.toArray(new Attribute[0]);
    if (!ascending(sorted)) {
      Arrays.sort(sorted, (a, b) -> a.key().compareTo(b.key()));
    }
    String[] keys = new String[sorted.length];
    AttributeValue[] values = new AttributeValue[sorted.length];
    for (int i = 0; i < sorted.length; i++) {
      if (i > 0 && sorted[i].key().equals(sorted[i - 1].key())) {
        throw new IllegalArgumentException("duplicate attribute key \"" + sorted[i].key() + "\"");
      }
      keys[i] = sorted[i].key();
      values[i] = sorted[i].value();
    }
    return new Attributes(keys, values);
  }

  /** True if the keys are in strictly ascending order (often so: a block stores them that way). */
  private static boolean ascending(Attribute[] attributes) {
    for (int i = 1; i < attributes.length; i++) {
      if (attributes[i - 1].key().compareTo(attributes[i].key()) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** The given attributes; see {@link #of(Collection)}. */
  public static Attributes of(Attribute... attributes) {
    return of(Arrays.asList(attributes));
  }

  /** A builder; a later {@code put} of the same key replaces the earlier value. */
  public static Builder builder() {
    return new Builder();
  }

  /** Number of attributes. */
  public int size() {
    return keys.length;
  }

  public boolean isEmpty() {
    return keys.length == 0;
  }

  /** The key at {@code index} in key order. */
  public String key(int index) {
    return keys[index];
  }

  /** The value at {@code index} in key order. */
  public AttributeValue value(int index) {
    return values[index];
  }

  /** The value of {@code key}, if present. */
  public Optional<AttributeValue> get(String key) {
    int i = Arrays.binarySearch(keys, key);
    return i >= 0 ? Optional.of(values[i]) : Optional.empty();
  }

  /** The value of {@code key} if it is a string, else null. */
  public String getString(String key) {
    int i = Arrays.binarySearch(keys, key);
    return i >= 0 && values[i] instanceof AttributeValue.StringValue s ? s.value() : null;
  }

  /** The attributes as an unmodifiable list in key order. */
  public List<Attribute> asList() {
    return new AbstractList<>() {
      @Override
      public Attribute get(int index) {
        return new Attribute(keys[index], values[index]);
      }

      @Override
      public int size() {
        return keys.length;
      }
    };
  }

  /** A copy with {@code key} set to {@code value}. */
  public Attributes with(String key, AttributeValue value) {
    return toBuilder().put(key, value).build();
  }

  /** A builder holding these attributes. */
  public Builder toBuilder() {
    Builder b = new Builder();
    for (int i = 0; i < keys.length; i++) {
      b.put(keys[i], values[i]);
    }
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Attributes a && Arrays.equals(a.keys, keys) && Arrays.equals(a.values, values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(keys) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < keys.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(keys[i]).append('=').append(values[i]);
    }
    return sb.append('}').toString();
  }

  /** Collects attributes; not thread-safe. */
  public static final class Builder {
    private final Map<String, AttributeValue> map = new TreeMap<>();

    private Builder() {}

    public Builder put(String key, AttributeValue value) {
      map.put(java.util.Objects.requireNonNull(key, "key"), java.util.Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder put(String key, String value) {
      return put(key, AttributeValue.of(value));
    }

    public Builder put(String key, long value) {
      return put(key, AttributeValue.of(value));
    }

    public Builder put(String key, double value) {
      return put(key, AttributeValue.of(value));
    }

    public Builder put(String key, boolean value) {
      return put(key, AttributeValue.of(value));
    }

    public Attributes build() {
      if (map.isEmpty()) {
        return EMPTY;
      }
      String[] keys = map.keySet().toArray(new String[0]);
      AttributeValue[] values = map.values().toArray(new AttributeValue[0]);
      return new Attributes(keys, values);
    }
  }
}
