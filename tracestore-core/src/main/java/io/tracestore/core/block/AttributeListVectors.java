package io.tracestore.core.block;

import io.tracestore.api.AttributeValue;
import io.tracestore.core.codec.SpanCodec;
import java.util.function.Function;

/**
 * The decoded leaf columns of one generic attribute list ({@code span_attrs}, {@code
 * resource_attrs}, an event's or link's {@code attrs}, {@code scope_attrs}) in one row group: slot
 * {@code e} is one list element of all seven. Immutable; thread-safe.
 *
 * @param keys element keys (dictionary ids); its {@link ColumnVector#rowStarts()} maps rows to elements
 */
public record AttributeListVectors(ColumnVector keys, ColumnVector types, ColumnVector str, ColumnVector integer,
    ColumnVector dbl, ColumnVector bool, ColumnVector raw) {

  /**
   * The list whose element fields are named {@code prefix + "key"}, ... (e.g. {@code
   * span_attrs.list.element.}), read through {@code source}; null if the block has no such list.
   */
  public static AttributeListVectors read(String prefix, Function<String, ColumnVector> source) {
    ColumnVector keys = source.apply(prefix + BlockSchema.KEY);
    if (keys == null) {
      return null;
    }
    return new AttributeListVectors(keys, source.apply(prefix + BlockSchema.TYPE), source.apply(prefix + BlockSchema.STR),
        source.apply(prefix + BlockSchema.INT), source.apply(prefix + BlockSchema.DBL), source.apply(prefix + BlockSchema.BOOL),
        source.apply(prefix + BlockSchema.RAW));
  }

  /** The key of element {@code e}. */
  public String key(int e) {
    return keys.dictionary()[keys.ids()[e]];
  }

  /** The value of element {@code e}, as a whole decode of the span gives it. */
  public AttributeValue value(int e) {
    return switch (AttributeValue.Type.fromCode(types.ints()[e])) {
      case STRING -> AttributeValue.of(str.isSet(e) ? str.dictionary()[str.ids()[e]] : "");
      case LONG -> AttributeValue.of(integer.longs()[e]);
      case DOUBLE -> AttributeValue.of(dbl.doubles()[e]);
      case BOOLEAN -> AttributeValue.of(bool.ints()[e] != 0);
      case BYTES -> AttributeValue.of(raw.isSet(e) ? raw.bytes()[e] : new byte[0]);
      case ARRAY, KVLIST -> SpanCodec.decodeValue(raw.isSet(e) ? raw.bytes()[e] : new byte[0]);
    };
  }
}
