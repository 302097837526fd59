package io.tracestore.core.block;

import io.tracestore.api.CorruptDataException;
import io.tracestore.spi.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import shaded.parquet.org.apache.thrift.TException;
import shaded.parquet.org.apache.thrift.protocol.TCompactProtocol;
import shaded.parquet.org.apache.thrift.TConfiguration;
import shaded.parquet.org.apache.thrift.transport.TTransport;
import shaded.parquet.org.apache.thrift.transport.TTransportException;

/**
 * The chosen rows of one row group, decoded column by column from only the pages that hold them.
 * The offset index says which pages of each column cover the rows and where they are; those pages
 * (and each column's dictionary page, unless the {@link DictionaryCache} has it) are fetched with as few storage reads as their positions
 * allow (one {@link ObjectStore#getRanges} call: the store merges nearby ranges), their checksums verified,
 * decompressed and decoded by {@link PageDecoder} (parquet-java for the columns it does not take).
 *
 * <p>{@link PageDecoder#decodeRows} decodes only the rows asked for (pages split at different rows
 * per column, so this is what lines the columns up); where it does not take a chunk, its pages are
 * decoded whole and cut down to those rows. Either way row {@code i} of every vector is the
 * {@code i}-th row asked for, and the leaf columns of one list have the same slots. Immutable;
 * thread-safe.
 */
final class RowGroupSlice {
  private final Map<String, ColumnVector> columns;
  private final int rows;

  private RowGroupSlice(Map<String, ColumnVector> columns, int rows) {
    this.columns = columns;
    this.rows = rows;
  }

  /**
   * Column {@code path} (dotted) over the rows read, in order: row {@code i} of the vector is the
   * {@code i}-th row read. Null if the block has no such column.
   */
  ColumnVector column(String path) {
    return columns.get(path);
  }

  /** Number of rows read. */
  int rows() {
    return rows;
  }

  /**
   * What a read needs to know of each column chunk of one row group, in footer order, worked out
   * once per block: the offset index, whether the chunk has a dictionary page, the dotted path, the
   * column index's null pages (null if the chunk has no column index), and for a number or bytes
   * field of an attribute list's elements the position of the list's {@code key} column (else -1):
   * where such a field has no value in the pages read, its vector is made from the key's slots.
   */
  record Chunks(OffsetIndex[] offsets, boolean[] hasDictionary, String[] paths, boolean[][] nullPages, int[] listKey) {
    static Chunks of(BlockMetaData group, OffsetIndex[] offsets, boolean[][] nullPages, int[] listKey) {
      List<ColumnChunkMetaData> chunks = group.getColumns();
      boolean[] dictionary = new boolean[chunks.size()];
      String[] paths = new String[chunks.size()];
      for (int c = 0; c < chunks.size(); c++) {
        dictionary[c] = chunks.get(c).hasDictionaryPage();
        paths[c] = chunks.get(c).getPath().toDotString();
      }
      if (nullPages.length != chunks.size() || listKey.length != chunks.size()) {
        throw new IllegalArgumentException(chunks.size() + " chunks, " + nullPages.length + " null page lists, " + listKey.length + " list keys");
      }
      return new Chunks(offsets, dictionary, paths, nullPages, listKey);
    }

    /**
     * Per leaf column of {@code schemaColumns}, for a number or bytes field of a list's elements
     * (e.g. {@code span_attrs.list.element.int}) the position of the list's {@code key} column,
     * else -1.
     */
    static int[] listKeys(List<ColumnDescriptor> schemaColumns) {
      Map<String, Integer> positions = new HashMap<>();
      String[] paths = new String[schemaColumns.size()];
      for (int c = 0; c < paths.length; c++) {
        paths[c] = String.join(".", schemaColumns.get(c).getPath());
        positions.put(paths[c], c);
      }
      int[] listKey = new int[paths.length];
      Arrays.fill(listKey, -1);
      for (int c = 0; c < paths.length; c++) {
        ColumnDescriptor column = schemaColumns.get(c);
        int dot = paths[c].lastIndexOf('.');
        Integer key = dot < 0 ? null : positions.get(paths[c].substring(0, dot + 1) + BlockSchema.KEY);
        ColumnVector.Kind kind = ColumnVector.kindOf(column);
        if (key != null && key != c && paths[c].substring(0, dot).endsWith(".list.element")
            && (kind == ColumnVector.Kind.LONG || kind == ColumnVector.Kind.INT || kind == ColumnVector.Kind.DOUBLE
                || kind == ColumnVector.Kind.BYTES)
            && column.getMaxRepetitionLevel() == schemaColumns.get(key).getMaxRepetitionLevel()
            && column.getMaxDefinitionLevel() == schemaColumns.get(key).getMaxDefinitionLevel() + 1) {
          listKey[c] = key;
        }
      }
      return listKey;
    }

    /** True if column {@code c} has a list key and pages {@code chosen[0..n)} hold none of its values. */
    boolean noValues(int c, int[] chosen, int n) {
      boolean[] nulls = nullPages[c];
      if (listKey[c] < 0 || nulls == null || n == 0) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        if (chosen[i] >= nulls.length || !nulls[chosen[i]]) {
          return false;
        }
      }
      return true;
    }
  }

  /** A fetch of one page (or a dictionary page: {@code page} -1) of column {@code column}. */
  private record Fetch(int column, int page, long offset, int length) {}

  /**
   * Reads the rows {@code [from[i], to[i])} (ascending, not overlapping, row-group-local) of the
   * columns of row group {@code group} that {@code wanted} marks (every column if it is null).
   *
   * @param index the offset index and more of each column of the row group
   * @param wanted per column in footer order, whether to read it; null for all
   * @throws CorruptDataException if a page is damaged or the indexes disagree with the data
   */
  static RowGroupSlice read(ObjectStore store, String key, BlockMetaData group, List<ColumnDescriptor> schemaColumns,
      Chunks index, boolean[] wanted, long[] from, long[] to, DictionaryCache dictionaryCache,
      String blockId, int rowGroup) throws IOException {
    List<ColumnChunkMetaData> chunks = group.getColumns();
    OffsetIndex[] offsets = index.offsets();
    if (chunks.size() != schemaColumns.size()) {
      throw new CorruptDataException(key + ": a row group with " + chunks.size() + " columns, the schema has " + schemaColumns.size());
    }
    long rows = group.getRowCount();
    List<Fetch> fetches = new ArrayList<>();
    List<int[]> selected = new ArrayList<>(chunks.size());
    DictionaryCache.Entry[] dictionaries = new DictionaryCache.Entry[chunks.size()];
    boolean[] fromKey = new boolean[chunks.size()]; // made from the list key's slots, not read
    for (int c = 0; c < chunks.size(); c++) {
      if (wanted != null && !wanted[c]) {
        selected.add(new int[0]);
        continue;
      }
      OffsetIndex oi = offsets[c];
      int pages = oi.getPageCount();
      int[] chosen = new int[pages];
      int n = 0;
      for (int k = 0; k < from.length; k++) { // the pages from the one holding from[k] to the last starting before to[k]
        int p = pageOf(oi, from[k]);
        if (n > 0 && p <= chosen[n - 1]) {
          p = chosen[n - 1] + 1;
        }
        for (; p < pages && oi.getFirstRowIndex(p) < to[k]; p++) {
          chosen[n++] = p;
        }
      }
      if (index.noValues(c, chosen, n) && (wanted == null || wanted[index.listKey()[c]])) {
        fromKey[c] = true;
        selected.add(new int[0]);
        continue;
      }
      for (int i = 0; i < n; i++) {
        fetches.add(new Fetch(c, chosen[i], oi.getOffset(chosen[i]), oi.getCompressedPageSize(chosen[i])));
      }
      if (n > 0 && index.hasDictionary()[c]
          && (dictionaries[c] = dictionaryCache.get(new DictionaryCache.Key(blockId, rowGroup, c))) == null) {
        fetches.add(dictionaryFetch(key, chunks.get(c), c, oi));
      }
      selected.add(Arrays.copyOf(chosen, n));
    }
    ChunkPages.Bytes[] data = fetch(store, key, fetches);

    List<List<ChunkPages.Data>> pages = new ArrayList<>(chunks.size());
    for (int c = 0; c < chunks.size(); c++) {
      pages.add(new ArrayList<>());
    }
    for (int i = 0; i < data.length; i++) {
      Fetch f = fetches.get(i);
      ChunkPages.Bytes bytes = data[i];
      ColumnDescriptor column = schemaColumns.get(f.column);
      CompressionCodecName codec = chunks.get(f.column).getCodec();
      if (f.page < 0) {
        ChunkPages.Dictionary page = dictionaryPage(key, column, bytes, codec);
        dictionaries[f.column] = new DictionaryCache.Entry(page, PageDecoder.dictionaryValues(column, page));
        dictionaryCache.put(new DictionaryCache.Key(blockId, rowGroup, f.column), dictionaries[f.column]);
      } else {
        pages.get(f.column).add(dataPage(key, column, bytes, codec));
      }
    }

    Map<String, ColumnVector> out = new HashMap<>();
    for (int c = 0; c < chunks.size(); c++) {
      int[] chosen = selected.get(c);
      if (chosen.length == 0) {
        continue;
      }
      ColumnDescriptor column = schemaColumns.get(c);
      List<ChunkPages.Data> columnPages = pages.get(c);
      DictionaryCache.Entry dictionary = dictionaries[c];
      ChunkPages chunk = ChunkPages.of(dictionary == null ? null : dictionary.page(), columnPages);
      // runs of consecutive pages are consecutive vector rows; each wanted range lies in one run
      OffsetIndex oi = offsets[c];
      long[] runFirst = new long[chosen.length];
      long[] runEnd = new long[chosen.length];
      int[] runAt = new int[chosen.length];
      int[] pageRows = new int[chosen.length];
      int runs = 0;
      int vectorRows = 0;
      for (int i = 0; i < chosen.length; i++) {
        int p = chosen[i];
        long s = oi.getFirstRowIndex(p);
        long e = p + 1 < oi.getPageCount() ? oi.getFirstRowIndex(p + 1) : rows;
        if (e < s || e - s > Integer.MAX_VALUE - vectorRows) {
          throw new CorruptDataException(key + ": column " + String.join(".", column.getPath()) + " has a page of rows " + s + ".." + e);
        }
        if (runs > 0 && runEnd[runs - 1] == s) {
          runEnd[runs - 1] = e;
        } else {
          runFirst[runs] = s;
          runEnd[runs] = e;
          runAt[runs] = vectorRows;
          runs++;
        }
        pageRows[i] = (int) (e - s);
        vectorRows += (int) (e - s);
      }
      int[] vFrom = new int[from.length];
      int[] vTo = new int[from.length];
      int run = 0;
      for (int k = 0; k < from.length; k++) {
        while (run < runs && runEnd[run] <= from[k]) {
          run++;
        }
        if (run == runs || from[k] < runFirst[run] || to[k] > runEnd[run]) {
          throw new IllegalStateException("rows " + from[k] + ".." + to[k] + " not covered by the pages read");
        }
        vFrom[k] = runAt[run] + (int) (from[k] - runFirst[run]);
        vTo[k] = runAt[run] + (int) (to[k] - runFirst[run]);
      }
      PageDecoder.DictionaryValues values = dictionary == null ? null : dictionary.values();
      ColumnVector vector = PageDecoder.decodeRows(column, chunk, values, pageRows, vFrom, vTo);
      if (vector == null) { // pages decoded whole, then cut
        vector = PageDecoder.decode(column, chunk, values);
        if (vector == null) {
          vector = ColumnVectorReader.readWithParquet(column, chunk.reader());
        }
        int decodedRows = column.getMaxRepetitionLevel() == 0 ? vector.size() : vector.rowStarts().length - 1;
        if (decodedRows != vectorRows) {
          throw new CorruptDataException(key + ": column " + String.join(".", column.getPath()) + " decoded " + decodedRows
              + " rows from pages the offset index says hold " + vectorRows);
        }
        boolean whole = from.length == 1 && vFrom[0] == 0 && vTo[0] == vectorRows;
        vector = whole ? vector : vector.selectRows(vFrom, vTo);
      }
      out.put(index.paths()[c], vector);
    }
    for (int c = 0; c < chunks.size(); c++) {
      if (fromKey[c]) {
        ColumnDescriptor column = schemaColumns.get(c);
        ColumnVector listKey = out.get(index.paths()[index.listKey()[c]]);
        if (listKey == null) {
          throw new IllegalStateException("column " + index.paths()[c] + " without its list's key column");
        }
        out.put(index.paths()[c], listKey.withNoValues(ColumnVector.kindOf(column), column.getMaxDefinitionLevel()));
      }
    }
    int total = 0;
    for (int k = 0; k < from.length; k++) {
      total += (int) (to[k] - from[k]);
    }
    return new RowGroupSlice(out, total);
  }

  /** The last page whose first row is at most {@code row} (0 if none is). */
  private static int pageOf(OffsetIndex oi, long row) {
    int lo = 0;
    int hi = oi.getPageCount() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (oi.getFirstRowIndex(mid) <= row) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** The fetch of the dictionary page of chunk {@code c}: from its offset to the first data page. */
  private static Fetch dictionaryFetch(String key, ColumnChunkMetaData chunk, int c, OffsetIndex oi) {
    long dict = chunk.getDictionaryPageOffset();
    long length = oi.getOffset(0) - dict;
    if (dict <= 0 || length <= 0 || length > Integer.MAX_VALUE) {
      throw new CorruptDataException(key + ": column " + chunk.getPath() + " has a dictionary page at " + dict
          + " and its first data page at " + oi.getOffset(0));
    }
    return new Fetch(c, -1, dict, (int) length);
  }

  /**
   * The dictionary of chunk {@code c} of row group {@code rowGroup} (from {@code dictionaryCache},
   * else read, decoded and put there); null if the chunk has no dictionary page.
   *
   * @throws CorruptDataException if the page is damaged
   */
  static DictionaryCache.Entry dictionary(ObjectStore store, String key, BlockMetaData group, ColumnDescriptor column, int c,
      OffsetIndex offsets, DictionaryCache dictionaryCache, String blockId, int rowGroup) throws IOException {
    ColumnChunkMetaData chunk = group.getColumns().get(c);
    if (!chunk.hasDictionaryPage()) {
      return null;
    }
    DictionaryCache.Key cacheKey = new DictionaryCache.Key(blockId, rowGroup, c);
    DictionaryCache.Entry entry = dictionaryCache.get(cacheKey);
    if (entry == null) {
      Fetch f = dictionaryFetch(key, chunk, c, offsets);
      ChunkPages.Bytes bytes = fetch(store, key, List.of(f))[0];
      ChunkPages.Dictionary page = dictionaryPage(key, column, bytes, chunk.getCodec());
      entry = new DictionaryCache.Entry(page, PageDecoder.dictionaryValues(column, page));
      dictionaryCache.put(cacheKey, entry);
    }
    return entry;
  }

  /**
   * The strings of the dictionary page of {@code chunk} in {@code file} (a whole Parquet file in
   * memory, as just written); null if the chunk has no dictionary page or is not a string column.
   */
  static String[] dictionaryStrings(byte[] file, ColumnChunkMetaData chunk, ColumnDescriptor column) throws IOException {
    if (!chunk.hasDictionaryPage()) {
      return null;
    }
    long start = chunk.getDictionaryPageOffset();
    long end = chunk.getFirstDataPageOffset();
    if (start <= 0 || end <= start || end > file.length) {
      throw new CorruptDataException("column " + chunk.getPath() + " has a dictionary page at " + start + " and data at " + end);
    }
    ChunkPages.Dictionary page = dictionaryPage("block", column, new ChunkPages.Bytes(file, (int) start, (int) (end - start)),
        chunk.getCodec());
    PageDecoder.DictionaryValues values = PageDecoder.dictionaryValues(column, page);
    return values == null ? null : values.strings();
  }

  /** Every fetch's bytes, in order, with one {@link ObjectStore#getRanges} call (the store merges nearby ranges as suits it). */
  private static ChunkPages.Bytes[] fetch(ObjectStore store, String key, List<Fetch> fetches) throws IOException {
    long[] offsets = new long[fetches.size()];
    int[] lengths = new int[fetches.size()];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = fetches.get(i).offset;
      lengths[i] = fetches.get(i).length;
    }
    java.nio.ByteBuffer[] ranges = store.getRanges(key, offsets, lengths);
    ChunkPages.Bytes[] out = new ChunkPages.Bytes[ranges.length];
    for (int i = 0; i < ranges.length; i++) {
      java.nio.ByteBuffer b = ranges[i];
      if (b.remaining() != lengths[i]) {
        throw new CorruptDataException(key + ": read " + b.remaining() + " bytes at " + offsets[i] + ", expected " + lengths[i]);
      }
      if (b.hasArray()) { // a view: pages are parsed in place
        out[i] = new ChunkPages.Bytes(b.array(), b.arrayOffset() + b.position(), lengths[i]);
      } else {
        byte[] copy = new byte[lengths[i]];
        b.duplicate().get(copy);
        out[i] = new ChunkPages.Bytes(copy, 0, copy.length);
      }
    }
    return out;
  }

  /**
   * A Thrift transport over {@code array[pos, end)} that shows the protocol its buffer, so the
   * compact protocol reads bytes in place rather than through a stream.
   */
  private static final class ArrayTransport extends TTransport {
    private final byte[] array;
    private int pos;
    private final int end;

    ArrayTransport(byte[] array, int pos, int end) {
      this.array = array;
      this.pos = pos;
      this.end = end;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void open() {}

    @Override
    public void close() {}

    @Override
    public int read(byte[] dst, int offset, int length) {
      int n = Math.min(length, end - pos);
      System.arraycopy(array, pos, dst, offset, n);
      pos += n;
      return n;
    }

    @Override
    public void write(byte[] src, int offset, int length) {
      throw new UnsupportedOperationException("read only");
    }

    @Override
    public byte[] getBuffer() {
      return array;
    }

    @Override
    public int getBufferPosition() {
      return pos;
    }

    @Override
    public int getBytesRemainingInBuffer() {
      return end - pos;
    }

    @Override
    public void consumeBuffer(int n) {
      pos += n;
    }

    @Override
    public TConfiguration getConfiguration() {
      return TConfiguration.DEFAULT;
    }

    @Override
    public void updateKnownMessageSize(long size) {}

    @Override
    public void checkReadBytesAvailable(long n) throws TTransportException {
      if (n > end - pos) {
        throw new TTransportException(TTransportException.END_OF_FILE, n + " bytes wanted, " + (end - pos) + " left");
      }
    }
  }

  /** The header of a page at the start of {@code bytes} and where its payload starts. */
  private record Header(PageHeader header, byte[] array, int payload, int end) {}

  private static Header header(String key, ColumnDescriptor column, ChunkPages.Bytes page) throws IOException {
    byte[] bytes = page.array();
    int end = page.offset() + page.length();
    PageHeader h = new PageHeader();
    int payload;
    try {
      // Thrift directly, reading the array in place (Util.readPageHeader reads a stream a byte at a
      // time, and its validation formats its messages even when the header is fine)
      ArrayTransport in = new ArrayTransport(bytes, page.offset(), end);
      h.read(new TCompactProtocol(in));
      payload = in.getBufferPosition();
    } catch (TException | RuntimeException e) {
      throw new CorruptDataException(key + ": unreadable page header in column " + String.join(".", column.getPath()) + ": " + e.getMessage(), e);
    }
    if (h.getCompressed_page_size() != end - payload) {
      throw new CorruptDataException(key + ": a page of column " + String.join(".", column.getPath()) + " says "
          + h.getCompressed_page_size() + " bytes; the offset index leaves " + (end - payload));
    }
    if (h.isSetCrc()) {
      CRC32 crc = new CRC32();
      crc.update(bytes, payload, end - payload);
      if ((int) crc.getValue() != h.getCrc()) {
        throw new CorruptDataException(key + ": page checksum mismatch in column " + String.join(".", column.getPath()));
      }
    }
    return new Header(h, bytes, payload, end);
  }

  private static ChunkPages.Dictionary dictionaryPage(String key, ColumnDescriptor column, ChunkPages.Bytes page, CompressionCodecName codec)
      throws IOException {
    Header h = header(key, column, page);
    byte[] bytes = h.array;
    DictionaryPageHeader d = h.header.getDictionary_page_header();
    if (d == null) {
      throw new CorruptDataException(key + ": column " + String.join(".", column.getPath()) + " has no dictionary page where the footer says");
    }
    byte[] raw = decompress(codec, bytes, h.payload, h.end - h.payload, h.header.getUncompressed_page_size());
    return new ChunkPages.Dictionary(new ChunkPages.Bytes(raw, 0, raw.length), d.getNum_values(), encoding(d.getEncoding()));
  }

  private static ChunkPages.Data dataPage(String key, ColumnDescriptor column, ChunkPages.Bytes page, CompressionCodecName codec)
      throws IOException {
    Header h = header(key, column, page);
    byte[] bytes = h.array;
    Statistics<?> noStatistics = Statistics.getBuilderForReading(column.getPrimitiveType()).build();
    DataPageHeaderV2 v2 = h.header.getData_page_header_v2();
    if (v2 != null) {
      int rl = v2.getRepetition_levels_byte_length();
      int dl = v2.getDefinition_levels_byte_length();
      int dataLength = h.end - h.payload - rl - dl;
      if (rl < 0 || dl < 0 || dataLength < 0) {
        throw new CorruptDataException(key + ": a page of column " + String.join(".", column.getPath()) + " with bad level lengths");
      }
      int dataOffset = h.payload + rl + dl;
      ChunkPages.Bytes values;
      int uncompressed = h.header.getUncompressed_page_size() - rl - dl;
      if (v2.isIs_compressed()) {
        byte[] raw = decompress(codec, bytes, dataOffset, dataLength, uncompressed);
        values = new ChunkPages.Bytes(raw, 0, raw.length);
      } else {
        values = new ChunkPages.Bytes(bytes, dataOffset, dataLength);
      }
      return new ChunkPages.Data(true, v2.getNum_values(), v2.getNum_rows(), v2.getNum_nulls(), Encoding.RLE, Encoding.RLE,
          encoding(v2.getEncoding()), new ChunkPages.Bytes(bytes, h.payload, rl), new ChunkPages.Bytes(bytes, h.payload + rl, dl),
          values, h.header.getUncompressed_page_size(), false, noStatistics);
    }
    DataPageHeader v1 = h.header.getData_page_header();
    if (v1 == null) {
      throw new CorruptDataException(key + ": column " + String.join(".", column.getPath()) + " has a " + h.header.getType()
          + " page where the offset index points to a data page");
    }
    byte[] raw = decompress(codec, bytes, h.payload, h.end - h.payload, h.header.getUncompressed_page_size());
    return new ChunkPages.Data(false, v1.getNum_values(), -1, -1, encoding(v1.getRepetition_level_encoding()),
        encoding(v1.getDefinition_level_encoding()), encoding(v1.getEncoding()), ChunkPages.Bytes.EMPTY, ChunkPages.Bytes.EMPTY,
        new ChunkPages.Bytes(raw, 0, raw.length), raw.length, false, noStatistics);
  }

  private static byte[] decompress(CompressionCodecName codec, byte[] bytes, int offset, int length, int uncompressed) {
    if (uncompressed < 0) {
      throw new CorruptDataException("a page of " + uncompressed + " bytes");
    }
    try {
      return CodecFactory.decompress(codec, bytes, offset, length, uncompressed);
    } catch (IOException e) {
      throw new CorruptDataException(e.getMessage(), e);
    }
  }

  private static Encoding encoding(org.apache.parquet.format.Encoding e) {
    return Encoding.valueOf(e.name());
  }
}
