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
 * <p>{@link #decodeRows} decodes only some rows of the pages (a trace read): it finds the wanted
 * rows' slots by seeking the repetition levels, counts the non-null values before each range in
 * the definition levels ({@link RleBitPackedDecoder} skips and counts inside runs, a word of
 * values at a time), skips dictionary ids inside their runs and PLAIN fixed-width values
 * arithmetically, and decodes the values of the other encodings only up to the last wanted one.
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
 * bytes (not against the dictionary), as {@link ColumnVectorReader} does. Raw bytes ({@link
 * ColumnVector.Kind#BYTES}) are copied per slot, never shared with a cached dictionary. One
 * instance per chunk; not thread-safe.
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
  private final byte[][] bytes;
  private boolean nulls;
  /** True for a decoder of the leading values of pages ({@link #decodeRows}): delta streams may hold more. */
  private boolean prefixOnly;

  // the dictionary page's values, for the chunk's kind
  private String[] dictStrings = new String[0];
  private int[] dictInts;
  private long[] dictLongs; // LONG, or ID128 as pairs
  private double[] dictDoubles;
  private byte[][] dictBytes;

  // strings of pages not dictionary-encoded, after the dictionary's
  private List<String> extraStrings = new ArrayList<>();
  private Map<Binary, Integer> extraIds = new HashMap<>();

  private int[] scratchInts = new int[0];
  private long[] scratchLongs = new long[0];

  private PageDecoder(ColumnDescriptor column, int size) {
    this(column, size, true);
  }

  private PageDecoder(ColumnDescriptor column, int size, boolean levels) {
    this.column = column;
    this.type = column.getPrimitiveType().getPrimitiveTypeName();
    this.kind = ColumnVector.kindOf(column);
    this.maxDef = column.getMaxDefinitionLevel();
    this.maxRep = column.getMaxRepetitionLevel();
    this.size = size;
    defs = maxDef == 0 || !levels ? null : new byte[size];
    reps = maxRep == 0 || !levels ? null : new byte[size];
    ids = kind == ColumnVector.Kind.STRING ? new int[size] : null;
    longs = kind == ColumnVector.Kind.LONG || kind == ColumnVector.Kind.ID64 ? new long[size] : kind == ColumnVector.Kind.ID128 ? new long[2 * size] : null;
    ints = kind == ColumnVector.Kind.INT ? new int[size] : null;
    doubles = kind == ColumnVector.Kind.DOUBLE ? new double[size] : null;
    bytes = kind == ColumnVector.Kind.BYTES ? new byte[size][] : null;
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
   * True for the columns this decoder builds: strings, raw bytes, numbers, booleans, 16- and 8-byte
   * ids.
   */
  static boolean takesColumn(ColumnDescriptor column) {
    org.apache.parquet.schema.PrimitiveType t = column.getPrimitiveType();
    return switch (t.getPrimitiveTypeName()) {
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

  /**
   * Only the rows {@code [from[i], to[i])} of {@code chunk}'s pages, concatenated in order: the
   * vector {@code decode(column, chunk, dictionary).selectRows(from, to)} holds (the dictionary of a
   * string column may differ in the strings appended after the file's, not in the string of any
   * slot), without decoding the other rows where the encoding allows: levels and dictionary ids
   * skip inside RLE and bit-packed runs, PLAIN fixed-width values skip arithmetically, and the
   * other encodings decode the leading values of a page up to its last wanted one. Null if this
   * decoder does not take the chunk or fails on it (the caller then decodes the pages whole).
   *
   * @param pageRows the number of rows of each of the chunk's pages (from the offset index)
   * @param from first rows of the ranges, ascending, counted over the pages' rows in order
   * @param to ends (exclusive) of the ranges; ranges do not overlap
   */
  static ColumnVector decodeRows(ColumnDescriptor column, ChunkPages chunk, DictionaryValues dictionary, int[] pageRows,
      int[] from, int[] to) {
    if (pageRows.length != chunk.pages().size() || !canDecode(column, chunk)) {
      return null;
    }
    try {
      return rows(column, chunk, dictionary, pageRows, from, to).vector();
    } catch (RuntimeException e) {
      LOG.warn("vectorized decoding of rows of column {} failed, decoding its pages whole: {}", String.join(".", column.getPath()),
          e.toString());
      return null;
    }
  }

  /** As {@link #decodeRows}, throwing on bad data; for tests, which also look at the levels. */
  static PageDecoder rows(ColumnDescriptor column, ChunkPages chunk, DictionaryValues dictionary, int[] pageRows, int[] from,
      int[] to) {
    try {
      List<ChunkPages.Data> pages = chunk.pages();
      int maxRep = column.getMaxRepetitionLevel();
      PagePlan[] plans = new PagePlan[pages.size()];
      long slots = 0;
      int k = 0;
      long pageStart = 0;
      for (int p = 0; p < pages.size(); p++) {
        long pageEnd = pageStart + pageRows[p];
        int first = k;
        while (k < from.length && to[k] <= pageEnd) {
          k++;
        }
        int last = k < from.length && from[k] < pageEnd ? k + 1 : k; // a range going on into the next page
        while (first < last && to[first] <= pageStart) {
          first++;
        }
        plans[p] = plan(pages.get(p), maxRep, column.getMaxDefinitionLevel(), pageRows[p], from, to, first, last, pageStart);
        slots += plans[p].slots;
        pageStart = pageEnd;
      }
      if (k < from.length || from.length > 0 && to[from.length - 1] > pageStart) {
        throw new IllegalArgumentException("rows up to " + to[from.length - 1] + " asked of pages of " + pageStart);
      }
      if (slots > Integer.MAX_VALUE - 16) {
        throw new CorruptDataException("rows of " + slots + " values are more than one vector holds");
      }
      PageDecoder d = new PageDecoder(column, (int) slots);
      d.useDictionary(chunk, dictionary);
      int at = 0;
      for (int p = 0; p < pages.size(); p++) {
        if (plans[p].slots > 0) {
          d.decodePageSlots(pages.get(p), plans[p], at);
          at += plans[p].slots;
        }
      }
      return d;
    } catch (IndexOutOfBoundsException e) {
      throw new CorruptDataException("column " + String.join(".", column.getPath()) + ": " + e.getMessage(), e);
    }
  }

  /**
   * What to read of one page: its level and value streams (from their starts), and the slot ranges {@code [slotFrom[i], slotTo[i])} of the wanted rows.
   */
  private record PagePlan(PageBuffer values, PageBuffer repIn, PageBuffer defIn, int[] slotFrom, int[] slotTo, int slots) {}

  private static final PagePlan NOTHING = new PagePlan(null, null, null, new int[0], new int[0], 0);

  /** The plan for ranges {@code first..last-1} of {@code from}/{@code to}, clipped to the page's rows. */
  private static PagePlan plan(ChunkPages.Data page, int maxRep, int maxDef, int rows, int[] from, int[] to, int first, int last,
      long pageStart) {
    if (first >= last) {
      return NOTHING;
    }
    int count = page.valueCount();
    if (page.v2() && page.rowCount() != rows) {
      throw new CorruptDataException("a page of " + page.rowCount() + " rows where the offset index says " + rows);
    }
    PageBuffer values;
    PageBuffer repIn;
    PageBuffer defIn;
    if (page.v2()) {
      repIn = PageBuffer.of(page.rep());
      defIn = PageBuffer.of(page.def());
      values = PageBuffer.of(page.data());
    } else {
      values = PageBuffer.of(page.data());
      repIn = maxRep > 0 ? values.slice(values.readIntLE()) : null;
      defIn = maxDef > 0 ? values.slice(values.readIntLE()) : null;
    }
    int n = last - first;
    int[] slotFrom = new int[n];
    int[] slotTo = new int[n];
    if (maxRep == 0) {
      if (count != rows) {
        throw new CorruptDataException("a page of " + count + " values of a flat column where the offset index says " + rows + " rows");
      }
      for (int i = 0; i < n; i++) {
        slotFrom[i] = (int) (Math.max(from[first + i], pageStart) - pageStart);
        slotTo[i] = (int) (Math.min(to[first + i], pageStart + rows) - pageStart);
      }
    } else {
      // a row starts at each repetition level 0: find the slots of the rows wanted, no further
      RleBitPackedDecoder levels = new RleBitPackedDecoder(repIn.duplicate(), RleBitPackedDecoder.widthOf(maxRep));
      int consumed = 0; // levels passed
      int started = 0; // rows started among them
      for (int i = 0; i < n; i++) {
        int rf = (int) (Math.max(from[first + i], pageStart) - pageStart);
        int rt = (int) (Math.min(to[first + i], pageStart + rows) - pageStart);
        consumed += levels.through(rf + 1 - started, 0);
        started = rf + 1;
        slotFrom[i] = consumed - 1;
        if (rf == 0 && slotFrom[i] != 0) {
          throw new CorruptDataException("a page whose first repetition level is not 0");
        }
        if (rt == rows) {
          slotTo[i] = count;
        } else {
          consumed += levels.through(rt + 1 - started, 0);
          started = rt + 1;
          slotTo[i] = consumed - 1;
        }
        if (slotTo[i] > count || slotFrom[i] >= slotTo[i]) {
          throw new CorruptDataException("a page of " + count + " values whose repetition levels do not hold its " + rows + " rows");
        }
      }
      if (!page.v2() && started + levels.count(count - consumed, 0) != rows) { // no row count in the header: count them
        throw new CorruptDataException("a page whose repetition levels do not hold the " + rows + " rows the offset index says");
      }
    }
    int slots = 0;
    for (int i = 0; i < n; i++) {
      slots += slotTo[i] - slotFrom[i];
    }
    return new PagePlan(values, repIn, defIn, slotFrom, slotTo, slots);
  }

  /** Decodes the slots {@code plan} wants of {@code page} into slots {@code at..}. */
  private void decodePageSlots(ChunkPages.Data page, PagePlan plan, int at) {
    int n = plan.slotFrom.length;
    int[] skip = new int[n]; // values to pass over before each range
    int[] present = new int[n]; // values in each range
    RleBitPackedDecoder defDecoder = maxDef > 0 ? new RleBitPackedDecoder(plan.defIn, RleBitPackedDecoder.widthOf(maxDef)) : null;
    RleBitPackedDecoder repDecoder = maxRep > 0 ? new RleBitPackedDecoder(plan.repIn, RleBitPackedDecoder.widthOf(maxRep)) : null;
    int cursor = 0;
    int out = at;
    int limit = 0;
    for (int i = 0; i < n; i++) {
      int sf = plan.slotFrom[i];
      int len = plan.slotTo[i] - sf;
      if (repDecoder != null) {
        repDecoder.skip(sf - cursor);
        repDecoder.readBytes(reps, out, len);
      }
      if (defDecoder != null) {
        skip[i] = defDecoder.count(sf - cursor, maxDef);
        defDecoder.readBytes(defs, out, len);
        int p = 0;
        for (int s = out, end = out + len; s < end; s++) {
          if (defs[s] == maxDef) {
            p++;
          }
        }
        present[i] = p;
        nulls |= p < len;
      } else {
        skip[i] = sf - cursor;
        present[i] = len;
      }
      limit += skip[i] + present[i];
      cursor = plan.slotTo[i];
      out += len;
    }
    if (kind == ColumnVector.Kind.LEVELS_ONLY) {
      return;
    }
    Encoding e = page.valueEncoding();
    PageBuffer values = plan.values;
    boolean dictionaryIds = e == Encoding.PLAIN_DICTIONARY || e == Encoding.RLE_DICTIONARY;
    int width = plainWidth();
    RleBitPackedDecoder ids = dictionaryIds && limit > 0 ? new RleBitPackedDecoder(values, values.readByte()) : null;
    PageDecoder leading = null;
    if (!dictionaryIds && (e != Encoding.PLAIN || width == 0) && limit > 0) {
      // no skipping inside this encoding: decode the page's values up to the last wanted one
      leading = new PageDecoder(column, limit, false);
      leading.prefixOnly = true;
      leading.dictStrings = dictStrings;
      leading.extraStrings = extraStrings;
      leading.extraIds = extraIds;
      leading.readValues(e, values, 0, limit);
    }
    int value = 0; // index of the next value of the page
    out = at;
    for (int i = 0; i < n; i++) {
      int len = plan.slotTo[i] - plan.slotFrom[i];
      value += skip[i];
      if (ids != null) {
        ids.skip(skip[i]);
        readDictionaryIds(ids, out, present[i]);
      } else if (leading != null) {
        copyValues(leading, value, out, present[i]);
      } else if (limit > 0) { // PLAIN, fixed width
        values.require((long) width * skip[i]);
        values.pos += width * skip[i];
        readValues(e, values, out, present[i]);
      }
      value += present[i];
      if (present[i] < len) {
        spreadToSlots(out, len, present[i]);
      }
      out += len;
    }
  }

  /** Bytes per PLAIN value of a kind whose PLAIN values have one width, else 0. */
  private int plainWidth() {
    return switch (kind) {
      case INT -> type == PrimitiveTypeName.BOOLEAN ? 0 : 4;
      case LONG, DOUBLE, ID64 -> 8;
      case ID128 -> 16;
      default -> 0;
    };
  }

  /** Values {@code from..from+n-1} of {@code src} (of the same column) into slots {@code at..at+n-1}. */
  private void copyValues(PageDecoder src, int from, int at, int n) {
    switch (kind) {
      case STRING -> System.arraycopy(src.ids, from, ids, at, n);
      case INT -> System.arraycopy(src.ints, from, ints, at, n);
      case LONG, ID64 -> System.arraycopy(src.longs, from, longs, at, n);
      case ID128 -> System.arraycopy(src.longs, 2 * from, longs, 2 * at, 2 * n);
      case DOUBLE -> System.arraycopy(src.doubles, from, doubles, at, n);
      case BYTES -> System.arraycopy(src.bytes, from, bytes, at, n);
      default -> throw new IllegalStateException(kind.toString());
    }
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
  record DictionaryValues(String[] strings, int[] ints, long[] longs, double[] doubles, byte[][] bytes) {
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
      if (bytes != null) {
        for (byte[] v : bytes) {
          b += 24 + v.length;
        }
      }
      return b;
    }
  }

  /**
   * Decodes {@code page}, the dictionary of a chunk of {@code column}; null if this decoder does
   * not use dictionaries of that column (booleans, levels only, columns it does not take).
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
    return new DictionaryValues(d.dictStrings, d.dictInts, d.dictLongs, d.dictDoubles, d.dictBytes);
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
    return new ColumnVector(kind, size, maxDef, nulls || reps != null ? defs : null, reps, ids, dict, longs, ints, doubles, bytes);
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
      useDictionary(chunk, decoded);
      int slot = 0;
      for (ChunkPages.Data page : chunk.pages()) {
        decodePage(page, slot);
        slot += page.valueCount();
      }
    } catch (IndexOutOfBoundsException e) {
      throw new CorruptDataException("column " + String.join(".", column.getPath()) + ": " + e.getMessage(), e);
    }
  }

  /** Takes the chunk's dictionary: {@code decoded} if not null, else decodes its page. */
  private void useDictionary(ChunkPages chunk, DictionaryValues decoded) {
    if (chunk.dictionary() != null && kind != ColumnVector.Kind.LEVELS_ONLY && type != PrimitiveTypeName.BOOLEAN) {
      if (decoded != null) {
        dictStrings = decoded.strings() != null ? decoded.strings() : dictStrings;
        dictInts = decoded.ints();
        dictLongs = decoded.longs();
        dictDoubles = decoded.doubles();
        dictBytes = decoded.bytes();
      } else {
        readDictionary(chunk.dictionary());
      }
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
      case BYTES -> {
        dictBytes = new byte[n][];
        for (int i = 0; i < n; i++) {
          int len = in.readIntLE();
          in.require(len);
          dictBytes[i] = java.util.Arrays.copyOfRange(in.array, in.pos, in.pos + len);
          in.pos += len;
        }
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
    readValues(e, values, slot, present);
    if (present < count) {
      spreadToSlots(slot, count, present);
    }
  }

  /** The next {@code n} values of a page of encoding {@code e}, densely into slots {@code at..at+n). */
  private void readValues(Encoding e, PageBuffer values, int at, int n) {
    if (e == Encoding.PLAIN_DICTIONARY || e == Encoding.RLE_DICTIONARY) {
      readDictionaryIds(values, at, n);
      return;
    }
    switch (kind) {
      case STRING -> readStrings(e, values, at, n);
      case LONG -> readLongs(e, values, at, n);
      case INT -> {
        if (type == PrimitiveTypeName.BOOLEAN) {
          readBooleans(e, values, at, n);
        } else {
          readInts(e, values, at, n);
        }
      }
      case DOUBLE -> readPlainDoubles(values, at, n);
      case ID128 -> readId128(e, values, at, n);
      case ID64 -> readId64(e, values, at, n);
      case BYTES -> readRawBytes(e, values, at, n);
      default -> throw new IllegalStateException(kind.toString());
    }
  }

  /** Dictionary ids (a bit-width byte, then the hybrid), resolved through the dictionary unless strings. */
  private void readDictionaryIds(PageBuffer in, int at, int n) {
    readDictionaryIds(new RleBitPackedDecoder(in, in.readByte()), at, n);
  }

  /** The next {@code n} dictionary ids of {@code decoder}, resolved into slots {@code at..at+n)}. */
  private void readDictionaryIds(RleBitPackedDecoder decoder, int at, int n) {
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
      case BYTES -> {
        for (int k = 0; k < n; k++) {
          byte[] v = dictBytes[s[k]];
          bytes[at + k] = java.util.Arrays.copyOf(v, v.length); // a span's value must not share the cached dictionary's
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
      deltaBinaryPacked(in, s, 0, n);
      for (int k = 0; k < n; k++) {
        ints[at + k] = (int) s[k];
      }
    }
  }

  private void readLongs(Encoding e, PageBuffer in, int at, int n) {
    if (e == Encoding.PLAIN) {
      readPlainLongs(in, longs, at, n);
    } else { // DELTA_BINARY_PACKED
      deltaBinaryPacked(in, longs, at, n);
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

  private void readRawBytes(Encoding e, PageBuffer in, int at, int n) {
    ByteArrays values = byteArrays(e, in, n);
    for (int k = 0; k < n; k++) {
      bytes[at + k] = java.util.Arrays.copyOfRange(values.data, values.offsets[k], values.offsets[k] + values.lengths[k]);
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

  /** A DELTA_BINARY_PACKED stream of {@code n} values (or, for {@link #prefixOnly}, its first {@code n}). */
  private void deltaBinaryPacked(PageBuffer in, long[] dst, int at, int n) {
    if (prefixOnly) {
      DeltaBinaryPacked.decodePrefix(in, dst, at, n);
    } else {
      DeltaBinaryPacked.decode(in, dst, at, n);
    }
  }

  private void readLengths(PageBuffer in, int[] dst, int n) {
    long[] s = scratchLongs(n);
    deltaBinaryPacked(in, s, 0, n);
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
      case BYTES -> {
        for (int i = slot + count - 1; i >= slot; i--) {
          bytes[i] = defs[i] == maxDef ? bytes[from--] : null;
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
