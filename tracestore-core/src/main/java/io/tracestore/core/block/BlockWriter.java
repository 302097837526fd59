package io.tracestore.core.block;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.StorageException;
import io.tracestore.api.TraceId;
import io.tracestore.spi.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes spans as one block: {@code data.parquet}, then {@code meta.json} as the commit marker.
 * Thread-safe (stateless apart from its options). Given an executor, a block of several row groups
 * has them encoded side by side (the calling thread takes part); the bytes are the same either way.
 */
public final class BlockWriter {
  private static final Logger LOG = LoggerFactory.getLogger(BlockWriter.class);

  /**
   * Tuning of the Parquet layout.
   *
   * @param rowGroupRows most rows per row group (the unit of pruning and parallelism)
   * @param pageRows most rows per page (the unit the page index prunes)
   * @param maxDedicatedColumns most dedicated columns per scope (span, resource)
   * @param minDedicatedFraction a key gets a dedicated column only if at least this fraction of the
   *     block's spans carry it as a string
   * @param zstdLevel ZSTD compression level
   */
  public record Options(int rowGroupRows, int pageRows, int maxDedicatedColumns, double minDedicatedFraction, int zstdLevel) {
    public static final Options DEFAULT = new Options(100_000, 2_500, 20, 0.05, 3);
  }

  /** Buffered bytes at which a row group is cut before it reaches {@link Options#rowGroupRows()}. */
  private static final long ROW_GROUP_BYTES = 512L * 1024 * 1024;
  private static final int SIZE_CHECK_ROWS = Checkpoint.INTERVAL_ROWS;

  private final Options options;
  /** Bytes per span of the last block encoded (0 before the first): the next one's buffer size. */
  private volatile double bytesPerSpan;
  /** Threads that help encode the row groups of one block; null: the calling thread alone. */
  private final java.util.concurrent.Executor helpers;
  private final int helperCount;
  /** Buffered bytes at which a row group is cut early: {@link #ROW_GROUP_BYTES} but in tests. */
  private final long rowGroupBytes;
  /** Reached every {@link #SIZE_CHECK_ROWS} rows encoded. */
  private final Checkpoint checkpoint;

  public BlockWriter(Options options) {
    this(options, null, 0);
  }

  /**
   * A writer whose blocks of several row groups are encoded by the calling thread and up to {@code
   * helperCount} tasks run on {@code helpers} (a rejected task leaves its share to the others).
   */
  public BlockWriter(Options options, java.util.concurrent.Executor helpers, int helperCount) {
    this(options, helpers, helperCount, Checkpoint.NONE);
  }

  /**
   * As {@link #BlockWriter(Options, java.util.concurrent.Executor, int)}, with every thread that
   * encodes rows reaching {@code checkpoint} every {@value #SIZE_CHECK_ROWS} rows.
   */
  public BlockWriter(Options options, java.util.concurrent.Executor helpers, int helperCount, Checkpoint checkpoint) {
    this(options, helpers, helperCount, checkpoint, ROW_GROUP_BYTES);
  }

  /** As {@link #BlockWriter(Options, java.util.concurrent.Executor, int)}, cutting row groups at {@code rowGroupBytes}; for tests. */
  BlockWriter(Options options, java.util.concurrent.Executor helpers, int helperCount, long rowGroupBytes) {
    this(options, helpers, helperCount, Checkpoint.NONE, rowGroupBytes);
  }

  private BlockWriter(Options options, java.util.concurrent.Executor helpers, int helperCount, Checkpoint checkpoint,
      long rowGroupBytes) {
    if (helperCount < 0 || (helperCount > 0 && helpers == null)) {
      throw new IllegalArgumentException("helperCount " + helperCount + " with executor " + helpers);
    }
    this.options = options;
    this.helpers = helperCount == 0 ? null : helpers;
    this.helperCount = helperCount;
    this.checkpoint = java.util.Objects.requireNonNull(checkpoint, "checkpoint");
    this.rowGroupBytes = rowGroupBytes;
  }

  /** Key of a block's data file. */
  public static String dataKey(String tenant, String blockId) {
    return tenant + "/blocks/" + blockId + "/data.parquet";
  }

  /** Key of a block's meta file, its commit marker. */
  public static String metaKey(String tenant, String blockId) {
    return tenant + "/blocks/" + blockId + "/meta.json";
  }

  /** Encodes {@code spans} (any order; a repeated trace id + span id is kept once) as a block. */
  public EncodedBlock encode(String tenant, List<Span> spans) {
    if (spans.isEmpty()) {
      throw new IllegalArgumentException("a block needs at least one span");
    }
    List<SpanRow> rows = TraceLayout.layout(spans);
    List<DedicatedColumn> dedicatedResource = chooseDedicated(rows, true);
    List<DedicatedColumn> dedicatedSpan = chooseDedicated(rows, false);
    String blockId = UUID.randomUUID().toString();
    MessageType schema = BlockSchema.schema(dedicatedResource, dedicatedSpan);
    // sorted: the same spans give the same bytes apart from the block id
    Map<String, String> fileMetadata = new java.util.TreeMap<>(Map.of(
        "tracestore.block.format", Integer.toString(BlockMeta.FORMAT_VERSION), "tracestore.block.id", blockId));
    // sized for the block as the last one came out: no copy as it grows, and none at the end if it fits
    double perSpan = bytesPerSpan;
    ByteArrayOutputFile file = new ByteArrayOutputFile(perSpan == 0 ? 1 << 20
        : (int) Math.min(Integer.MAX_VALUE - 16, Math.max(1 << 16, rows.size() * perSpan * 1.05)));
    long traces = countTraces(rows);
    long minStart = Long.MAX_VALUE;
    long maxEnd = Long.MIN_VALUE;
    for (SpanRow row : rows) {
      Span s = row.span();
      minStart = Math.min(minStart, s.startUnixNano());
      maxEnd = Math.max(maxEnd, s.endUnixNano());
    }
    List<BlockMetaData> footerBlocks;
    try {
      footerBlocks = writeParquet(file, schema, fileMetadata, rows, dedicatedResource, dedicatedSpan, traces);
    } catch (IOException e) {
      throw new StorageException("could not encode block " + blockId + ": " + e.getMessage(), e);
    }
    List<BlockMeta.RowGroup> groups = new ArrayList<>(footerBlocks.size());
    int first = 0;
    for (BlockMetaData b : footerBlocks) {
      int n = (int) b.getRowCount();
      groups.add(new BlockMeta.RowGroup(n, rows.get(first).span().traceId(), rows.get(first + n - 1).span().traceId()));
      first += n;
    }
    byte[] data = file.buffer().bytes();
    bytesPerSpan = (double) data.length / rows.size();
    CRC32C crc = new CRC32C();
    crc.update(data);
    BlockMeta meta = new BlockMeta(BlockMeta.FORMAT_VERSION, blockId, tenant, System.currentTimeMillis(),
        minStart, maxEnd, rows.get(0).span().traceId(), rows.get(rows.size() - 1).span().traceId(),
        rows.size(), traces, dedicatedResource, dedicatedSpan, data.length,
        String.format("%08x", (int) crc.getValue()), groups);
    meta = meta.withColumnValues(columnValues(data, footerBlocks, schema, meta)).withColumnRanges(columnRanges(footerBlocks));
    return new EncodedBlock(meta, data);
  }

  /**
   * For {@link BlockMeta#columnRanges()}: the smallest and largest value of the INT32 and INT64
   * columns a span predicate can test (duration, status code, kind, dedicated attribute columns),
   * from the statistics of their chunks (a column is left out if a chunk with values has no
   * statistics, or if it has no value at all).
   */
  private static Map<String, BlockMeta.Range> columnRanges(List<BlockMetaData> groups) {
    Map<String, BlockMeta.Range> out = new java.util.TreeMap<>();
    java.util.Set<String> unknown = new java.util.HashSet<>();
    for (BlockMetaData g : groups) {
      for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData chunk : g.getColumns()) {
        PrimitiveTypeName type = chunk.getPrimitiveType().getPrimitiveTypeName();
        if (chunk.getPath().size() != 1 || (type != PrimitiveTypeName.INT32 && type != PrimitiveTypeName.INT64)) {
          continue;
        }
        String path = chunk.getPath().toDotString();
        if (!path.equals(BlockSchema.DURATION) && !path.equals(BlockSchema.STATUS_CODE) && !path.equals(BlockSchema.KIND)
            && !path.startsWith(BlockSchema.SPAN_PREFIX) && !path.startsWith(BlockSchema.RESOURCE_PREFIX)) {
          continue;
        }
        org.apache.parquet.column.statistics.Statistics<?> st = chunk.getStatistics();
        if (st == null || st.isEmpty() || !st.isNumNullsSet()) {
          unknown.add(path);
          continue;
        }
        if (!st.hasNonNullValue()) {
          continue; // only nulls: nothing to add
        }
        long min = ((Number) st.genericGetMin()).longValue();
        long max = ((Number) st.genericGetMax()).longValue();
        out.merge(path, new BlockMeta.Range(min, max),
            (a, b) -> new BlockMeta.Range(Math.min(a.min(), b.min()), Math.max(a.max(), b.max())));
      }
    }
    unknown.forEach(out::remove);
    return out;
  }

  /**
   * For {@link BlockMeta#columnValues()}: every value of the block's low-cardinality string columns
   * (service name, span name, dedicated string columns, the key columns of every attribute list:
   * span, resource, scope, event and link attributes), read from the
   * dictionaries just written; a small chunk (at most {@value #SMALL_CHUNK_VALUES} values) the
   * writer stored without a dictionary is decoded whole. A column is listed only if every chunk's
   * values are known so and they stay within {@link BlockMeta#MAX_COLUMN_VALUES} and {@link
   * BlockMeta#MAX_COLUMN_VALUE_CHARS}.
   */
  private static Map<String, List<String>> columnValues(byte[] data, List<BlockMetaData> groups, MessageType schema,
      BlockMeta meta) {
    Map<String, List<String>> out = new java.util.TreeMap<>();
    BlockReader[] reader = new BlockReader[1]; // over the bytes just written, made when a small plain chunk needs it
    List<org.apache.parquet.column.ColumnDescriptor> columns = schema.getColumns();
    for (int c = 0; c < columns.size(); c++) {
      org.apache.parquet.column.ColumnDescriptor column = columns.get(c);
      String path = String.join(".", column.getPath());
      boolean listed = path.equals(BlockSchema.SERVICE_NAME) || path.equals(BlockSchema.NAME)
          || ((path.startsWith(BlockSchema.SPAN_PREFIX) || path.startsWith(BlockSchema.RESOURCE_PREFIX)) && column.getPath().length == 1)
          || (path.endsWith(".list.element." + BlockSchema.KEY) && column.getMaxRepetitionLevel() > 0);
      if (!listed || column.getPrimitiveType().getPrimitiveTypeName() != org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY) {
        continue;
      }
      java.util.TreeSet<String> values = new java.util.TreeSet<>();
      long chars = 0;
      boolean complete = true;
      for (int rg = 0; rg < groups.size(); rg++) {
        org.apache.parquet.hadoop.metadata.ColumnChunkMetaData chunk = groups.get(rg).getColumns().get(c);
        org.apache.parquet.column.EncodingStats encodings = chunk.getEncodingStats();
        if (chunk.getValueCount() == 0 || (encodings != null && !encodings.hasDictionaryEncodedPages() && !encodings.hasNonDictionaryEncodedPages())) {
          continue; // no values
        }
        String[] dict;
        try {
          dict = encodings == null || encodings.hasNonDictionaryEncodedPages() ? null : RowGroupSlice.dictionaryStrings(data, chunk, column);
        } catch (IOException e) {
          throw new StorageException("could not read back block dictionaries: " + e.getMessage(), e);
        }
        if (dict == null && chunkHasValues(chunk) && chunk.getValueCount() <= SMALL_CHUNK_VALUES) {
          // e.g. the few rows of a last row group, which the writer found not worth a dictionary
          if (reader[0] == null) {
            io.tracestore.core.storage.InMemoryObjectStore bytes = new io.tracestore.core.storage.InMemoryObjectStore();
            bytes.put(dataKey(meta.tenant(), meta.blockId()), data);
            reader[0] = new BlockReader(bytes, meta);
          }
          ColumnVector v = reader[0].readColumns(rg, List.of(path)).get(path);
          dict = v == null ? null : v.dictionary();
        }
        if (dict == null) {
          if (chunkHasValues(chunk)) {
            complete = false; // values not known
            break;
          }
          continue; // only nulls
        }
        for (String v : dict) {
          if (values.add(v)) {
            chars += v.length();
          }
        }
        if (values.size() > BlockMeta.MAX_COLUMN_VALUES || chars > BlockMeta.MAX_COLUMN_VALUE_CHARS) {
          complete = false;
          break;
        }
      }
      if (complete) {
        out.put(path, List.copyOf(values));
      }
    }
    return out;
  }

  /** Chunks of at most this many values stored without a dictionary are decoded for {@link BlockMeta#columnValues()}. */
  private static final int SMALL_CHUNK_VALUES = 4_096;

  /** False if the chunk's statistics say it holds only nulls. */
  private static boolean chunkHasValues(org.apache.parquet.hadoop.metadata.ColumnChunkMetaData chunk) {
    org.apache.parquet.column.statistics.Statistics<?> st = chunk.getStatistics();
    return st == null || st.isEmpty() || st.hasNonNullValue();
  }

  /** A block encoded in memory, not yet stored. */
  public record EncodedBlock(BlockMeta meta, byte[] data) {}

  /**
   * Stores an encoded block: the data first, then {@code meta.json} with put-if-absent. When this
   * returns the block is committed and visible to any reader that lists the tenant's blocks.
   */
  public static void commit(ObjectStore store, EncodedBlock block) {
    BlockMeta meta = block.meta();
    String tenant = meta.tenant();
    try {
      store.put(dataKey(tenant, meta.blockId()), block.data());
      if (!store.putIfAbsent(metaKey(tenant, meta.blockId()), meta.toJson())) {
        throw new StorageException("block " + meta.blockId() + " already has a meta.json (or garbage collection abandoned it);"
            + " refusing to overwrite it");
      }
      if (!store.exists(dataKey(tenant, meta.blockId()))) {
        // garbage collection took this upload for an abandoned one (it stalled longer than the grace period)
        store.delete(metaKey(tenant, meta.blockId()));
        throw new StorageException("the data of block " + meta.blockId() + " was deleted as abandoned before its commit");
      }
    } catch (IOException e) {
      throw new StorageException("could not store block " + meta.blockId() + " of tenant " + tenant + ": " + e.getMessage(), e);
    }
    LOG.debug("committed block {}: {} spans, {} traces, {} bytes", meta.blockId(), meta.spanCount(), meta.traceCount(), meta.dataSize());
  }

  /** Encodes and commits; returns the block's meta. */
  public BlockMeta write(ObjectStore store, String tenant, List<Span> spans) {
    EncodedBlock block = encode(tenant, spans);
    commit(store, block);
    return block.meta();
  }

  /** Parquet properties of a block: the same settings for every block of one writer. */
  private ParquetProperties properties(long traces) {
    return ParquetProperties.builder()
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
        .withDictionaryEncoding(true)
        // ids are near-unique: a dictionary only costs, and parquet-java drops the bloom filter of a
        // fully dictionary-encoded chunk
        .withDictionaryEncoding(BlockSchema.TRACE_ID, false)
        .withDictionaryEncoding(BlockSchema.SPAN_ID, false)
        .withDictionaryEncoding(BlockSchema.PARENT_SPAN_ID, false)
        .withRowGroupRowCountLimit(options.rowGroupRows())
        .withPageRowCountLimit(options.pageRows())
        .withPageSize(1024 * 1024)
        .withBloomFilterEnabled(BlockSchema.TRACE_ID, true)
        .withBloomFilterNDV(BlockSchema.TRACE_ID, Math.max(16, traces))
        .withBloomFilterFPP(BlockSchema.TRACE_ID, 0.01)
        .withStatisticsEnabled(true)
        .build();
  }

  /**
   * Writes {@code rows} as a Parquet file: row groups of at most {@link Options#rowGroupRows()} rows
   * (or {@value #ROW_GROUP_BYTES} buffered bytes), each row shredded straight into the column
   * writers. Returns the footer's row groups. With helpers, the row groups are encoded side by side
   * into memory and written in order; if one of them reaches the byte limit (so the groups would
   * split elsewhere) the block is encoded again one group after another.
   */
  private List<BlockMetaData> writeParquet(ByteArrayOutputFile file, MessageType schema, Map<String, String> fileMetadata,
      List<SpanRow> rows, List<DedicatedColumn> dedicatedResource, List<DedicatedColumn> dedicatedSpan, long traces)
      throws IOException {
    ParquetProperties props = properties(traces);
    ParquetFileWriter fileWriter = new ParquetFileWriter(file, schema, ParquetFileWriter.Mode.CREATE, rowGroupBytes,
        ParquetWriter.MAX_PADDING_SIZE_DEFAULT, null, props);
    try {
      fileWriter.start();
      int groups = (rows.size() + options.rowGroupRows() - 1) / options.rowGroupRows();
      EncodedGroup[] encoded = helpers == null || groups < 2 ? null
          : encodeSideBySide(schema, props, rows, dedicatedResource, dedicatedSpan, groups);
      if (encoded != null) {
        try {
          for (int g = 0; g < groups; g++) {
            encoded[g].writeTo(fileWriter);
            encoded[g] = null; // written: its pages can go
          }
        } finally {
          for (EncodedGroup e : encoded) {
            if (e != null) {
              e.close();
            }
          }
        }
      } else {
        SpanShredder shredder = new SpanShredder(schema, dedicatedResource, dedicatedSpan);
        for (int next = 0; next < rows.size(); ) {
          try (EncodedGroup e = encodeGroup(schema, props, shredder, rows, next, Math.min(rows.size(), next + options.rowGroupRows()))) {
            next += e.rows;
            e.writeTo(fileWriter);
          }
        }
      }
      fileWriter.end(fileMetadata);
    } catch (IOException | RuntimeException e) {
      fileWriter.abort();
      throw e;
    } finally {
      fileWriter.close();
    }
    return fileWriter.getFooter().getBlocks();
  }

  /**
   * Every row group of {@code rows} encoded by the calling thread and the helpers, each taking the
   * next group not yet taken; null if a group reached the byte limit before its last row (nothing
   * is left open then).
   */
  private EncodedGroup[] encodeSideBySide(MessageType schema, ParquetProperties props, List<SpanRow> rows,
      List<DedicatedColumn> dedicatedResource, List<DedicatedColumn> dedicatedSpan, int groups) {
    EncodedGroup[] out = new EncodedGroup[groups];
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean cutEarly = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable work = () -> {
      SpanShredder shredder = new SpanShredder(schema, dedicatedResource, dedicatedSpan);
      for (int g; failure.get() == null && !cutEarly.get() && (g = next.getAndIncrement()) < groups; ) {
        int from = g * options.rowGroupRows();
        int limit = Math.min(rows.size(), from + options.rowGroupRows());
        try {
          out[g] = encodeGroup(schema, props, shredder, rows, from, limit);
          if (out[g].rows < limit - from) {
            cutEarly.set(true); // the byte limit: the groups split elsewhere, stop
          }
        } catch (RuntimeException | Error e) {
          failure.compareAndSet(null, e);
        }
      }
    };
    // a helper task the caller finds not yet started when its own share is done is dropped (state
    // 0 -> 2), so the caller never waits for a pool that is busy (even with encodes of its own)
    int helping = Math.min(helperCount, groups - 1);
    java.util.concurrent.atomic.AtomicIntegerArray state = new java.util.concurrent.atomic.AtomicIntegerArray(helping);
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(helping);
    for (int h = 0; h < helping; h++) {
      int task = h;
      try {
        helpers.execute(() -> {
          if (state.compareAndSet(task, 0, 1)) {
            try {
              work.run();
            } finally {
              done.countDown();
            }
          }
        });
      } catch (RuntimeException | Error e) { // rejected (shut down), or no thread to be had
        if (state.compareAndSet(task, 0, 2)) {
          done.countDown();
        }
        if (!(e instanceof java.util.concurrent.RejectedExecutionException)) {
          failure.compareAndSet(null, e);
        }
      }
    }
    work.run();
    for (int h = 0; h < helping; h++) {
      if (state.compareAndSet(h, 0, 2)) {
        done.countDown();
      }
    }
    boolean interrupted = false;
    while (true) { // the started helpers finish their group (CPU only): wait so nothing is left open
      try {
        done.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure.get() != null || cutEarly.get()) {
      for (EncodedGroup e : out) {
        if (e != null) {
          e.close();
        }
      }
      Throwable t = failure.get();
      if (t instanceof RuntimeException r) {
        throw r;
      } else if (t instanceof Error err) {
        throw err;
      }
      return null; // a group reached the byte limit: encode one after another
    }
    return out;
  }

  /**
   * Rows {@code [from, limit)} of {@code rows} encoded as one row group in memory, or fewer if the
   * buffered bytes reach the row-group byte limit first ({@link EncodedGroup#rows} says how many).
   */
  private EncodedGroup encodeGroup(MessageType schema, ParquetProperties props, SpanShredder shredder, List<SpanRow> rows,
      int from, int limit) {
    CompressionCodecFactory.BytesInputCompressor compressor = new CodecFactory(options.zstdLevel()).getCompressor(CompressionCodecName.ZSTD);
    ColumnChunkPageWriteStore pages = ColumnChunkPageWriteStore.builder()
        .withCompressorProvider(c -> compressor)
        .withSchema(schema)
        .withAllocator(props.getAllocator())
        .withColumnIndexTruncateLength(props.getColumnIndexTruncateLength())
        .withPageWriteChecksumEnabled(props.getPageWriteChecksumEnabled())
        .build();
    ColumnWriteStore columns = new FastColumnWriteStore(schema, pages, pages, props);
    EncodedGroup group = new EncodedGroup(compressor, pages, columns);
    try {
      shredder.startRowGroup(columns);
      int next = from;
      while (next < limit) {
        shredder.write(rows.get(next++));
        columns.endRecord();
        if ((next - from) % SIZE_CHECK_ROWS == 0) {
          if (columns.getBufferedSize() > rowGroupBytes) {
            break;
          }
          checkpoint.reached();
        }
      }
      group.rows = next - from;
      columns.flush();
      group.release(); // pages are compressed as they are written: only the page store is needed now
      return group;
    } catch (RuntimeException | Error e) {
      group.close();
      throw e;
    }
  }

  /** The encoded pages of one row group, held in memory until written; close releases them. */
  private static final class EncodedGroup implements AutoCloseable {
    private final CompressionCodecFactory.BytesInputCompressor compressor;
    private final ColumnChunkPageWriteStore pages;
    /** The column writers until {@link #release}: dictionaries and buffers, not needed once flushed. */
    private ColumnWriteStore columns;
    private int rows;

    EncodedGroup(CompressionCodecFactory.BytesInputCompressor compressor, ColumnChunkPageWriteStore pages, ColumnWriteStore columns) {
      this.compressor = compressor;
      this.pages = pages;
      this.columns = columns;
    }

    /** Drops the column writers and the compressor's native context once every page is flushed (and compressed). Idempotent. */
    void release() {
      try {
        if (columns != null) {
          columns.close();
          columns = null;
        }
      } finally {
        compressor.release();
      }
    }

    void writeTo(ParquetFileWriter fileWriter) throws IOException {
      fileWriter.startBlock(rows);
      pages.flushToFileWriter(fileWriter);
      fileWriter.endBlock();
    }

    @Override
    public void close() {
      try {
        release();
      } finally {
        pages.close();
      }
    }
  }

  private static long countTraces(List<SpanRow> rows) {
    long n = 0;
    TraceId prev = null;
    for (SpanRow r : rows) {
      if (!r.span().traceId().equals(prev)) {
        n++;
        prev = r.span().traceId();
      }
    }
    return n;
  }

  /**
   * The most frequent (key, scalar type) pairs, most frequent first (ties by key), at most one type
   * per key. Spans sharing a resource instance count it without rescanning it. A block of more than
   * {@link #DEDICATED_SAMPLE} spans is counted on one span of every {@code k} (at a pseudo-random
   * place in each stride of {@code k}), {@code k} the smallest stride that keeps the count at most
   * that: the choice follows the frequencies, not exact counts.
   */
  private List<DedicatedColumn> chooseDedicated(List<SpanRow> rows, boolean resource) {
    // per key, the uses of each scalar type (string, long, double, boolean), counted over every
    // step-th span (each standing for step spans) once a block has more than DEDICATED_SAMPLE
    int step = Math.max(1, (rows.size() + DEDICATED_SAMPLE - 1) / DEDICATED_SAMPLE);
    Map<String, long[]> counts = new HashMap<>();
    if (resource) {
      Map<Resource, long[]> resourceUses = new java.util.IdentityHashMap<>();
      Resource last = null;
      long[] lastUses = null;
      for (int i : sample(rows.size(), step)) {
        Resource r = rows.get(i).span().resource();
        if (r != last) {
          last = r;
          lastUses = resourceUses.computeIfAbsent(r, x -> new long[1]);
        }
        lastUses[0] += step;
      }
      resourceUses.forEach((r, n) -> count(r.attributes(), n[0], counts));
      counts.remove(Resource.SERVICE_NAME); // has its own column
    } else {
      for (int i : sample(rows.size(), step)) {
        count(rows.get(i).span().attributes(), step, counts);
      }
    }
    long min = Math.max(1, (long) Math.ceil(rows.size() * options.minDedicatedFraction()));
    List<Map.Entry<DedicatedColumn, Long>> candidates = new ArrayList<>();
    counts.forEach((key, byType) -> {
      for (int t = 0; t < SCALAR_TYPES.length; t++) {
        if (byType[t] >= min) {
          candidates.add(Map.entry(new DedicatedColumn(key, SCALAR_TYPES[t]), byType[t]));
        }
      }
    });
    candidates.sort(Comparator.<Map.Entry<DedicatedColumn, Long>>comparingLong(e -> -e.getValue())
        .thenComparing(e -> e.getKey().key()).thenComparing(e -> e.getKey().type()));
    java.util.Set<String> taken = new java.util.HashSet<>();
    List<DedicatedColumn> chosen = new ArrayList<>();
    for (Map.Entry<DedicatedColumn, Long> e : candidates) {
      if (chosen.size() < options.maxDedicatedColumns() && taken.add(e.getKey().key())) {
        chosen.add(e.getKey());
      }
    }
    return chosen;
  }

  /**
   * One row of every stride of {@code step} rows of {@code size}, at a pseudo-random place in it
   * (the same for the same stride), so traces of one regular shape are not counted at one position
   * only; every row if {@code step} is 1.
   */
  private static int[] sample(int size, int step) {
    int[] out = new int[(size + step - 1) / step];
    for (int k = 0; k < out.length; k++) {
      int start = k * step;
      long h = (start + 1) * 0x9E3779B97F4A7C15L;
      h ^= h >>> 29;
      out[k] = step == 1 ? start : start + (int) Long.remainderUnsigned(h, Math.min(step, size - start));
    }
    return out;
  }

  /** Spans counted at most (about) when choosing dedicated columns: a larger block counts a sample. */
  static final int DEDICATED_SAMPLE = 32_768;

  private static final AttributeValue.Type[] SCALAR_TYPES = {
      AttributeValue.Type.STRING, AttributeValue.Type.LONG, AttributeValue.Type.DOUBLE, AttributeValue.Type.BOOLEAN};

  private static void count(Attributes attrs, long times, Map<String, long[]> counts) {
    for (int i = 0, n = attrs.size(); i < n; i++) {
      int t = switch (attrs.value(i).type()) {
        case STRING -> 0;
        case LONG -> 1;
        case DOUBLE -> 2;
        case BOOLEAN -> 3;
        default -> -1;
      };
      if (t >= 0) {
        long[] byType = counts.get(attrs.key(i));
        if (byType == null) {
          byType = new long[SCALAR_TYPES.length];
          counts.put(attrs.key(i), byType);
        }
        byType[t] += times;
      }
    }
  }

}
