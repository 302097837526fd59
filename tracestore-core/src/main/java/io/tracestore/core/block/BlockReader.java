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
 * Reads one committed block. Keeps the block's footer, trace-id bloom filters and trace directory
 * (24 bytes per trace) after first use,
 * so a warm lookup of an absent trace costs no I/O. Thread-safe.
 */
public final class BlockReader {
  private final ObjectStore store;
  private final BlockMeta meta;
  private final String dataKey;
  private final DamageHandler damage;
  private volatile boolean quarantined;
  private volatile Loaded loaded;
  private volatile TraceDirectory directory;

  /** Footer and per-row-group bloom filters (null where a row group has none). */
  private record Loaded(ParquetMetadata footer, BloomFilter[] blooms) {}

  /**
   * Decides what a failed read of a block means. Called from the reading thread; must be
   * thread-safe.
   */
  @FunctionalInterface
  public interface DamageHandler {
    /**
     * Checks the block after {@code failure}; returns true if it is damaged and was taken out of
     * service (reads of it then return nothing), false to let the failure propagate.
     */
    boolean isDamaged(BlockReader block, Exception failure);
  }

  /** A reader whose read failures propagate. */
  public BlockReader(ObjectStore store, BlockMeta meta) {
    this(store, meta, null);
  }

  /** A reader that asks {@code damage} (if not null) about read failures. */
  public BlockReader(ObjectStore store, BlockMeta meta, DamageHandler damage) {
    this.store = store;
    this.meta = meta;
    this.dataKey = BlockWriter.dataKey(meta.tenant(), meta.blockId());
    this.damage = damage;
  }

  /** True once the block was found damaged: reads return nothing. */
  public boolean isQuarantined() {
    return quarantined;
  }

  /**
   * Runs a read of this block: if it fails and the damage handler finds the block damaged, the
   * block is quarantined and {@code whenDamaged} is returned; other failures propagate. New read
   * methods should go through this.
   */
  public <T> T guarded(java.util.function.Supplier<T> read, T whenDamaged) {
    if (quarantined) {
      return whenDamaged;
    }
    try {
      return read.get();
    } catch (RuntimeException e) {
      if (damage != null && damage.isDamaged(this, e)) {
        quarantined = true;
        return whenDamaged;
      }
      throw e;
    }
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

  /** Every span of {@code traceId} in this block (empty if none, or if the block is damaged), in block order. */
  public List<Span> findTrace(TraceId traceId) {
    if (!meta.mayContain(traceId)) {
      return List.of();
    }
    return guarded(() -> findTraceUnguarded(traceId), List.of());
  }

  private List<Span> findTraceUnguarded(TraceId traceId) {
    try {
      Loaded l = load();
      Binary key = Binary.fromConstantByteArray(traceId.toBytes());
      boolean maybe = false;
      for (int i = 0; i < meta.rowGroups().size() && !maybe; i++) {
        maybe = meta.rowGroups().get(i).mayContain(traceId) && (l.blooms[i] == null || l.blooms[i].findHash(l.blooms[i].hash(key)));
      }
      if (!maybe) {
        return List.of();
      }
      long[] run = directory(l).rows(traceId);
      return run == null ? List.of() : readRows(l.footer, traceId, run[0], run[1]);
    } catch (IOException e) {
      throw new StorageException("could not read block " + meta.blockId() + ": " + e.getMessage(), e);
    }
  }

  private TraceDirectory directory(Loaded l) throws IOException {
    TraceDirectory d = directory;
    if (d == null) {
      synchronized (this) {
        if (directory == null) {
          InputFile file = inputFile();
          try (ParquetFileReader reader = new ParquetFileReader(file, l.footer, TraceStoreReadOptions.create(null, CodecFactory.INSTANCE), file.newStream())) {
            directory = TraceDirectory.build(reader, l.footer.getFileMetaData().getSchema(), (int) Math.min(Integer.MAX_VALUE, meta.traceCount()));
          }
        }
        d = directory;
      }
    }
    return d;
  }

  /**
   * Whole records of block rows {@code [first, last]} (which may straddle row groups): the page
   * index limits reading to the pages holding them, and the page store skips every other row.
   */
  private List<Span> readRows(ParquetMetadata footer, TraceId wanted, long first, long last) throws IOException {
    InputFile file = inputFile();
    List<Span> out = new ArrayList<>();
    MessageType schema = footer.getFileMetaData().getSchema();
    ParquetReadOptions plain = TraceStoreReadOptions.create(null, CodecFactory.INSTANCE);
    try (ParquetFileReader reader = new ParquetFileReader(file, footer, plain, file.newStream())) {
      long groupStart = 0;
      List<BlockMetaData> groups = footer.getBlocks();
      for (int rg = 0; rg < groups.size() && groupStart <= last; rg++) {
        long rows = groups.get(rg).getRowCount();
        long from = Math.max(first, groupStart);
        long to = Math.min(last, groupStart + rows - 1);
        if (from <= to) {
          org.apache.parquet.filter2.columnindex.RowRanges run =
              org.apache.parquet.filter2.columnindex.RowRanges.builder().addSelectedRange(from - groupStart, to - groupStart).build();
          try (PageReadStore pages = reader.readFilteredRowGroup(rg, run)) {
            RecordReader<Span> records = new ColumnIOFactory().getColumnIO(schema).getRecordReader(pages, new SpanMaterializer(schema));
            for (long r = 0, n = pages.getRowCount(); r < n; r++) {
              Span s = records.read();
              if (s != null && s.traceId().equals(wanted)) {
                out.add(s);
              }
            }
          }
        }
        groupStart += rows;
      }
    }
    return out;
  }

  /** Every span in the block, in block order (none if the block is damaged). */
  public List<Span> readAll() {
    return guarded(this::readAllUnguarded, List.of());
  }

  private List<Span> readAllUnguarded() {
    try {
      ParquetMetadata footer = load().footer;
      InputFile file = inputFile();
      List<Span> out = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, meta.spanCount()));
      try (ParquetFileReader reader = new ParquetFileReader(file, footer, TraceStoreReadOptions.create(null, CodecFactory.INSTANCE), file.newStream())) {
        MessageType schema = footer.getFileMetaData().getSchema();
        MessageColumnIO columnIO = new ColumnIOFactory().getColumnIO(schema);
        SpanMaterializer materializer = new SpanMaterializer(schema);
        PageReadStore pages;
        while ((pages = reader.readNextRowGroup()) != null) {
          try (PageReadStore p = pages) {
            RecordReader<Span> records = columnIO.getRecordReader(p, materializer);
            for (long r = 0, n = p.getRowCount(); r < n; r++) {
              out.add(records.read());
            }
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw new StorageException("could not read block " + meta.blockId() + ": " + e.getMessage(), e);
    }
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
