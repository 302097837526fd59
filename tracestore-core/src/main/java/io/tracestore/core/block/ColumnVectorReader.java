package io.tracestore.core.block;

import io.tracestore.api.CorruptDataException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Decodes one column chunk into a {@link ColumnVector}: {@link #read} with the vectorized {@link
 * PageDecoder} where it takes the chunk's encodings, else through parquet-java's column reader
 * (this class, value by value: the reference {@code PageDecoder} is tested against). String
 * values of dictionary-encoded pages arrive as dictionary ids and are kept as such; values of plain
 * pages are interned into entries appended after the dictionary. Not thread-safe: one per chunk.
 */
final class ColumnVectorReader extends PrimitiveConverter {
  private String[] dictionary = new String[0];
  private int dictionarySize;
  private Map<Binary, Integer> extra;
  private int lastId;
  private final boolean strings;

  private ColumnVectorReader(boolean strings) {
    this.strings = strings;
  }

  /**
   * Decodes every slot of the chunk {@code pages} holds for {@code column}: with {@link PageDecoder}
   * where it takes every page's encodings, else (the whole chunk) through parquet-java.
   */
  static ColumnVector read(ColumnDescriptor column, PageReader pages) {
    ChunkPages chunk = ChunkPages.read(pages);
    ColumnVector vector = PageDecoder.decode(column, chunk);
    return vector != null ? vector : readWithParquet(column, chunk.reader());
  }

  /** The value-by-value path through parquet-java's column reader: the fallback, and the reference in tests. */
  static ColumnVector readWithParquet(ColumnDescriptor column, PageReader pages) {
    return new ColumnVectorReader(ColumnVector.kindOf(column) == ColumnVector.Kind.STRING).decode(column, pages);
  }

  private ColumnVector decode(ColumnDescriptor column, PageReader pages) {
    ColumnReaderImpl reader = new ColumnReaderImpl(column, pages, this, null);
    long total = reader.getTotalValueCount();
    if (total > Integer.MAX_VALUE - 16) {
      throw new CorruptDataException("a column chunk of " + total + " values is more than one vector holds");
    }
    int n = (int) total;
    int maxDef = column.getMaxDefinitionLevel();
    int maxRep = column.getMaxRepetitionLevel();
    byte[] defs = maxDef == 0 ? null : new byte[n];
    byte[] reps = maxRep == 0 ? null : new byte[n];
    PrimitiveType.PrimitiveTypeName type = column.getPrimitiveType().getPrimitiveTypeName();
    ColumnVector.Kind kind = ColumnVector.kindOf(column);
    int[] ids = kind == ColumnVector.Kind.STRING ? new int[n] : null;
    long[] longs = kind == ColumnVector.Kind.LONG || kind == ColumnVector.Kind.ID64 ? new long[n]
        : kind == ColumnVector.Kind.ID128 ? new long[2 * n] : null;
    byte[][] bytes = kind == ColumnVector.Kind.BYTES ? new byte[n][] : null;
    int[] ints = kind == ColumnVector.Kind.INT ? new int[n] : null;
    double[] doubles = kind == ColumnVector.Kind.DOUBLE ? new double[n] : null;
    boolean nulls = false;
    for (int i = 0; i < n; i++) {
      int def = reader.getCurrentDefinitionLevel();
      if (defs != null) {
        defs[i] = (byte) def;
      }
      if (reps != null) {
        reps[i] = (byte) reader.getCurrentRepetitionLevel();
      }
      if (def == maxDef) {
        switch (kind) {
          case STRING -> {
            reader.writeCurrentValueToConverter();
            ids[i] = lastId;
          }
          case LONG -> longs[i] = reader.getLong();
          case INT -> ints[i] = type == PrimitiveType.PrimitiveTypeName.BOOLEAN ? (reader.getBoolean() ? 1 : 0) : reader.getInteger();
          case DOUBLE -> doubles[i] = reader.getDouble();
          case ID64 -> longs[i] = bigEndian(reader.getBinary().getBytesUnsafe(), 0);
          case BYTES -> bytes[i] = reader.getBinary().getBytes();
          case ID128 -> {
            byte[] b = reader.getBinary().getBytesUnsafe();
            longs[2 * i] = bigEndian(b, 0);
            longs[2 * i + 1] = bigEndian(b, 8);
          }
          default -> reader.skip();
        }
      } else {
        nulls = true;
        if (ids != null) {
          ids[i] = -1;
        }
      }
      reader.consume();
    }
    String[] dict = kind == ColumnVector.Kind.STRING ? Arrays.copyOf(dictionary, dictionarySize) : null;
    return new ColumnVector(kind, n, maxDef, nulls || reps != null ? defs : null, reps, ids, dict, longs, ints, doubles, bytes);
  }

  private static long bigEndian(byte[] b, int off) {
    long v = 0;
    for (int k = 0; k < 8; k++) {
      v = (v << 8) | (b[off + k] & 0xffL);
    }
    return v;
  }

  @Override
  public boolean hasDictionarySupport() {
    return true;
  }

  @Override
  public void setDictionary(Dictionary d) {
    if (!strings) {
      return; // other types are read with getLong() and friends, which decode through the dictionary
    }
    int size = d.getMaxId() + 1;
    if (dictionarySize != 0) {
      throw new CorruptDataException("a column chunk with two dictionaries");
    }
    dictionary = new String[Math.max(16, size)];
    for (int i = 0; i < size; i++) {
      dictionary[i] = d.decodeToBinary(i).toStringUsingUTF8();
    }
    dictionarySize = size;
  }

  @Override
  public void addValueFromDictionary(int dictionaryId) {
    lastId = dictionaryId;
  }

  @Override
  public void addBinary(Binary value) {
    if (extra == null) {
      extra = new HashMap<>();
    }
    Integer id = extra.get(value);
    if (id == null) {
      id = dictionarySize;
      if (dictionarySize == dictionary.length) {
        dictionary = Arrays.copyOf(dictionary, Math.max(16, dictionarySize * 2));
      }
      dictionary[dictionarySize++] = value.toStringUsingUTF8();
      extra.put(value.copy(), id);
    }
    lastId = id;
  }
}
