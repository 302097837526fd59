package io.tracestore.core.block;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageWriteStore;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.SizeStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.statistics.geospatial.GeospatialStatistics;
import org.apache.parquet.column.values.ValuesWriter;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.column.values.bloomfilter.BloomFilterWriteStore;
import org.apache.parquet.column.values.delta.DeltaBinaryPackingValuesWriterForInteger;
import org.apache.parquet.column.values.delta.DeltaBinaryPackingValuesWriterForLong;
import org.apache.parquet.column.values.deltastrings.DeltaByteArrayWriter;
import org.apache.parquet.column.values.plain.PlainValuesWriter;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridValuesWriter;
import org.apache.parquet.io.ParquetEncodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveComparator;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * A {@link ColumnWriteStore} for one row group that produces the pages parquet-java's
 * {@code ColumnWriteStoreV2} produces for the same values with the same {@link ParquetProperties}
 * (writer version 2, its default values-writer factory without byte-stream-split): dictionary
 * encoding ({@code RLE_DICTIONARY} pages, a {@code PLAIN} dictionary page) with parquet-java's
 * fallback rules (the first page keeps the dictionary only if it is smaller than plain, and a
 * dictionary over the dictionary page size stops growing), {@code DELTA_BINARY_PACKED},
 * {@code DELTA_BYTE_ARRAY}, {@code PLAIN} doubles and {@code RLE} booleans as fallbacks, RLE
 * levels, page statistics, size statistics and bloom filters, and the same page-size check
 * schedule. The pages go to a {@link PageWriteStore} (parquet-java's {@code
 * ColumnChunkPageWriteStore}, which compresses them and builds the column and offset indexes).
 *
 * <p>It is faster because values are buffered per page in primitive arrays and encoded at the end
 * of the page: a dictionary lookup is one identity-map probe for a repeated {@link Binary}
 * instance, statistics compare a dictionary value only on its first use in a page, bloom filters
 * skip a value equal to the previous one, and levels go through a lean RLE encoder. Not
 * thread-safe; one instance per row group.
 */
final class FastColumnWriteStore implements ColumnWriteStore {
  private static final int MAX_DICTIONARY_ENTRIES = Integer.MAX_VALUE - 1;

  private final ParquetProperties props;
  private final Map<ColumnDescriptor, Column> columns = new LinkedHashMap<>();
  private final Column[] all;
  private final long thresholdTolerance;
  private long rowCount;
  private long rowCountForNextSizeCheck;

  FastColumnWriteStore(MessageType schema, PageWriteStore pages, BloomFilterWriteStore blooms, ParquetProperties props) {
    this.props = props;
    for (ColumnDescriptor d : schema.getColumns()) {
      columns.put(d, new Column(d, pages.getPageWriter(d),
          props.isBloomFilterEnabled(d) ? blooms : null, props));
    }
    this.all = columns.values().toArray(new Column[0]);
    this.thresholdTolerance = (long) (props.getPageSizeThreshold() * 0.1f);
    this.rowCountForNextSizeCheck = Math.min(props.getMinRowCountForPageSizeCheck(), props.getPageRowCountLimit());
  }

  @Override
  public ColumnWriter getColumnWriter(ColumnDescriptor path) {
    return columns.get(path);
  }

  @Override
  public void endRecord() {
    ++rowCount;
    if (rowCount >= rowCountForNextSizeCheck) {
      sizeCheck();
    }
  }

  /** parquet-java's schedule: cut pages that are full or have enough rows, then guess the next check. */
  private void sizeCheck() {
    long minRecordToWait = Long.MAX_VALUE;
    int pageRowCountLimit = props.getPageRowCountLimit();
    long rowCountForNextRowCountCheck = rowCount + pageRowCountLimit;
    for (Column c : all) {
      long usedMem = c.currentPageBufferedSize();
      long rows = rowCount - c.rowsWrittenSoFar;
      long remainingMem = props.getPageSizeThreshold() - usedMem;
      if (remainingMem <= thresholdTolerance || rows >= pageRowCountLimit
          || c.valueCount >= props.getPageValueCountThreshold()) {
        c.writePage();
        remainingMem = props.getPageSizeThreshold();
      } else {
        rowCountForNextRowCountCheck = Math.min(rowCountForNextRowCountCheck, c.rowsWrittenSoFar + pageRowCountLimit);
      }
      long rowsToFillPage = usedMem == 0 ? props.getMaxRowCountForPageSizeCheck() : rows * remainingMem / usedMem;
      if (rowsToFillPage < minRecordToWait) {
        minRecordToWait = rowsToFillPage;
      }
    }
    if (minRecordToWait == Long.MAX_VALUE) {
      minRecordToWait = props.getMinRowCountForPageSizeCheck();
    }
    if (props.estimateNextSizeCheck()) {
      rowCountForNextSizeCheck = rowCount + Math.min(
          Math.max(minRecordToWait / 2, props.getMinRowCountForPageSizeCheck()), props.getMaxRowCountForPageSizeCheck());
    } else {
      rowCountForNextSizeCheck = rowCount + props.getMinRowCountForPageSizeCheck();
    }
    if (rowCountForNextRowCountCheck < rowCountForNextSizeCheck) {
      rowCountForNextSizeCheck = rowCountForNextRowCountCheck;
    }
  }

  @Override
  public boolean isColumnFlushNeeded() {
    return rowCount + 1 >= rowCountForNextSizeCheck;
  }

  @Override
  public void flush() {
    for (Column c : all) {
      if (rowCount - c.rowsWrittenSoFar > 0) {
        c.writePage();
      }
      c.finishChunk();
    }
  }

  @Override
  public long getAllocatedSize() {
    return getBufferedSize();
  }

  @Override
  public long getBufferedSize() {
    long total = 0;
    for (Column c : all) {
      total += c.bufferedChunkSize + c.currentPageBufferedSize();
    }
    return total;
  }

  @Override
  public String memUsageString() {
    return "FastColumnWriteStore " + getBufferedSize() + " bytes";
  }

  @Override
  public void close() {}

  /** The writer of one leaf column. */
  static final class Column implements ColumnWriter {
    private final ColumnDescriptor path;
    private final PrimitiveType type;
    private final PrimitiveTypeName typeName;
    private final PrimitiveComparator<Binary> binaryOrder;
    private final boolean unsignedLexicographic;
    private final PageWriter pageWriter;
    private final BloomFilterWriteStore bloomStore;
    private final BloomFilter bloom;
    private final ParquetProperties props;
    private final int maxRep;
    private final int maxDef;
    private final boolean dictionaryEnabled;
    private final int maxDictionaryByteSize;

    // levels of the current page
    private final RleHybridEncoder repLevels;
    private final RleHybridEncoder defLevels;
    private final long[] repHistogram;
    private final long[] defHistogram;

    // values of the current page (non-null only)
    private int count;
    private int[] ids;
    private Binary[] binaries;
    private long[] longs;
    private int[] ints;
    private double[] doubles;
    private boolean[] booleans;
    private long rawDataByteSize;
    private long unencodedBinaryBytes;

    // page bookkeeping
    int valueCount;
    private int nullCount;
    private int pageRowCount;
    long rowsWrittenSoFar;
    long bufferedChunkSize;

    // page statistics, other than for dictionary ids
    private boolean hasMinMax;
    private long minLong;
    private long maxLong;
    private Binary minBinary;
    private Binary maxBinary;
    private Binary lastBinary;
    private Statistics<?> otherStats;

    // dictionary
    private boolean fellBack;
    private boolean firstPage = true;
    private boolean usedDictionary;
    private final IdentityIntMap byInstance;
    private Binary lastDictionaryBinary;
    private int lastDictionaryId;
    private final HashMap<Binary, Integer> byValue;
    private final LongIntMap byLong;
    private final List<Binary> binaryEntries;
    private long[] longEntries;
    private int dictionarySize;
    private long dictionaryByteSize;
    private int lastUsedDictionarySize;
    private int[] seenInPage;
    private int pageNumber = 1;
    private int minId = -1;
    private int maxId = -1;

    private ValuesWriter fallback;
    /** Empty geospatial statistics (no column here is a geometry), passed with every page: the page writer only reads them. */
    private final GeospatialStatistics noGeospatial;

    Column(ColumnDescriptor path, PageWriter pageWriter, BloomFilterWriteStore bloomStore, ParquetProperties props) {
      this.path = path;
      this.type = path.getPrimitiveType();
      this.typeName = type.getPrimitiveTypeName();
      this.binaryOrder = type.comparator();
      this.unsignedLexicographic = binaryOrder == PrimitiveComparator.UNSIGNED_LEXICOGRAPHICAL_BINARY_COMPARATOR;
      this.pageWriter = pageWriter;
      this.props = props;
      this.maxRep = path.getMaxRepetitionLevel();
      this.maxDef = path.getMaxDefinitionLevel();
      this.repLevels = maxRep == 0 ? null : new RleHybridEncoder(bitWidth(maxRep));
      this.defLevels = maxDef == 0 ? null : new RleHybridEncoder(bitWidth(maxDef));
      this.repHistogram = new long[maxRep > 0 ? maxRep + 1 : 0];
      this.defHistogram = new long[maxDef > 1 ? maxDef + 1 : 0];
      this.dictionaryEnabled = props.isDictionaryEnabled(path) && typeName != PrimitiveTypeName.BOOLEAN;
      if (typeName == PrimitiveTypeName.FLOAT || typeName == PrimitiveTypeName.INT96) {
        throw new IllegalArgumentException("no fast writer for " + typeName + " column " + path);
      }
      // integer statistics are kept with signed comparison
      if ((typeName == PrimitiveTypeName.INT32 && type.comparator().compare(-1, 0) > 0)
          || (typeName == PrimitiveTypeName.INT64 && type.comparator().compare(-1L, 0L) > 0)) {
        throw new IllegalArgumentException("no fast writer for unsigned integer column " + path);
      }
      if (props.isByteStreamSplitEnabled(path)) {
        throw new IllegalArgumentException("no fast writer for byte-stream-split column " + path);
      }
      this.maxDictionaryByteSize = props.getDictionaryPageSizeThreshold();
      this.noGeospatial = GeospatialStatistics.newBuilder(type).build();
      boolean binary = typeName == PrimitiveTypeName.BINARY || typeName == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
      this.byInstance = dictionaryEnabled && binary ? new IdentityIntMap() : null;
      this.byValue = dictionaryEnabled && binary ? new HashMap<>() : null;
      this.binaryEntries = dictionaryEnabled && binary ? new ArrayList<>() : null;
      this.byLong = dictionaryEnabled && !binary ? new LongIntMap() : null;
      this.longEntries = dictionaryEnabled && !binary ? new long[64] : null;
      this.seenInPage = dictionaryEnabled ? new int[64] : null;
      int initial = 64;
      switch (typeName) {
        case BINARY, FIXED_LEN_BYTE_ARRAY -> binaries = new Binary[initial];
        case INT64 -> longs = new long[initial];
        case INT32 -> ints = new int[initial];
        case DOUBLE -> doubles = new double[initial];
        case BOOLEAN -> booleans = new boolean[initial];
        default -> throw new IllegalArgumentException("no fast writer for " + typeName);
      }
      if (dictionaryEnabled) {
        ids = new int[initial];
      }
      if (bloomStore != null) {
        this.bloomStore = bloomStore;
        OptionalLong ndv = props.getBloomFilterNDV(path);
        OptionalDouble fpp = props.getBloomFilterFPP(path);
        if (!ndv.isPresent() || !fpp.isPresent()) {
          throw new IllegalArgumentException("a bloom filter needs an NDV and an FPP: " + path);
        }
        int bits = BlockSplitBloomFilter.optimalNumOfBits(ndv.getAsLong(), fpp.getAsDouble());
        this.bloom = new BlockSplitBloomFilter(bits / 8, props.getMaxBloomFilterBytes());
      } else {
        this.bloomStore = null;
        this.bloom = null;
      }
      resetPageStatistics();
    }

    /**
     * The column's order on binaries: unsigned lexicographic, compared on the backing arrays, for
     * strings, plain binaries and fixed-length ids; else the type's comparator.
     */
    private int compareBinary(Binary a, Binary b) {
      if (!unsignedLexicographic) {
        return binaryOrder.compare(a, b);
      }
      return Arrays.compareUnsigned(a.getBytesUnsafe(), 0, a.length(), b.getBytesUnsafe(), 0, b.length());
    }

    private static int bitWidth(int max) {
      return 32 - Integer.numberOfLeadingZeros(max);
    }

    private void levels(int r, int d) {
      if (repLevels != null) {
        repLevels.writeInt(r);
        repHistogram[r]++;
      }
      if (defLevels != null) {
        defLevels.writeInt(d);
        if (defHistogram.length > 0) {
          defHistogram[d]++;
        }
      }
      if (r == 0) {
        pageRowCount++;
      }
      valueCount++;
    }

    @Override
    public void writeNull(int r, int d) {
      levels(r, d);
      nullCount++;
    }

    @Override
    public void write(Binary value, int r, int d) {
      levels(r, d);
      if (count == binaries.length) {
        grow();
      }
      if (value.isBackingBytesReused()) {
        value = value.copy();
      }
      binaries[count] = value;
      rawDataByteSize += value.length() + 4;
      if (typeName == PrimitiveTypeName.BINARY) {
        unencodedBinaryBytes += value.length();
      }
      if (bloom != null && value != lastBinary) {
        bloom.insertHash(bloom.hash(value));
      }
      if (dictionaryEnabled && !fellBack) {
        int id = binaryId(value);
        ids[count] = id;
        noteId(id);
        count++;
        checkDictionarySize();
      } else {
        if (value != lastBinary) {
          if (!hasMinMax) {
            minBinary = value;
            maxBinary = value;
            hasMinMax = true;
          } else if (compareBinary(value, minBinary) < 0) {
            minBinary = value;
          } else if (compareBinary(value, maxBinary) > 0) {
            maxBinary = value;
          }
        }
        count++;
      }
      lastBinary = value;
    }

    @Override
    public void write(long value, int r, int d) {
      levels(r, d);
      if (count == longs.length) {
        grow();
      }
      longs[count] = value;
      rawDataByteSize += 8;
      if (bloom != null) {
        bloom.insertHash(bloom.hash(value));
      }
      valueWritten(value);
    }

    @Override
    public void write(int value, int r, int d) {
      levels(r, d);
      if (count == ints.length) {
        grow();
      }
      ints[count] = value;
      rawDataByteSize += 4;
      if (bloom != null) {
        bloom.insertHash(bloom.hash(value));
      }
      valueWritten(value);
    }

    private void valueWritten(long value) {
      if (dictionaryEnabled && !fellBack) {
        int id = longId(value, typeName == PrimitiveTypeName.INT32 ? 4 : 8);
        ids[count] = id;
        noteId(id);
        count++;
        checkDictionarySize();
      } else {
        if (!hasMinMax) {
          minLong = value;
          maxLong = value;
          hasMinMax = true;
        } else if (value < minLong) {
          minLong = value;
        } else if (value > maxLong) {
          maxLong = value;
        }
        count++;
      }
    }

    @Override
    public void write(double value, int r, int d) {
      levels(r, d);
      if (count == doubles.length) {
        grow();
      }
      doubles[count] = value;
      rawDataByteSize += 8;
      if (bloom != null) {
        bloom.insertHash(bloom.hash(value));
      }
      otherStats.updateStats(value);
      if (dictionaryEnabled && !fellBack) {
        ids[count] = longId(Double.doubleToLongBits(value), 8);
        count++;
        checkDictionarySize();
      } else {
        count++;
      }
    }

    @Override
    public void write(boolean value, int r, int d) {
      levels(r, d);
      if (count == booleans.length) {
        grow();
      }
      booleans[count++] = value;
      otherStats.updateStats(value);
    }

    @Override
    public long getBufferedSizeInMemory() {
      return currentPageBufferedSize();
    }

    @Override
    public void close() {}

    @Override
    public void write(float value, int r, int d) {
      throw new UnsupportedOperationException("no float columns in a block");
    }

    private void grow() {
      int n = count * 2;
      if (binaries != null) {
        binaries = Arrays.copyOf(binaries, n);
      }
      if (longs != null) {
        longs = Arrays.copyOf(longs, n);
      }
      if (ints != null) {
        ints = Arrays.copyOf(ints, n);
      }
      if (doubles != null) {
        doubles = Arrays.copyOf(doubles, n);
      }
      if (booleans != null) {
        booleans = Arrays.copyOf(booleans, n);
      }
      if (ids != null) {
        ids = Arrays.copyOf(ids, n);
      }
    }

    private int binaryId(Binary value) {
      if (value == lastDictionaryBinary) {
        return lastDictionaryId;
      }
      int id = byInstance.get(value);
      if (id < 0) {
        Integer known = byValue.get(value);
        if (known == null) {
          id = dictionarySize++;
          byValue.put(value, id);
          binaryEntries.add(value);
          dictionaryByteSize += typeName == PrimitiveTypeName.BINARY ? 4 + value.length() : value.length();
        } else {
          id = known;
        }
        byInstance.put(value, id);
      }
      lastDictionaryBinary = value;
      lastDictionaryId = id;
      return id;
    }

    private int longId(long key, int plainBytes) {
      int id = byLong.get(key);
      if (id < 0) {
        id = dictionarySize++;
        byLong.put(key, id);
        if (id == longEntries.length) {
          longEntries = Arrays.copyOf(longEntries, id * 2);
        }
        longEntries[id] = key;
        dictionaryByteSize += plainBytes;
      }
      return id;
    }

    /** Tracks the smallest and largest dictionary value of the page, comparing a value on its first use only. */
    private void noteId(int id) {
      if (id >= seenInPage.length) {
        seenInPage = Arrays.copyOf(seenInPage, Math.max(id + 1, seenInPage.length * 2));
      }
      if (seenInPage[id] == pageNumber) {
        return;
      }
      seenInPage[id] = pageNumber;
      if (minId < 0) {
        minId = id;
        maxId = id;
      } else if (compareEntries(id, minId) < 0) {
        minId = id;
      } else if (compareEntries(id, maxId) > 0) {
        maxId = id;
      }
    }

    private int compareEntries(int a, int b) {
      return switch (typeName) {
        case BINARY, FIXED_LEN_BYTE_ARRAY -> compareBinary(binaryEntries.get(a), binaryEntries.get(b));
        case INT32, INT64 -> Long.compare(longEntries[a], longEntries[b]);
        default -> 0; // doubles keep their statistics per value
      };
    }

    /** parquet-java falls back from a dictionary that outgrew the dictionary page size, for the page being written too. */
    private void checkDictionarySize() {
      if (dictionaryByteSize > maxDictionaryByteSize || dictionarySize > MAX_DICTIONARY_ENTRIES) {
        fallBack();
      }
    }

    private void fallBack() {
      fellBack = true;
      // the page's values so far get plain statistics from here on
      for (int i = 0; i < count; i++) {
        statsOfPlainValue(i);
      }
      if (lastUsedDictionarySize == 0) {
        usedDictionary = false;
      }
    }

    private void statsOfPlainValue(int i) {
      switch (typeName) {
        case BINARY, FIXED_LEN_BYTE_ARRAY -> {
          Binary v = binaries[i];
          if (!hasMinMax) {
            minBinary = v;
            maxBinary = v;
            hasMinMax = true;
          } else if (compareBinary(v, minBinary) < 0) {
            minBinary = v;
          } else if (compareBinary(v, maxBinary) > 0) {
            maxBinary = v;
          }
        }
        case INT32, INT64 -> {
          long v = typeName == PrimitiveTypeName.INT32 ? ints[i] : longs[i];
          if (!hasMinMax) {
            minLong = v;
            maxLong = v;
            hasMinMax = true;
          } else if (v < minLong) {
            minLong = v;
          } else if (v > maxLong) {
            maxLong = v;
          }
        }
        default -> {
          // doubles and booleans keep their statistics per value
        }
      }
    }

    /**
     * What parquet-java's page-size check sees: the levels encoded so far plus the values' plain
     * size (exactly what its dictionary-with-fallback writers report; its delta and RLE writers
     * report their encoded size, which the plain size bounds).
     */
    long currentPageBufferedSize() {
      long levels = (repLevels == null ? 0 : repLevels.size()) + (defLevels == null ? 0 : defLevels.size());
      return levels + rawDataByteSize;
    }

    /** Encodes and hands over the current page. */
    void writePage() {
      if (valueCount == 0) {
        throw new ParquetEncodingException("writing empty page");
      }
      try {
        BytesInput data;
        Encoding encoding;
        if (dictionaryEnabled && !fellBack) {
          int bitWidth = 32 - Integer.numberOfLeadingZeros(dictionarySize - 1);
          RleHybridEncoder enc = new RleHybridEncoder(bitWidth);
          for (int i = 0; i < count; i++) {
            enc.writeInt(ids[i]);
          }
          int n = enc.finish();
          byte[] bytes = new byte[n + 1];
          bytes[0] = (byte) bitWidth;
          System.arraycopy(enc.bytes(), 0, bytes, 1, n);
          if (firstPage && !(bytes.length + dictionaryByteSize < rawDataByteSize)) {
            // the first page decides: plain is smaller, so no dictionary for this chunk
            fellBack = true;
            for (int i = 0; i < count; i++) {
              statsOfPlainValue(i);
            }
            data = fallbackBytes();
            encoding = fallback.getEncoding();
          } else {
            lastUsedDictionarySize = dictionarySize;
            usedDictionary = true;
            data = BytesInput.from(bytes);
            encoding = Encoding.RLE_DICTIONARY;
            if (minId >= 0) {
              statsOfDictionaryValue(minId);
              statsOfDictionaryValue(maxId);
              minId = -1;
            }
          }
        } else {
          data = fallbackBytes();
          encoding = fallback.getEncoding();
        }
        Statistics<?> stats = pageStatistics();
        BytesInput rl = repLevels == null ? BytesInput.empty() : levelBytes(repLevels);
        BytesInput dl = defLevels == null ? BytesInput.empty() : levelBytes(defLevels);
        SizeStatistics sizes = new SizeStatistics(type, unencodedBinaryBytes, longList(repHistogram), longList(defHistogram));
        bufferedChunkSize += data.size() + rl.size() + dl.size();
        pageWriter.writePageV2(pageRowCount, nullCount, valueCount, rl, dl, encoding, data, stats, sizes, noGeospatial);
        if (fallback != null) {
          fallback.reset();
        }
      } catch (IOException e) {
        throw new ParquetEncodingException("could not write page for " + path, e);
      }
      rowsWrittenSoFar += pageRowCount;
      pageRowCount = 0;
      valueCount = 0;
      nullCount = 0;
      count = 0;
      rawDataByteSize = 0;
      unencodedBinaryBytes = 0;
      firstPage = false;
      pageNumber++;
      lastBinary = null;
      if (repLevels != null) {
        repLevels.reset(bitWidth(maxRep));
        Arrays.fill(repHistogram, 0);
      }
      if (defLevels != null) {
        defLevels.reset(bitWidth(maxDef));
        Arrays.fill(defHistogram, 0);
      }
      resetPageStatistics();
    }

    private static BytesInput levelBytes(RleHybridEncoder enc) {
      int n = enc.finish();
      return BytesInput.from(Arrays.copyOf(enc.bytes(), n));
    }

    private static List<Long> longList(long[] values) {
      List<Long> out = new ArrayList<>(values.length);
      for (long v : values) {
        out.add(v);
      }
      return out;
    }

    private void statsOfDictionaryValue(int id) {
      switch (typeName) {
        case BINARY, FIXED_LEN_BYTE_ARRAY -> {
          Binary v = binaryEntries.get(id);
          if (!hasMinMax) {
            minBinary = v;
            maxBinary = v;
            hasMinMax = true;
          } else if (compareBinary(v, minBinary) < 0) {
            minBinary = v;
          } else if (compareBinary(v, maxBinary) > 0) {
            maxBinary = v;
          }
        }
        case INT32, INT64 -> {
          long v = longEntries[id];
          if (!hasMinMax) {
            minLong = v;
            maxLong = v;
            hasMinMax = true;
          } else if (v < minLong) {
            minLong = v;
          } else if (v > maxLong) {
            maxLong = v;
          }
        }
        default -> {
          // doubles keep their statistics per value
        }
      }
    }

    private void resetPageStatistics() {
      hasMinMax = false;
      minBinary = null;
      maxBinary = null;
      minId = -1;
      maxId = -1;
      otherStats = typeName == PrimitiveTypeName.DOUBLE || typeName == PrimitiveTypeName.BOOLEAN
          ? Statistics.createStats(type) : null;
    }

    private Statistics<?> pageStatistics() {
      Statistics<?> s = otherStats != null ? otherStats : Statistics.createStats(type);
      if (otherStats == null && hasMinMax) {
        switch (typeName) {
          case BINARY, FIXED_LEN_BYTE_ARRAY -> {
            s.updateStats(minBinary);
            s.updateStats(maxBinary);
          }
          case INT32 -> {
            s.updateStats((int) minLong);
            s.updateStats((int) maxLong);
          }
          case INT64 -> {
            s.updateStats(minLong);
            s.updateStats(maxLong);
          }
          default -> throw new IllegalStateException(typeName.toString());
        }
      }
      s.incrementNumNulls(nullCount);
      return s;
    }

    /** The page's values in the fallback encoding (or the only encoding of a column without dictionary). */
    private BytesInput fallbackBytes() {
      if (fallback == null) {
        int slab = props.getInitialSlabSize();
        int page = props.getPageSizeThreshold();
        fallback = switch (typeName) {
          case BINARY, FIXED_LEN_BYTE_ARRAY -> new DeltaByteArrayWriter(slab, page, props.getAllocator());
          case INT32 -> new DeltaBinaryPackingValuesWriterForInteger(slab, page, props.getAllocator());
          case INT64 -> new DeltaBinaryPackingValuesWriterForLong(slab, page, props.getAllocator());
          case DOUBLE -> new PlainValuesWriter(slab, page, props.getAllocator());
          case BOOLEAN -> new RunLengthBitPackingHybridValuesWriter(1, slab, page, props.getAllocator());
          default -> throw new IllegalStateException(typeName.toString());
        };
      }
      ValuesWriter w = fallback;
      switch (typeName) {
        case BINARY, FIXED_LEN_BYTE_ARRAY -> {
          for (int i = 0; i < count; i++) {
            w.writeBytes(binaries[i]);
          }
        }
        case INT32 -> {
          for (int i = 0; i < count; i++) {
            w.writeInteger(ints[i]);
          }
        }
        case INT64 -> {
          for (int i = 0; i < count; i++) {
            w.writeLong(longs[i]);
          }
        }
        case DOUBLE -> {
          for (int i = 0; i < count; i++) {
            w.writeDouble(doubles[i]);
          }
        }
        case BOOLEAN -> {
          for (int i = 0; i < count; i++) {
            w.writeBoolean(booleans[i]);
          }
        }
        default -> throw new IllegalStateException(typeName.toString());
      }
      // the page writer copies (compresses) the data before the writer is reset
      return w.getBytes();
    }

    /** Writes the dictionary page (if a data page used the dictionary) and the bloom filter. */
    void finishChunk() {
      try {
        if (usedDictionary && lastUsedDictionarySize > 0) {
          pageWriter.writeDictionaryPage(dictionaryPage());
        }
      } catch (IOException e) {
        throw new ParquetEncodingException("could not write dictionary page for " + path, e);
      }
      if (bloom != null) {
        bloomStore.getBloomFilterWriter(path).writeBloomFilter(bloom);
      }
    }

    private DictionaryPage dictionaryPage() {
      int n = lastUsedDictionarySize;
      byte[] out;
      int at = 0;
      switch (typeName) {
        case BINARY -> {
          int size = 0;
          for (int i = 0; i < n; i++) {
            size += 4 + binaryEntries.get(i).length();
          }
          out = new byte[size];
          for (int i = 0; i < n; i++) {
            Binary b = binaryEntries.get(i);
            int len = b.length();
            out[at++] = (byte) len;
            out[at++] = (byte) (len >>> 8);
            out[at++] = (byte) (len >>> 16);
            out[at++] = (byte) (len >>> 24);
            System.arraycopy(b.getBytesUnsafe(), 0, out, at, len);
            at += len;
          }
        }
        case FIXED_LEN_BYTE_ARRAY -> {
          int len = type.getTypeLength();
          out = new byte[n * len];
          for (int i = 0; i < n; i++) {
            System.arraycopy(binaryEntries.get(i).getBytesUnsafe(), 0, out, at, len);
            at += len;
          }
        }
        case INT32 -> {
          out = new byte[n * 4];
          for (int i = 0; i < n; i++) {
            int v = (int) longEntries[i];
            for (int k = 0; k < 4; k++) {
              out[at++] = (byte) (v >>> (8 * k));
            }
          }
        }
        case INT64, DOUBLE -> {
          // a double's key is its raw bits, which is its PLAIN encoding
          out = new byte[n * 8];
          for (int i = 0; i < n; i++) {
            long v = longEntries[i];
            for (int k = 0; k < 8; k++) {
              out[at++] = (byte) (v >>> (8 * k));
            }
          }
        }
        default -> throw new IllegalStateException(typeName.toString());
      }
      return new DictionaryPage(BytesInput.from(out), n, Encoding.PLAIN);
    }
  }

  /** An open-addressing map from long keys to non-negative ints; {@code get} returns -1 when absent. */
  /**
   * Object identity to non-negative int, open addressing; {@link #get} answers -1 for an unknown
   * key. Unlike {@code IdentityHashMap<Binary, Integer>}, no boxing, and one probe sequence.
   */
  static final class IdentityIntMap {
    private Object[] keys = new Object[64];
    private int[] values = new int[64];
    private int size;

    int get(Object key) {
      Object[] k = keys;
      int mask = k.length - 1;
      int i = mix(key) & mask;
      Object at;
      while ((at = k[i]) != null) {
        if (at == key) {
          return values[i];
        }
        i = (i + 1) & mask;
      }
      return -1;
    }

    /** Maps {@code key}, which must not be mapped yet, to {@code value}. */
    void put(Object key, int value) {
      if ((size + 1) * 2 > keys.length) {
        rehash();
      }
      insert(key, value);
      size++;
    }

    private void insert(Object key, int value) {
      int mask = keys.length - 1;
      int i = mix(key) & mask;
      while (keys[i] != null) {
        i = (i + 1) & mask;
      }
      keys[i] = key;
      values[i] = value;
    }

    private void rehash() {
      Object[] k = keys;
      int[] v = values;
      keys = new Object[k.length * 2];
      values = new int[k.length * 2];
      for (int i = 0; i < k.length; i++) {
        if (k[i] != null) {
          insert(k[i], v[i]);
        }
      }
    }

    private static int mix(Object key) {
      int h = System.identityHashCode(key) * 0x9E3779B9;
      return h ^ (h >>> 16);
    }
  }

  static final class LongIntMap {
    private long[] keys = new long[64];
    private int[] values = new int[64];
    private boolean[] used = new boolean[64];
    private int size;

    int get(long key) {
      int mask = keys.length - 1;
      int i = mix(key) & mask;
      while (used[i]) {
        if (keys[i] == key) {
          return values[i];
        }
        i = (i + 1) & mask;
      }
      return -1;
    }

    void put(long key, int value) {
      if ((size + 1) * 2 > keys.length) {
        rehash();
      }
      int mask = keys.length - 1;
      int i = mix(key) & mask;
      while (used[i]) {
        if (keys[i] == key) {
          values[i] = value;
          return;
        }
        i = (i + 1) & mask;
      }
      used[i] = true;
      keys[i] = key;
      values[i] = value;
      size++;
    }

    private void rehash() {
      long[] k = keys;
      int[] v = values;
      boolean[] u = used;
      keys = new long[k.length * 2];
      values = new int[k.length * 2];
      used = new boolean[k.length * 2];
      size = 0;
      for (int i = 0; i < k.length; i++) {
        if (u[i]) {
          put(k[i], v[i]);
        }
      }
    }

    private static int mix(long key) {
      long h = key * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32));
    }
  }
}
