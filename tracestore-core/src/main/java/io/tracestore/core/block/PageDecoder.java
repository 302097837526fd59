package io.tracestore.core.block;

import io.tracestore.api.CorruptDataException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vectorized decoder of one column chunk into a {@link ColumnVector}, equal to what {@link
 * ColumnVectorReader}'s value-by-value path through parquet-java builds, but page by page in bulk.
 *
 * <p>Per page: levels are decoded with {@link RleBitPackedDecoder} straight into the byte arrays;
 * the page's {@code k} non-null values are decoded densely into the first {@code k} slots of the
 * page's range of the value array, then, if the page has nulls, moved backwards to their slots
 * (a value never moves left, so this needs no second buffer) with nulls set to 0 (id -1).
 *
 * <p>Value encodings taken: PLAIN (INT32, INT64, DOUBLE, BOOLEAN, BINARY, FIXED_LEN_BYTE_ARRAY(16 or 8)),
 * PLAIN_DICTIONARY / RLE_DICTIONARY (not BOOLEAN), DELTA_BINARY_PACKED (INT32, INT64),
 * DELTA_LENGTH_BYTE_ARRAY (BINARY), DELTA_BYTE_ARRAY (BINARY, FIXED_LEN_BYTE_ARRAY(16 or 8)), RLE
 * (BOOLEAN). Levels: v2 pages, and v1 pages with RLE levels. Columns whose values a vector does
 * not hold ({@link ColumnVector.Kind#LEVELS_ONLY}) decode their levels only, whatever the value
 * encoding. For anything else {@link #decode} returns null and the caller decodes the whole chunk
 * through parquet-java.
 *
 * <p>Dictionary pages decode once per chunk. String ids are the dictionary's; strings of pages not
 * dictionary-encoded are appended after the dictionary in first-seen order, deduplicated by their
 * bytes (not against the dictionary), as {@link ColumnVectorReader} does. One instance per chunk;
 * not thread-safe.
 */
final class PageDecoder {
  private static final Logger LOG = LoggerFactory.getLogger(PageDecoder.class);

  private final ColumnDescriptor column;
  private final PrimitiveTypeName type;
  private final ColumnVector.Kind kind;
  private final int maxDef;
  private final int maxRep;
  private final int size;

  private final byte[] defs;
  private final byte[] reps;
  private final int[] ids;
  private final long[] longs;
  private final int[] ints;
  private final double[] doubles;
  private boolean nulls;

  // the dictionary page's values, for the chunk's kind
  private String[] dictStrings = new String[0];
  private int[] dictInts;
  private long[] dictLongs; // LONG, or ID128 as pairs
  private double[] dictDoubles;

  // strings of pages not dictionary-encoded, after the dictionary's
  private final List<String> extraStrings = new ArrayList<>();
  private final Map<Binary, Integer> extraIds = new HashMap<>();

  private int[] scratchInts = new int[0];
  private long[] scratchLongs = new long[0];

  private PageDecoder(ColumnDescriptor column, int size) {
    this.column = column;
    this.type = column.getPrimitiveType().getPrimitiveTypeName();
    this.kind = ColumnVector.kindOf(column);
    this.maxDef = column.getMaxDefinitionLevel();
    this.maxRep = column.getMaxRepetitionLevel();
    this.size = size;
    defs = maxDef == 0 ? null : new byte[size];
    reps = maxRep == 0 ? null : new byte[size];
    ids = kind == ColumnVector.Kind.STRING ? new int[size] : null;
    longs = kind == ColumnVector.Kind.LONG || kind == ColumnVector.Kind.ID64 ? new long[size] : kind == ColumnVector.Kind.ID128 ? new long[2 * size] : null;
    ints = kind == ColumnVector.Kind.INT ? new int[size] : null;
    doubles = kind == ColumnVector.Kind.DOUBLE ? new double[size] : null;
  }

  /**
   * The chunk as a vector, or null if this decoder does not take one of its pages or fails on it;
   * the caller then decodes the chunk through parquet-java, which either succeeds or reports the
   * problem in its own words.
   */
  static ColumnVector decode(ColumnDescriptor column, ChunkPages chunk) {
    return decode(column, chunk, null);
  }

  /**
   * As {@link #decode(ColumnDescriptor, ChunkPages)}, with the chunk's dictionary page already
   * decoded by {@link #dictionaryValues} (null: decode it from the chunk).
   */
  static ColumnVector decode(ColumnDescriptor column, ChunkPages chunk, DictionaryValues dictionary) {
    if (!canDecode(column, chunk)) {
      return null;
    }
    try {
      PageDecoder d = newDecoder(column, chunk);
      d.decodeAll(chunk, dictionary);
      return d.vector();
    } catch (RuntimeException e) {
      // corrupt data (parquet-java will say so too) or a bug here: either way worth a line
      LOG.warn("vectorized decoding of column {} failed, falling back to parquet-java: {}", String.join(".", column.getPath()), e.toString());
      return null;
    }
  }

  /**
   * True for the columns this decoder builds: strings, numbers, booleans, 16- and 8-byte ids. Raw
   * bytes (kept as {@link ColumnVector.Kind#BYTES}) are left to parquet-java.
   */
  static boolean takesColumn(ColumnDescriptor column) {
    org.apache.parquet.schema.PrimitiveType t = column.getPrimitiveType();
    return switch (t.getPrimitiveTypeName()) {
      case BINARY -> t.getLogicalTypeAnnotation() instanceof org.apache.parquet.schema.LogicalTypeAnnotation.StringLogicalTypeAnnotation;
      case FIXED_LEN_BYTE_ARRAY -> t.getTypeLength() == 16 || t.getTypeLength() == 8;
      default -> true;
    };
  }

  /**
   * Decodes a chunk {@link #canDecode} accepts, throwing {@link CorruptDataException} on bad data.
   * For tests, which also look at {@link #definitionLevels()} and {@link #repetitionLevels()}.
   */
  static PageDecoder decodeChecked(ColumnDescriptor column, ChunkPages chunk) {
    PageDecoder d = newDecoder(column, chunk);
    d.decodeAll(chunk, null);
    return d;
  }

  private static PageDecoder newDecoder(ColumnDescriptor column, ChunkPages chunk) {
    long total = chunk.totalValueCount();
    if (total > Integer.MAX_VALUE - 16) {
      throw new CorruptDataException("a column chunk of " + total + " values is more than one vector holds");
    }
    return new PageDecoder(column, (int) total);
  }

  /**
   * The values of a dictionary page, decoded once for a column's kind so that decodes of several
   * page sets of the chunk can share them ({@link #decode(ColumnDescriptor, ChunkPages,
   * DictionaryValues)}). Immutable; the arrays must not be modified.
   */
  record DictionaryValues(String[] strings, int[] ints, long[] longs, double[] doubles) {
    /** Approximate heap bytes held. */
    long sizeBytes() {
      long b = 64;
      if (strings != null) {
        for (String s : strings) {
          b += 48 + s.length();
        }
      }
      b += ints == null ? 0 : 4L * ints.length;
      b += longs == null ? 0 : 8L * longs.length;
      b += doubles == null ? 0 : 8L * doubles.length;
      return b;
    }
  }

  /**
   * Decodes {@code page}, the dictionary of a chunk of {@code column}; null if this decoder does
   * not use dictionaries of that column (raw bytes, booleans, levels only).
   *
   * @throws CorruptDataException if the page is malformed
   */
  static DictionaryValues dictionaryValues(ColumnDescriptor column, ChunkPages.Dictionary page) {
    if (!takesColumn(column) || ColumnVector.kindOf(column) == ColumnVector.Kind.LEVELS_ONLY
        || column.getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.BOOLEAN) {
      return null;
    }
    PageDecoder d = new PageDecoder(column, 0);
    try {
      d.readDictionary(page);
    } catch (IndexOutOfBoundsException e) {
      throw new CorruptDataException("column " + String.join(".", column.getPath()) + ": " + e.getMessage(), e);
    }
    return new DictionaryValues(d.dictStrings, d.dictInts, d.dictLongs, d.dictDoubles);
  }

  /** True if every page's encodings are ones this decoder takes and the page counts add up. */
  static boolean canDecode(ColumnDescriptor column, ChunkPages chunk) {
    if (!takesColumn(column)) {
      return false;
    }
    PrimitiveTypeName type = column.getPrimitiveType().getPrimitiveTypeName();
    ColumnVector.Kind kind = ColumnVector.kindOf(column);
    ChunkPages.Dictionary dict = chunk.dictionary();
    boolean dictionaryUsable = dict != null && type != PrimitiveTypeName.BOOLEAN
        && (dict.encoding() == Encoding.PLAIN || dict.encoding() == Encoding.PLAIN_DICTIONARY);
    if (dict != null && kind != ColumnVector.Kind.LEVELS_ONLY && !dictionaryUsable) {
      return false;
    }
    long slots = 0;
    for (ChunkPages.Data p : chunk.pages()) {
      slots += p.valueCount();
      if (p.compressed()
          || !p.v2() && (column.getMaxRepetitionLevel() > 0 && p.rlEncoding() != Encoding.RLE
              || column.getMaxDefinitionLevel() > 0 && p.dlEncoding() != Encoding.RLE)) {
        return false;
      }
      Encoding e = p.valueEncoding();
      boolean ok = kind == ColumnVector.Kind.LEVELS_ONLY
          || (e == Encoding.PLAIN_DICTIONARY || e == Encoding.RLE_DICTIONARY ? dictionaryUsable : takesValues(type, e));
      if (!ok) {
        return false;
      }
    }
    return slots == chunk.totalValueCount();
  }

  private static boolean takesValues(PrimitiveTypeName type, Encoding e) {
    return switch (e) {
      case PLAIN -> true; // every type a vector holds
      case DELTA_BINARY_PACKED -> type == PrimitiveTypeName.INT32 || type == PrimitiveTypeName.INT64;
      case DELTA_LENGTH_BYTE_ARRAY -> type == PrimitiveTypeName.BINARY;
      case DELTA_BYTE_ARRAY -> type == PrimitiveTypeName.BINARY || type == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
      case RLE -> type == PrimitiveTypeName.BOOLEAN;
      default -> false;
    };
  }

  /** The vector built; the level arrays are dropped where {@link ColumnVectorReader} drops them. */
  ColumnVector vector() {
    String[] dict = null;
    if (kind == ColumnVector.Kind.STRING && extraStrings.isEmpty()) {
      dict = dictStrings; // never modified: safe to share (with a cached dictionary, too)
    } else if (kind == ColumnVector.Kind.STRING) {
      dict = new String[dictStrings.length + extraStrings.size()];
      System.arraycopy(dictStrings, 0, dict, 0, dictStrings.length);
      for (int i = 0; i < extraStrings.size(); i++) {
        dict[dictStrings.length + i] = extraStrings.get(i);
      }
    }
    return new ColumnVector(kind, size, maxDef, nulls || reps != null ? defs : null, reps, ids, dict, longs, ints, doubles, null);
  }

  /** Every slot's definition level (null if the column's maximum is 0). */
  byte[] definitionLevels() {
    return defs;
  }

  /** Every slot's repetition level (null if the column's maximum is 0). */
  byte[] repetitionLevels() {
    return reps;
  }

  private void decodeAll(ChunkPages chunk, DictionaryValues decoded) {
    try {
      if (chunk.dictionary() != null && kind != ColumnVector.Kind.LEVELS_ONLY && type != PrimitiveTypeName.BOOLEAN) {
        if (decoded != null) {
          dictStrings = decoded.strings() != null ? decoded.strings() : dictStrings;
          dictInts = decoded.ints();
          dictLongs = decoded.longs();
          dictDoubles = decoded.doubles();
        } else {
          readDictionary(chunk.dictionary());
        }
      }
      int slot = 0;
      for (ChunkPages.Data page : chunk.pages()) {
        decodePage(page, slot);
        slot += page.valueCount();
      }
    } catch (IndexOutOfBoundsException e) {
      throw new CorruptDataException("column " + String.join(".", column.getPath()) + ": " + e.getMessage(), e);
    }
  }

  // ---- dictionary page ----

  private void readDictionary(ChunkPages.Dictionary dict) {
    int n = dict.size();
    PageBuffer in = PageBuffer.of(dict.data());
    if (n < 0) {
      throw new CorruptDataException("dictionary of " + n + " entries");
    }
    switch (kind) {
      case STRING -> {
        dictStrings = new String[n];
        for (int i = 0; i < n; i++) {
          int len = in.readIntLE();
          in.require(len);
          dictStrings[i] = new String(in.array, in.pos, len, StandardCharsets.UTF_8);
          in.pos += len;
        }
      }
      case INT -> {
        dictInts = new int[n];
        readPlainInts(in, dictInts, 0, n);
      }
      case LONG -> {
        dictLongs = new long[n];
        readPlainLongs(in, dictLongs, 0, n);
      }
      case DOUBLE -> {
        dictDoubles = new double[n];
        in.require(8L * n);
        ByteBuffer.wrap(in.array, in.pos, 8 * n).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(dictDoubles);
      }
      case ID128 -> {
        dictLongs = new long[2 * n];
        readPlainId128(in, dictLongs, 0, n);
      }
      case ID64 -> {
        dictLongs = new long[n];
        readPlainId64(in, dictLongs, 0, n);
      }
      default -> throw new IllegalStateException(kind.toString());
    }
  }

  // ---- one data page ----

  private void decodePage(ChunkPages.Data page, int slot) {
    int count = page.valueCount();
    PageBuffer values;
    PageBuffer repIn;
    PageBuffer defIn;
    if (page.v2()) {
      repIn = PageBuffer.of(page.rep());
      defIn = PageBuffer.of(page.def());
      values = PageBuffer.of(page.data());
    } else { // v1: [4-byte length, RLE levels] for repetition, then definition, then the values
      values = PageBuffer.of(page.data());
      repIn = maxRep > 0 ? values.slice(values.readIntLE()) : null;
      defIn = maxDef > 0 ? values.slice(values.readIntLE()) : null;
    }
    if (maxRep > 0) {
      new RleBitPackedDecoder(repIn, RleBitPackedDecoder.widthOf(maxRep)).readBytes(reps, slot, count);
    }
    int present = count;
    if (maxDef > 0) {
      new RleBitPackedDecoder(defIn, RleBitPackedDecoder.widthOf(maxDef)).readBytes(defs, slot, count);
      present = 0;
      for (int i = slot, end = slot + count; i < end; i++) {
        if (defs[i] == maxDef) {
          present++;
        }
      }
    }
    if (present < count) {
      nulls = true;
    }
    if (kind == ColumnVector.Kind.LEVELS_ONLY || present == 0 && count == 0) {
      return;
    }
    Encoding e = page.valueEncoding();
    if (present == 0) {
      spreadToSlots(slot, count, 0); // all null: no values to read
      return;
    }
    if (e == Encoding.PLAIN_DICTIONARY || e == Encoding.RLE_DICTIONARY) {
      readDictionaryIds(values, slot, present);
    } else {
      switch (kind) {
        case STRING -> readStrings(e, values, slot, present);
        case LONG -> readLongs(e, values, slot, present);
        case INT -> {
          if (type == PrimitiveTypeName.BOOLEAN) {
            readBooleans(e, values, slot, present);
          } else {
            readInts(e, values, slot, present);
          }
        }
        case DOUBLE -> readPlainDoubles(values, slot, present);
        case ID128 -> readId128(e, values, slot, present);
        case ID64 -> readId64(e, values, slot, present);
        default -> throw new IllegalStateException(kind.toString());
      }
    }
    if (present < count) {
      spreadToSlots(slot, count, present);
    }
  }

  /** Dictionary ids (a bit-width byte, then the hybrid), resolved through the dictionary unless strings. */
  private void readDictionaryIds(PageBuffer in, int at, int n) {
    RleBitPackedDecoder decoder = new RleBitPackedDecoder(in, in.readByte());
    if (kind == ColumnVector.Kind.STRING) {
      decoder.readInts(ids, at, n); // kept as they are, as ColumnVectorReader keeps them
      return;
    }
    int[] s = scratchInts(n);
    decoder.readInts(s, 0, n);
    switch (kind) {
      case INT -> {
        for (int k = 0; k < n; k++) {
          ints[at + k] = dictInts[s[k]];
        }
      }
      case LONG -> {
        for (int k = 0; k < n; k++) {
          longs[at + k] = dictLongs[s[k]];
        }
      }
      case DOUBLE -> {
        for (int k = 0; k < n; k++) {
          doubles[at + k] = dictDoubles[s[k]];
        }
      }
      case ID128 -> {
        for (int k = 0; k < n; k++) {
          longs[2 * (at + k)] = dictLongs[2 * s[k]];
          longs[2 * (at + k) + 1] = dictLongs[2 * s[k] + 1];
        }
      }
      case ID64 -> {
        for (int k = 0; k < n; k++) {
          longs[at + k] = dictLongs[s[k]];
        }
      }
      default -> throw new IllegalStateException(kind.toString());
    }
  }

  private void readInts(Encoding e, PageBuffer in, int at, int n) {
    if (e == Encoding.PLAIN) {
      readPlainInts(in, ints, at, n);
    } else { // DELTA_BINARY_PACKED
      long[] s = scratchLongs(n);
      DeltaBinaryPacked.decode(in, s, 0, n);
      for (int k = 0; k < n; k++) {
        ints[at + k] = (int) s[k];
      }
    }
  }

  private void readLongs(Encoding e, PageBuffer in, int at, int n) {
    if (e == Encoding.PLAIN) {
      readPlainLongs(in, longs, at, n);
    } else { // DELTA_BINARY_PACKED
      DeltaBinaryPacked.decode(in, longs, at, n);
    }
  }

  private void readBooleans(Encoding e, PageBuffer in, int at, int n) {
    if (e == Encoding.PLAIN) { // one bit each, LSB first
      in.require((n + 7L) / 8);
      for (int k = 0; k < n; k++) {
        ints[at + k] = (in.array[in.pos + (k >>> 3)] >>> (k & 7)) & 1;
      }
      in.pos += (n + 7) / 8;
    } else { // RLE: a 4-byte length, then the hybrid of width 1
      new RleBitPackedDecoder(in.slice(in.readIntLE()), 1).readInts(ints, at, n);
    }
  }

  private void readPlainDoubles(PageBuffer in, int at, int n) {
    in.require(8L * n);
    ByteBuffer.wrap(in.array, in.pos, 8 * n).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(doubles, at, n);
    in.pos += 8 * n;
  }

  private static void readPlainInts(PageBuffer in, int[] dst, int at, int n) {
    in.require(4L * n);
    ByteBuffer.wrap(in.array, in.pos, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(dst, at, n);
    in.pos += 4 * n;
  }

  private static void readPlainLongs(PageBuffer in, long[] dst, int at, int n) {
    in.require(8L * n);
    ByteBuffer.wrap(in.array, in.pos, 8 * n).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(dst, at, n);
    in.pos += 8 * n;
  }

  /** 16-byte values, each as two big-endian longs. */
  private static void readPlainId128(PageBuffer in, long[] dst, int at, int n) {
    in.require(16L * n);
    ByteBuffer be = ByteBuffer.wrap(in.array); // big-endian
    for (int k = 0; k < n; k++, in.pos += 16) {
      dst[2 * (at + k)] = be.getLong(in.pos);
      dst[2 * (at + k) + 1] = be.getLong(in.pos + 8);
    }
  }

  /** 8-byte values, each as one big-endian long. */
  private static void readPlainId64(PageBuffer in, long[] dst, int at, int n) {
    in.require(8L * n);
    ByteBuffer be = ByteBuffer.wrap(in.array); // big-endian
    for (int k = 0; k < n; k++, in.pos += 8) {
      dst[at + k] = be.getLong(in.pos);
    }
  }

  private void readId128(Encoding e, PageBuffer in, int at, int n) {
    if (e == Encoding.PLAIN) {
      readPlainId128(in, longs, at, n);
    } else {
      readDeltaIds(in, at, n, 16);
    }
  }

  private void readId64(Encoding e, PageBuffer in, int at, int n) {
    if (e == Encoding.PLAIN) {
      readPlainId64(in, longs, at, n);
    } else {
      readDeltaIds(in, at, n, 8);
    }
  }

  /**
   * DELTA_BYTE_ARRAY ids of {@code width} (16 or 8) bytes, the writer's encoding for ids: each is the
   * previous one's first prefix bytes, then its own suffix; rebuilt in one buffer, stored as one
   * (8) or two (16) big-endian longs per slot.
   */
  private void readDeltaIds(PageBuffer in, int at, int n, int width) {
    int[] prefixes = new int[n];
    int[] suffixes = new int[n];
    readLengths(in, prefixes, n);
    readLengths(in, suffixes, n);
    byte[] id = new byte[width];
    ByteBuffer be = ByteBuffer.wrap(id);
    int previousLength = 0;
    for (int k = 0; k < n; k++) {
      int prefix = prefixes[k];
      int suffix = suffixes[k];
      if (prefix > previousLength || prefix + suffix != width) {
        throw new CorruptDataException("a " + prefix + "+" + suffix + "-byte value in a " + width + "-byte column");
      }
      in.require(suffix);
      System.arraycopy(in.array, in.pos, id, prefix, suffix);
      in.pos += suffix;
      previousLength = width;
      if (width == 16) {
        longs[2 * (at + k)] = be.getLong(0);
        longs[2 * (at + k) + 1] = be.getLong(8);
      } else {
        longs[at + k] = be.getLong(0);
      }
    }
  }

  private void readStrings(Encoding e, PageBuffer in, int at, int n) {
    ByteArrays values = byteArrays(e, in, n);
    for (int k = 0; k < n; k++) {
      ids[at + k] = intern(values.data, values.offsets[k], values.lengths[k]);
    }
  }

  /** The id of a string of a page not dictionary-encoded: a new one after the dictionary's the first time. */
  private int intern(byte[] data, int offset, int length) {
    Binary key = Binary.fromConstantByteArray(data, offset, length);
    Integer id = extraIds.get(key);
    if (id == null) {
      id = dictStrings.length + extraStrings.size();
      extraStrings.add(new String(data, offset, length, StandardCharsets.UTF_8));
      extraIds.put(key, id);
    }
    return id;
  }

  /** {@code n} byte strings as ranges of one array (the page's own where the encoding allows). */
  private record ByteArrays(byte[] data, int[] offsets, int[] lengths) {}

  private ByteArrays byteArrays(Encoding e, PageBuffer in, int n) {
    int[] offsets = new int[n];
    int[] lengths = new int[n];
    switch (e) {
      case PLAIN -> { // each: a 4-byte length, the bytes
        for (int k = 0; k < n; k++) {
          int len = in.readIntLE();
          in.require(len);
          offsets[k] = in.pos;
          lengths[k] = len;
          in.pos += len;
        }
        return new ByteArrays(in.array, offsets, lengths);
      }
      case DELTA_LENGTH_BYTE_ARRAY -> { // DELTA_BINARY_PACKED lengths, then the bytes back to back
        readLengths(in, lengths, n);
        for (int k = 0; k < n; k++) {
          in.require(lengths[k]);
          offsets[k] = in.pos;
          in.pos += lengths[k];
        }
        return new ByteArrays(in.array, offsets, lengths);
      }
      case DELTA_BYTE_ARRAY -> { // prefix lengths shared with the previous value, then the suffixes as DELTA_LENGTH_BYTE_ARRAY
        int[] prefixes = new int[n];
        readLengths(in, prefixes, n);
        readLengths(in, lengths, n);
        long total = 0;
        for (int k = 0; k < n; k++) {
          total += (long) prefixes[k] + lengths[k];
        }
        if (total > Integer.MAX_VALUE - 16) {
          throw new CorruptDataException("DELTA_BYTE_ARRAY page of " + total + " bytes");
        }
        byte[] data = new byte[(int) total];
        int w = 0;
        int previous = 0;
        int previousLength = 0;
        for (int k = 0; k < n; k++) {
          int prefix = prefixes[k];
          int suffix = lengths[k];
          if (prefix > previousLength) {
            throw new CorruptDataException("DELTA_BYTE_ARRAY prefix of " + prefix + " bytes after a value of " + previousLength);
          }
          in.require(suffix);
          System.arraycopy(data, previous, data, w, prefix);
          System.arraycopy(in.array, in.pos, data, w + prefix, suffix);
          in.pos += suffix;
          offsets[k] = w;
          lengths[k] = prefix + suffix;
          previous = w;
          previousLength = prefix + suffix;
          w += prefix + suffix;
        }
        return new ByteArrays(data, offsets, lengths);
      }
      default -> throw new IllegalStateException("no byte arrays in " + e);
    }
  }

  private void readLengths(PageBuffer in, int[] dst, int n) {
    long[] s = scratchLongs(n);
    DeltaBinaryPacked.decode(in, s, 0, n);
    for (int k = 0; k < n; k++) {
      if (s[k] < 0 || s[k] > Integer.MAX_VALUE) {
        throw new CorruptDataException("byte array length " + s[k]);
      }
      dst[k] = (int) s[k];
    }
  }

  /**
   * Moves the {@code present} values decoded densely at {@code slot} to the slots whose definition
   * level is the maximum, walking backwards; the other slots of the page get the null value.
   */
  private void spreadToSlots(int slot, int count, int present) {
    int from = slot + present - 1;
    switch (kind) {
      case STRING -> {
        for (int i = slot + count - 1; i >= slot; i--) {
          ids[i] = defs[i] == maxDef ? ids[from--] : -1;
        }
      }
      case INT -> {
        for (int i = slot + count - 1; i >= slot; i--) {
          ints[i] = defs[i] == maxDef ? ints[from--] : 0;
        }
      }
      case LONG, ID64 -> {
        for (int i = slot + count - 1; i >= slot; i--) {
          longs[i] = defs[i] == maxDef ? longs[from--] : 0L;
        }
      }
      case DOUBLE -> {
        for (int i = slot + count - 1; i >= slot; i--) {
          doubles[i] = defs[i] == maxDef ? doubles[from--] : 0.0;
        }
      }
      case ID128 -> {
        for (int i = slot + count - 1; i >= slot; i--) {
          boolean set = defs[i] == maxDef;
          longs[2 * i + 1] = set ? longs[2 * from + 1] : 0L;
          longs[2 * i] = set ? longs[2 * from] : 0L;
          if (set) {
            from--;
          }
        }
      }
      default -> throw new IllegalStateException(kind.toString());
    }
  }

  private int[] scratchInts(int n) {
    if (scratchInts.length < n) {
      scratchInts = new int[Math.max(n, 2 * scratchInts.length)];
    }
    return scratchInts;
  }

  private long[] scratchLongs(int n) {
    if (scratchLongs.length < n) {
      scratchLongs = new long[Math.max(n, 2 * scratchLongs.length)];
    }
    return scratchLongs;
  }
}
