package io.tracestore.core.block;

import io.tracestore.api.AttributeValue;
import java.util.Locale;
import java.util.Objects;

/**
 * An attribute key that has a column of its own in a block, with the one value type that column
 * holds (string, long, double or boolean). Values of other types for the key stay in the generic
 * attribute list. Immutable.
 */
public record DedicatedColumn(String key, AttributeValue.Type type) {
  public DedicatedColumn {
    Objects.requireNonNull(key, "key");
    if (type != AttributeValue.Type.STRING && type != AttributeValue.Type.LONG
        && type != AttributeValue.Type.DOUBLE && type != AttributeValue.Type.BOOLEAN) {
      throw new IllegalArgumentException("a dedicated column holds a scalar type, not " + type);
    }
  }

  /** A string column. */
  public static DedicatedColumn string(String key) {
    return new DedicatedColumn(key, AttributeValue.Type.STRING);
  }

  /** True if {@code value} belongs in this column rather than in the generic list. */
  public boolean holds(AttributeValue value) {
    return value.type() == type;
  }

  /** The type's name as {@code meta.json} writes it: {@code string}, {@code long}, {@code double}, {@code boolean}. */
  public String typeName() {
    return type.name().toLowerCase(Locale.ROOT);
  }

  /** The type named by {@link #typeName()}. */
  static AttributeValue.Type parseType(String name) {
    return AttributeValue.Type.valueOf(name.toUpperCase(Locale.ROOT));
  }
}
