package io.tracestore.core.block;

/**
 * One leaf column of one row group, decoded into primitive arrays: the unit the search engine's
 * kernels scan and the column cache holds. A slot is one leaf entry: for a flat column one row,
 * for a column inside a list one list element (or the marker of an empty or missing list).
 *
 * <p>Strings are always dictionary ids into {@link #dictionary()}: pages the writer stored
 * dictionary-encoded keep their ids, pages stored plain get ids appended after the file's
 * dictionary entries, so a string predicate is decided once per dictionary entry. Booleans are
 * ints 0/1. A null slot holds 0 (or id -1).
 *
 * <p>Immutable once built; the arrays are shared, never copied, and must not be modified. Safe to
 * share between threads.
 */
public final class ColumnVector {
  /** How the values are held. */
  public enum Kind {
    /** {@link #ids()} into {@link #dictionary()}. */
    STRING,
    /** {@link #longs()}. */
    LONG,
    /** {@link #ints()} (INT32 and BOOLEAN as 0/1). */
    INT,
    /** {@link #doubles()}. */
    DOUBLE,
    /** 16-byte ids as two big-endian longs per slot: {@code longs[2i]} high, {@code longs[2i+1]} low. */
    ID128,
    /** 8-byte ids as one big-endian long per slot in {@link #longs()}. */
    ID64,
    /** Binary values that are not strings, in {@link #bytes()} (null for a null slot). */
    BYTES,
    /** Values not decoded: levels only. */
    LEVELS_ONLY
  }

  /** How a vector holds the values of {@code column}: the one mapping both decoders follow. */
  static Kind kindOf(org.apache.parquet.column.ColumnDescriptor column) {
    org.apache.parquet.schema.PrimitiveType type = column.getPrimitiveType();
    return switch (type.getPrimitiveTypeName()) {
      case BINARY -> type.getLogicalTypeAnnotation() instanceof org.apache.parquet.schema.LogicalTypeAnnotation.StringLogicalTypeAnnotation
          ? Kind.STRING : Kind.BYTES;
      case INT64 -> Kind.LONG;
      case INT32, BOOLEAN -> Kind.INT;
      case DOUBLE -> Kind.DOUBLE;
      case FIXED_LEN_BYTE_ARRAY -> switch (type.getTypeLength()) {
        case 16 -> Kind.ID128;
        case 8 -> Kind.ID64;
        default -> Kind.LEVELS_ONLY;
      };
      default -> Kind.LEVELS_ONLY;
    };
  }

  private final Kind kind;
  private final int size;
  private final int maxDefinition;
  private final byte[] definitions;
  private final byte[] repetitions;
  private final int[] ids;
  private final String[] dictionary;
  private final long[] longs;
  private final int[] ints;
  private final double[] doubles;
  private final byte[][] bytes;
  private volatile int[] rowStarts;

  ColumnVector(Kind kind, int size, int maxDefinition, byte[] definitions, byte[] repetitions, int[] ids,
      String[] dictionary, long[] longs, int[] ints, double[] doubles, byte[][] bytes) {
    this.kind = kind;
    this.size = size;
    this.maxDefinition = maxDefinition;
    this.definitions = definitions;
    this.repetitions = repetitions;
    this.ids = ids;
    this.dictionary = dictionary;
    this.longs = longs;
    this.ints = ints;
    this.doubles = doubles;
    this.bytes = bytes;
  }

  public Kind kind() {
    return kind;
  }

  /** Number of slots. */
  public int size() {
    return size;
  }

  /**
   * The vector of another leaf of this vector's list, of {@code kind} and maximum definition level
   * {@code maxDefinition} (one above this one's), whose pages hold no value in these slots: what
   * decoding them gives (the same slots and levels, none set). Shares this vector's level arrays.
   *
   * @throws IllegalStateException if this is not a leaf of a list, or {@code kind} is not a number or bytes kind
   */
  ColumnVector withNoValues(Kind kind, int maxDefinition) {
    if (repetitions == null || definitions == null || maxDefinition != this.maxDefinition + 1) {
      throw new IllegalStateException("not a leaf of a list one level above the other leaf");
    }
    return switch (kind) {
      case LONG -> new ColumnVector(kind, size, maxDefinition, definitions, repetitions, null, null, new long[size], null, null, null);
      case INT -> new ColumnVector(kind, size, maxDefinition, definitions, repetitions, null, null, null, new int[size], null, null);
      case DOUBLE -> new ColumnVector(kind, size, maxDefinition, definitions, repetitions, null, null, null, null, new double[size], null);
      case BYTES -> new ColumnVector(kind, size, maxDefinition, definitions, repetitions, null, null, null, null, null, new byte[size][]);
      default -> throw new IllegalStateException("no empty vector of kind " + kind);
    };
  }

  /** True if slot {@code i} holds a value (its definition level is the column's maximum). */
  public boolean isSet(int i) {
    return definitions == null || definitions[i] == maxDefinition;
  }

  /** True if no slot is null. */
  public boolean hasNoNulls() {
    return definitions == null;
  }

  /** Dictionary ids per slot (-1 for null); only for {@link Kind#STRING}. */
  public int[] ids() {
    return ids;
  }

  /** The strings the ids refer to; only for {@link Kind#STRING}. */
  public String[] dictionary() {
    return dictionary;
  }

  public long[] longs() {
    return longs;
  }

  public int[] ints() {
    return ints;
  }

  public double[] doubles() {
    return doubles;
  }

  /** Values of a {@link Kind#BYTES} column. */
  public byte[][] bytes() {
    return bytes;
  }

  /** The repetition level of slot {@code i} (0 for a flat column). */
  int repetition(int i) {
    return repetitions == null ? 0 : repetitions[i];
  }

  /**
   * For a column inside a list: the first slot of each row, with one extra entry (the slot count)
   * at the end, so row {@code r} owns slots {@code [rowStarts[r], rowStarts[r+1])}. For a flat
   * column: null (slot = row).
   */
  public int[] rowStarts() {
    if (repetitions == null) {
      return null;
    }
    int[] r = rowStarts;
    if (r == null) {
      int rows = 0;
      for (int i = 0; i < size; i++) {
        if (repetitions[i] == 0) {
          rows++;
        }
      }
      r = new int[rows + 1];
      int row = 0;
      for (int i = 0; i < size; i++) {
        if (repetitions[i] == 0) {
          r[row++] = i;
        }
      }
      r[rows] = size;
      rowStarts = r;
    }
    return r;
  }

  /**
   * A new vector of rows {@code [from[i], to[i])} of this one, concatenated in order (slots of a
   * list column come along with their rows). Shares the dictionary; copies everything else.
   */
  ColumnVector selectRows(int[] from, int[] to) {
    int[] starts = rowStarts();
    int n = 0;
    for (int i = 0; i < from.length; i++) {
      n += starts == null ? to[i] - from[i] : starts[to[i]] - starts[from[i]];
    }
    byte[] d = definitions == null ? null : new byte[n];
    byte[] r = repetitions == null ? null : new byte[n];
    int[] id = ids == null ? null : new int[n];
    long[] l = longs == null ? null : new long[kind == Kind.ID128 ? 2 * n : n];
    int[] in = ints == null ? null : new int[n];
    double[] db = doubles == null ? null : new double[n];
    byte[][] by = bytes == null ? null : new byte[n][];
    int at = 0;
    for (int i = 0; i < from.length; i++) {
      int s = starts == null ? from[i] : starts[from[i]];
      int len = (starts == null ? to[i] : starts[to[i]]) - s;
      if (d != null) {
        System.arraycopy(definitions, s, d, at, len);
      }
      if (r != null) {
        System.arraycopy(repetitions, s, r, at, len);
      }
      if (id != null) {
        System.arraycopy(ids, s, id, at, len);
      }
      if (l != null) {
        int w = kind == Kind.ID128 ? 2 : 1;
        System.arraycopy(longs, w * s, l, w * at, w * len);
      }
      if (in != null) {
        System.arraycopy(ints, s, in, at, len);
      }
      if (db != null) {
        System.arraycopy(doubles, s, db, at, len);
      }
      if (by != null) {
        System.arraycopy(bytes, s, by, at, len);
      }
      at += len;
    }
    return new ColumnVector(kind, n, maxDefinition, d, r, id, dictionary, l, in, db, by);
  }

  /** Approximate heap bytes held, for the cache's weigher. */
  public long sizeBytes() {
    long b = 64;
    b += definitions == null ? 0 : definitions.length;
    b += repetitions == null ? 0 : repetitions.length + 4L * (repetitions.length / 8);
    b += ids == null ? 0 : 4L * ids.length;
    b += longs == null ? 0 : 8L * longs.length;
    b += ints == null ? 0 : 4L * ints.length;
    b += doubles == null ? 0 : 8L * doubles.length;
    if (bytes != null) {
      for (byte[] v : bytes) {
        b += 8 + (v == null ? 0 : 16 + v.length);
      }
    }
    if (dictionary != null) {
      for (String s : dictionary) {
        b += 48 + (s == null ? 0 : s.length());
      }
    }
    return b;
  }
}
