package io.tracestore.api;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * An attribute value: every kind OTLP's {@code AnyValue} carries. Immutable and thread-safe; no
 * component is ever null.
 *
 * <p>Values compare by content: two {@link BytesValue}s with the same bytes are equal, doubles
 * compare as {@link Double#compare} does (so NaN equals NaN).
 */
public sealed interface AttributeValue
    permits AttributeValue.StringValue,
        AttributeValue.LongValue,
        AttributeValue.DoubleValue,
        AttributeValue.BooleanValue,
        AttributeValue.BytesValue,
        AttributeValue.ArrayValue,
        AttributeValue.KeyValueListValue {

  /** The kind of a value, with the code stored in a block's generic attribute lists. */
  enum Type {
    STRING(0),
    LONG(1),
    DOUBLE(2),
    BOOLEAN(3),
    BYTES(4),
    ARRAY(5),
    KVLIST(6);

    private static final Type[] BY_CODE = values();
    private final int code;

    Type(int code) {
      this.code = code;
    }

    /** The stable integer stored for this type. */
    public int code() {
      return code;
    }

    /**
     * The type with stored code {@code code}.
     *
     * @throws IllegalArgumentException for an unknown code
     */
    public static Type fromCode(int code) {
      if (code < 0 || code >= BY_CODE.length) {
        throw new IllegalArgumentException("unknown attribute type code " + code);
      }
      return BY_CODE[code];
    }
  }

  /** This value's kind. */
  Type type();

  /** A human-readable rendering: strings as they are, bytes as base64, arrays as {@code [a, b]}. */
  String asText();

  static StringValue of(String value) {
    return new StringValue(value);
  }

  static LongValue of(long value) {
    return new LongValue(value);
  }

  static DoubleValue of(double value) {
    return new DoubleValue(value);
  }

  static BooleanValue of(boolean value) {
    return new BooleanValue(value);
  }

  static BytesValue of(byte[] value) {
    return new BytesValue(value);
  }

  static ArrayValue ofArray(List<? extends AttributeValue> values) {
    return new ArrayValue(List.copyOf(values));
  }

  static KeyValueListValue ofKeyValues(List<Attribute> values) {
    return new KeyValueListValue(values);
  }

  /** A UTF-16 string value. */
  record StringValue(String value) implements AttributeValue {
    public StringValue {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public Type type() {
      return Type.STRING;
    }

    @Override
    public String asText() {
      return value;
    }
  }

  /** A 64-bit signed integer value. */
  record LongValue(long value) implements AttributeValue {
    @Override
    public Type type() {
      return Type.LONG;
    }

    @Override
    public String asText() {
      return Long.toString(value);
    }
  }

  /** A 64-bit IEEE-754 value. */
  record DoubleValue(double value) implements AttributeValue {
    @Override
    public Type type() {
      return Type.DOUBLE;
    }

    @Override
    public String asText() {
      return Double.toString(value);
    }
  }

  /** A boolean value. */
  record BooleanValue(boolean value) implements AttributeValue {
    @Override
    public Type type() {
      return Type.BOOLEAN;
    }

    @Override
    public String asText() {
      return Boolean.toString(value);
    }
  }

  /** A byte string; the array is copied in and out, so the value stays immutable. */
  final class BytesValue implements AttributeValue {
    private final byte[] value;

    public BytesValue(byte[] value) {
      this.value = value.clone();
    }

    /** A copy of the bytes. */
    public byte[] value() {
      return value.clone();
    }

    /** Number of bytes. */
    public int length() {
      return value.length;
    }

    @Override
    public Type type() {
      return Type.BYTES;
    }

    @Override
    public String asText() {
      return Base64.getEncoder().encodeToString(value);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BytesValue b && Arrays.equals(b.value, value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "BytesValue[" + asText() + "]";
    }
  }

  /** An ordered list of values (OTLP's {@code ArrayValue}; elements may mix kinds). */
  record ArrayValue(List<AttributeValue> values) implements AttributeValue {
    public ArrayValue {
      values = List.copyOf(values);
    }

    @Override
    public Type type() {
      return Type.ARRAY;
    }

    @Override
    public String asText() {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(values.get(i).asText());
      }
      return sb.append(']').toString();
    }
  }

  /**
   * An ordered list of key-value pairs (OTLP's {@code KeyValueList}). Order is kept as written;
   * OTLP does not forbid repeated keys here, so none are removed.
   */
  record KeyValueListValue(List<Attribute> values) implements AttributeValue {
    public KeyValueListValue {
      values = List.copyOf(values);
    }

    @Override
    public Type type() {
      return Type.KVLIST;
    }

    @Override
    public String asText() {
      StringBuilder sb = new StringBuilder("{");
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(values.get(i).key()).append('=').append(values.get(i).value().asText());
      }
      return sb.append('}').toString();
    }
  }
}
