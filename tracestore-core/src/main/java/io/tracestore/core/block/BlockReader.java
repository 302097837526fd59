package io.tracestore.core.block;

import io.tracestore.api.CorruptDataException;
import io.tracestore.api.Span;
import io.tracestore.api.StorageException;
import io.tracestore.api.TraceId;
import io.tracestore.spi.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.TraceStoreReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.hadoop.BloomFilterReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Reads one committed block. Keeps the block's footer and trace-id bloom filters after first use,
 * so a warm lookup of an absent trace costs no I/O. Thread-safe.
 */
public final class BlockReader {
  private final ObjectStore store;
  private final BlockMeta meta;
  private final String dataKey;
  private volatile Loaded loaded;

  /** Footer and per-row-group bloom filters (null where a row group has none). */
  private record Loaded(ParquetMetadata footer, BloomFilter[] blooms) {}

  public BlockReader(ObjectStore store, BlockMeta meta) {
    this.store = store;
    this.meta = meta;
    this.dataKey = BlockWriter.dataKey(meta.tenant(), meta.blockId());
  }

  public BlockMeta meta() {
    return meta;
  }

  private InputFile inputFile() {
    return new ObjectStoreInputFile(store, dataKey, meta.dataSize());
  }

  private Loaded load() throws IOException {
    Loaded l = loaded;
    if (l != null) {
      return l;
    }
    synchronized (this) {
      if (loaded == null) {
        ParquetReadOptions options = TraceStoreReadOptions.create(null, CodecFactory.INSTANCE);
        InputFile file = inputFile();
        try (ParquetFileReader reader = new ParquetFileReader(file, options)) {
          ParquetMetadata footer = reader.getFooter();
          List<BlockMetaData> groups = footer.getBlocks();
          if (groups.size() != meta.rowGroups().size()) {
            throw new CorruptDataException(dataKey + " has " + groups.size() + " row groups but its meta.json lists " + meta.rowGroups().size());
          }
          BloomFilter[] blooms = new BloomFilter[groups.size()];
          for (int i = 0; i < groups.size(); i++) {
            ColumnChunkMetaData chunk = traceIdChunk(groups.get(i));
            BloomFilterReader bloomReader = reader.getBloomFilterDataReader(groups.get(i));
            blooms[i] = bloomReader.readBloomFilter(chunk);
          }
          loaded = new Loaded(footer, blooms);
        }
      }
      return loaded;
    }
  }

  private static ColumnChunkMetaData traceIdChunk(BlockMetaData group) {
    for (ColumnChunkMetaData c : group.getColumns()) {
      if (c.getPath().size() == 1 && c.getPath().toDotString().equals(BlockSchema.TRACE_ID)) {
        return c;
      }
    }
    throw new CorruptDataException("row group without a trace_id column");
  }

  /** Every span of {@code traceId} in this block (empty if none), in block order. */
  public List<Span> findTrace(TraceId traceId) {
    if (!meta.mayContain(traceId)) {
      return List.of();
    }
    try {
      Loaded l = load();
      Binary key = Binary.fromConstantByteArray(traceId.toBytes());
      List<Integer> candidates = new ArrayList<>();
      for (int i = 0; i < meta.rowGroups().size(); i++) {
        if (meta.rowGroups().get(i).mayContain(traceId) && (l.blooms[i] == null || l.blooms[i].findHash(l.blooms[i].hash(key)))) {
          candidates.add(i);
        }
      }
      if (candidates.isEmpty()) {
        return List.of();
      }
      return readTrace(l.footer, key, candidates);
    } catch (IOException e) {
      throw new StorageException("could not read block " + meta.blockId() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Two passes per candidate row group: the {@code trace_id} column alone, over the pages the page
   * index allows, finds the trace's contiguous run of rows; then whole records are assembled for
   * exactly that run (the page store skips every other row).
   */
  private List<Span> readTrace(ParquetMetadata footer, Binary key, List<Integer> rowGroups) throws IOException {
    FilterCompat.Filter filter = FilterCompat.get(FilterApi.eq(FilterApi.binaryColumn(BlockSchema.TRACE_ID), key));
    ParquetReadOptions options = TraceStoreReadOptions.create(filter, CodecFactory.INSTANCE);
    InputFile file = inputFile();
    List<Span> out = new ArrayList<>();
    MessageType schema = footer.getFileMetaData().getSchema();
    MessageType idOnly = new MessageType(schema.getName(), schema.getType(BlockSchema.TRACE_ID));
    TraceId wanted = TraceId.fromBytes(key.getBytes());
    for (int rg : rowGroups) {
      long first = Long.MAX_VALUE;
      long last = -1;
      // pass 1: which rows hold the trace (a reader caches column indexes for its requested columns,
      // so each pass has its own)
      try (ParquetFileReader reader = new ParquetFileReader(file, footer, options, file.newStream())) {
        int index = reader.getRowGroups().indexOf(footer.getBlocks().get(rg));
        if (index < 0) {
          continue; // statistics rule the row group out
        }
        reader.setRequestedSchema(idOnly);
        try (PageReadStore pages = reader.readFilteredRowGroup(index)) {
          if (pages == null) {
            continue;
          }
          RecordReader<Object> ids = new ColumnIOFactory().getColumnIO(idOnly).getRecordReader(pages, new MatchMaterializer(), filter);
          java.util.PrimitiveIterator.OfLong rowIndexes = pages.getRowIndexes().orElse(null);
          long n = pages.getRowCount();
          for (long r = 0; r < n; r++) {
            Object match = ids.read();
            long row = rowIndexes != null ? rowIndexes.nextLong() : r;
            if (match != null && !ids.shouldSkipCurrentRecord()) {
              first = Math.min(first, row);
              last = Math.max(last, row);
            }
          }
        }
      }
      if (last < 0) {
        continue;
      }
      // pass 2: whole records of that run only
      ParquetReadOptions plain = TraceStoreReadOptions.create(null, CodecFactory.INSTANCE);
      try (ParquetFileReader reader = new ParquetFileReader(file, footer, plain, file.newStream())) {
        org.apache.parquet.filter2.columnindex.RowRanges run =
            org.apache.parquet.filter2.columnindex.RowRanges.builder().addSelectedRange(first, last).build();
        try (PageReadStore pages = reader.readFilteredRowGroup(rg, run)) {
          RecordReader<Span> records = new ColumnIOFactory().getColumnIO(schema).getRecordReader(pages, new SpanMaterializer(schema));
          long n = pages.getRowCount();
          for (long r = 0; r < n; r++) {
            Span s = records.read();
            if (s != null && s.traceId().equals(wanted)) {
              out.add(s);
            }
          }
        }
      }
    }
    return out;
  }

  /** Materializes nothing: a non-null record means the filter kept the row. */
  private static final class MatchMaterializer extends org.apache.parquet.io.api.RecordMaterializer<Object> {
    private static final Object MATCH = new Object();
    private final org.apache.parquet.io.api.GroupConverter root = Converters.struct(
        new org.apache.parquet.io.api.Converter[] {Converters.IGNORE}, () -> {}, () -> {});

    @Override
    public Object getCurrentRecord() {
      return MATCH;
    }

    @Override
    public org.apache.parquet.io.api.GroupConverter getRootConverter() {
      return root;
    }
  }

  /** Every span in the block, in block order. */
  public List<Span> readAll() {
    try {
      Loaded l = load();
      List<Integer> all = new ArrayList<>();
      for (int i = 0; i < meta.rowGroups().size(); i++) {
        all.add(i);
      }
      return read(l.footer, null, all);
    } catch (IOException e) {
      throw new StorageException("could not read block " + meta.blockId() + ": " + e.getMessage(), e);
    }
  }

  private List<Span> read(ParquetMetadata footer, FilterCompat.Filter filter, List<Integer> rowGroups) throws IOException {
    ParquetReadOptions options = TraceStoreReadOptions.create(filter, CodecFactory.INSTANCE);
    InputFile file = inputFile();
    List<Span> out = new ArrayList<>();
    try (ParquetFileReader reader = new ParquetFileReader(file, footer, options, file.newStream())) {
      MessageType schema = footer.getFileMetaData().getSchema();
      MessageColumnIO columnIO = new ColumnIOFactory().getColumnIO(schema);
      SpanMaterializer materializer = new SpanMaterializer(schema);
      // the reader's own row-group list is already filtered by statistics; map ours onto it
      List<BlockMetaData> kept = reader.getRowGroups();
      for (int rg : rowGroups) {
        BlockMetaData wanted = footer.getBlocks().get(rg);
        int index = kept.indexOf(wanted);
        if (index < 0) {
          continue;
        }
        PageReadStore pages = filter == null ? reader.readRowGroup(index) : reader.readFilteredRowGroup(index);
        if (pages == null) {
          continue;
        }
        RecordReader<Span> records = filter == null
            ? columnIO.getRecordReader(pages, materializer)
            : columnIO.getRecordReader(pages, materializer, filter);
        long n = pages.getRowCount();
        for (long r = 0; r < n; r++) {
          Span s = records.read();
          if (s != null && !records.shouldSkipCurrentRecord()) {
            out.add(s);
          }
        }
      }
    }
    return out;
  }

  /**
   * Re-reads {@code data.parquet} and checks its size and CRC32C against {@code meta.json}.
   *
   * @throws CorruptDataException naming the block if they differ
   */
  public void verify() {
    try {
      byte[] data = store.get(dataKey);
      if (data.length != meta.dataSize()) {
        throw new CorruptDataException(dataKey + " is " + data.length + " bytes; meta.json says " + meta.dataSize());
      }
      CRC32C crc = new CRC32C();
      crc.update(data);
      String actual = String.format("%08x", (int) crc.getValue());
      if (!actual.equals(meta.dataCrc32c())) {
        throw new CorruptDataException(dataKey + " has CRC32C " + actual + "; meta.json says " + meta.dataCrc32c());
      }
    } catch (IOException e) {
      throw new StorageException("could not read " + dataKey + ": " + e.getMessage(), e);
    }
  }
}
