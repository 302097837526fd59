package io.tracestore.core.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.page.PageWriteStore;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.statistics.geospatial.GeospatialStatistics;
import org.apache.parquet.io.api.PrimitiveConverter;

/**
 * Test support for {@link PageDecoder}: decodes a chunk both ways and compares everything, and an
 * in-memory page store that captures the pages parquet-java's column writers produce.
 */
final class ChunkChecks {
  private ChunkChecks() {}

  /**
   * Asserts that {@link PageDecoder} takes {@code chunk} and builds the vector parquet-java's path
   * builds: kind, size, nulls, every value array, the dictionary, and every definition and
   * repetition level (the levels against parquet-java's column reader directly, since a vector
   * does not expose them).
   */
  static void assertDecodesLikeParquetJava(ColumnDescriptor column, ChunkPages chunk, String what) {
    ColumnVector expected = ColumnVectorReader.readWithParquet(column, chunk.reader());
    if (!PageDecoder.takesColumn(column)) {
      // left to parquet-java, through the production entry point
      assertSameVector(what + " via ColumnVectorReader.read", expected, ColumnVectorReader.read(column, chunk.reader()));
      return;
    }
    assertThat(PageDecoder.canDecode(column, chunk)).as("%s: decoder takes encodings %s", what, encodings(chunk)).isTrue();
    PageDecoder decoder = PageDecoder.decodeChecked(column, chunk);
    assertSameVector(what, expected, decoder.vector());
    byte[][] levels = levelsByParquetJava(column, chunk.reader());
    assertThat(decoder.definitionLevels()).as("%s definition levels", what).isEqualTo(levels[0]);
    assertThat(decoder.repetitionLevels()).as("%s repetition levels", what).isEqualTo(levels[1]);
    // and the production entry point agrees (it must not have fallen back for these encodings)
    assertSameVector(what + " via ColumnVectorReader.read", expected, ColumnVectorReader.read(column, chunk.reader()));
    assertRowsDecodeLikeSelectRows(column, chunk, levels[1], new java.util.Random(what.hashCode()), what);
  }

  /**
   * Asserts that {@link PageDecoder#rows} of random row ranges of {@code chunk} (and of the rows
   * around every page boundary, and of all rows) holds what decoding the chunk whole and cutting
   * it with {@link ColumnVector#selectRows} does, slot by slot.
   *
   * @param repetitions every slot's repetition level (null for a flat column), to count each page's rows
   */
  static void assertRowsDecodeLikeSelectRows(ColumnDescriptor column, ChunkPages chunk, byte[] repetitions, java.util.Random random,
      String what) {
    List<ChunkPages.Data> pages = chunk.pages();
    int[] pageRows = new int[pages.size()];
    int rows = 0;
    int slot = 0;
    for (int p = 0; p < pages.size(); p++) {
      int n = pages.get(p).valueCount();
      if (repetitions == null) {
        pageRows[p] = n;
      } else {
        for (int i = slot; i < slot + n; i++) {
          pageRows[p] += repetitions[i] == 0 ? 1 : 0;
        }
      }
      slot += n;
      rows += pageRows[p];
    }
    ColumnVector whole = PageDecoder.decodeChecked(column, chunk).vector();
    List<int[][]> cases = new ArrayList<>();
    cases.add(new int[][] {{0}, {rows}});
    int boundary = 0;
    for (int p = 0; p + 1 < pages.size(); p++) {
      boundary += pageRows[p];
      cases.add(new int[][] {{boundary - 1}, {boundary + 1}}); // across a page boundary
      cases.add(new int[][] {{boundary - 1, boundary}, {boundary, boundary + 1}}); // one row each side
    }
    for (int c = 0; c < 30 && rows > 0; c++) {
      int ranges = 1 + random.nextInt(Math.min(6, rows));
      java.util.TreeSet<Integer> cuts = new java.util.TreeSet<>();
      while (cuts.size() < Math.min(2 * ranges, rows + 1)) {
        cuts.add(random.nextInt(rows + 1));
      }
      Integer[] at = cuts.toArray(new Integer[0]);
      List<int[]> picked = new ArrayList<>();
      for (int i = 0; i + 1 < at.length; i += 2) {
        if (at[i] < at[i + 1]) {
          picked.add(new int[] {at[i], at[i + 1]});
        }
      }
      int[] from = new int[picked.size()];
      int[] to = new int[picked.size()];
      for (int i = 0; i < from.length; i++) {
        from[i] = picked.get(i)[0];
        to[i] = picked.get(i)[1];
      }
      cases.add(new int[][] {from, to});
    }
    for (int[][] c : cases) {
      String range = what + " rows " + java.util.Arrays.toString(c[0]) + ".." + java.util.Arrays.toString(c[1]);
      ColumnVector expected = whole.selectRows(c[0], c[1]);
      PageDecoder.DictionaryValues dictionary = chunk.dictionary() == null ? null : PageDecoder.dictionaryValues(column, chunk.dictionary());
      ColumnVector actual = PageDecoder.rows(column, chunk, dictionary, pageRows, c[0], c[1]).vector();
      assertSameSlots(range, expected, actual);
      assertSameSlots(range + " (dictionary from the chunk)", expected,
          PageDecoder.rows(column, chunk, null, pageRows, c[0], c[1]).vector());
    }
  }

  /** Same kind, slots, nulls, repetition levels and values (strings compared as strings: ids may differ). */
  static void assertSameSlots(String what, ColumnVector expected, ColumnVector actual) {
    assertThat(actual.kind()).as("%s kind", what).isEqualTo(expected.kind());
    assertThat(actual.size()).as("%s size", what).isEqualTo(expected.size());
    assertThat(actual.rowStarts()).as("%s rowStarts", what).isEqualTo(expected.rowStarts());
    for (int i = 0; i < expected.size(); i++) {
      Object e = slot(expected, i);
      Object a = slot(actual, i);
      if (!java.util.Objects.deepEquals(e, a)) { // asserting only on a difference keeps this fast
        assertThat(a).as("%s slot %d", what, i).isEqualTo(e);
      }
    }
  }

  /** Slot {@code i}: whether set, its repetition level, and its value (as a string, a long, ...). */
  private static Object slot(ColumnVector v, int i) {
    Object value = switch (v.kind()) {
      case STRING -> v.ids()[i] < 0 ? null : v.dictionary()[v.ids()[i]];
      case LONG, ID64 -> v.longs()[i];
      case ID128 -> List.of(v.longs()[2 * i], v.longs()[2 * i + 1]);
      case INT -> v.ints()[i];
      case DOUBLE -> Double.doubleToRawLongBits(v.doubles()[i]);
      case BYTES -> v.bytes()[i] == null ? null : java.util.HexFormat.of().formatHex(v.bytes()[i]);
      default -> null;
    };
    return java.util.Arrays.asList(v.isSet(i), v.repetition(i), value);
  }

  static List<Encoding> encodings(ChunkPages chunk) {
    List<Encoding> out = new ArrayList<>();
    for (ChunkPages.Data p : chunk.pages()) {
      out.add(p.valueEncoding());
    }
    return out;
  }

  static void assertSameVector(String what, ColumnVector expected, ColumnVector actual) {
    assertThat(actual.kind()).as("%s kind", what).isEqualTo(expected.kind());
    assertThat(actual.size()).as("%s size", what).isEqualTo(expected.size());
    assertThat(actual.hasNoNulls()).as("%s hasNoNulls", what).isEqualTo(expected.hasNoNulls());
    boolean[] setExpected = new boolean[expected.size()];
    boolean[] setActual = new boolean[actual.size()];
    for (int i = 0; i < expected.size(); i++) {
      setExpected[i] = expected.isSet(i);
      setActual[i] = actual.isSet(i);
    }
    assertThat(setActual).as("%s isSet", what).isEqualTo(setExpected);
    assertThat(actual.rowStarts()).as("%s rowStarts", what).isEqualTo(expected.rowStarts());
    assertThat(actual.ids()).as("%s ids", what).isEqualTo(expected.ids());
    assertThat(actual.dictionary()).as("%s dictionary", what).isEqualTo(expected.dictionary());
    assertThat(actual.longs()).as("%s longs", what).isEqualTo(expected.longs());
    assertThat(actual.ints()).as("%s ints", what).isEqualTo(expected.ints());
    assertThat(actual.doubles()).as("%s doubles", what).isEqualTo(expected.doubles());
    assertThat(actual.bytes()).as("%s bytes", what).isEqualTo(expected.bytes());
    // counts the level arrays the vector keeps, so a dropped or extra array shows
    assertThat(actual.sizeBytes()).as("%s sizeBytes", what).isEqualTo(expected.sizeBytes());
  }

  /** {definition, repetition} level of every slot as parquet-java's column reader reports them (null where the maximum is 0). */
  static byte[][] levelsByParquetJava(ColumnDescriptor column, PageReader pages) {
    ColumnReaderImpl reader = new ColumnReaderImpl(column, pages, new PrimitiveConverter() {}, null);
    int n = (int) reader.getTotalValueCount();
    byte[] defs = column.getMaxDefinitionLevel() == 0 ? null : new byte[n];
    byte[] reps = column.getMaxRepetitionLevel() == 0 ? null : new byte[n];
    for (int i = 0; i < n; i++) {
      int def = reader.getCurrentDefinitionLevel();
      if (defs != null) {
        defs[i] = (byte) def;
      }
      if (reps != null) {
        reps[i] = (byte) reader.getCurrentRepetitionLevel();
      }
      if (def == column.getMaxDefinitionLevel()) {
        reader.skip();
      }
      reader.consume();
    }
    return new byte[][] {defs, reps};
  }

  /** Captures the pages written for each column, in memory; {@link #chunk} replays one column's. */
  static final class MemoryPageStore implements PageWriteStore {
    private final java.util.Map<ColumnDescriptor, Capture> columns = new java.util.HashMap<>();

    @Override
    public PageWriter getPageWriter(ColumnDescriptor path) {
      return columns.computeIfAbsent(path, p -> new Capture());
    }

    /** The captured chunk of {@code column}, read through {@link ChunkPages#read} as a file's would be. */
    ChunkPages chunk(ColumnDescriptor column) {
      Capture c = columns.get(column);
      long total = 0;
      for (DataPage p : c.pages) {
        total += p.getValueCount();
      }
      long count = total;
      return ChunkPages.read(new PageReader() {
        private int next;

        @Override
        public DictionaryPage readDictionaryPage() {
          return c.dictionary;
        }

        @Override
        public long getTotalValueCount() {
          return count;
        }

        @Override
        public DataPage readPage() {
          return next < c.pages.size() ? c.pages.get(next++) : null;
        }
      });
    }
  }

  private static final class Capture implements PageWriter {
    final List<DataPage> pages = new ArrayList<>();
    DictionaryPage dictionary;
    long bytes;

    private static BytesInput copy(BytesInput b) {
      try {
        return BytesInput.copy(b);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void writePage(BytesInput bytes, int valueCount, Statistics<?> statistics, Encoding rl, Encoding dl, Encoding values) {
      writePage(bytes, valueCount, -1, statistics, rl, dl, values);
    }

    @Override
    public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics, Encoding rl, Encoding dl,
        Encoding values) {
      BytesInput b = copy(bytes);
      this.bytes += b.size();
      pages.add(new DataPageV1(b, valueCount, (int) b.size(), statistics, rl, dl, values));
    }

    @Override
    public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput repetitionLevels, BytesInput definitionLevels,
        Encoding dataEncoding, BytesInput data, Statistics<?> statistics) {
      BytesInput d = copy(data);
      this.bytes += d.size();
      pages.add(DataPageV2.uncompressed(rowCount, nullCount, valueCount, copy(repetitionLevels), copy(definitionLevels),
          dataEncoding, d, statistics));
    }

    @Override
    public void writePage(BytesInput bytes, int valueCount, int rowCount, Statistics<?> statistics, SizeStatistics sizes,
        GeospatialStatistics geo, Encoding rl, Encoding dl, Encoding values) {
      writePage(bytes, valueCount, rowCount, statistics, rl, dl, values);
    }

    @Override
    public void writePageV2(int rowCount, int nullCount, int valueCount, BytesInput repetitionLevels, BytesInput definitionLevels,
        Encoding dataEncoding, BytesInput data, Statistics<?> statistics, SizeStatistics sizes, GeospatialStatistics geo) {
      writePageV2(rowCount, nullCount, valueCount, repetitionLevels, definitionLevels, dataEncoding, data, statistics);
    }

    @Override
    public long getMemSize() {
      return bytes;
    }

    @Override
    public long allocatedSize() {
      return bytes;
    }

    @Override
    public void writeDictionaryPage(DictionaryPage page) throws IOException {
      dictionary = page.copy();
    }

    @Override
    public String memUsageString(String prefix) {
      return prefix + bytes;
    }
  }
}
