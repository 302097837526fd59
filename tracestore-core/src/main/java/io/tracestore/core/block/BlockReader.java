package io.tracestore.core.block;

import io.tracestore.api.CorruptDataException;
import io.tracestore.api.Span;
import io.tracestore.api.StorageException;
import io.tracestore.api.TraceId;
import io.tracestore.spi.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.TraceStoreReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.hadoop.BloomFilterReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Reads one committed block. Keeps the block's footer, trace-id bloom filters and trace directory
 * (24 bytes per trace) after first use,
 * so a warm lookup of an absent trace costs no I/O. Thread-safe.
 */
public final class BlockReader {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BlockReader.class);
  private final ObjectStore store;
  private final BlockMeta meta;
  private final String dataKey;
  private final DamageHandler damage;
  private final DictionaryCache dictionaries;
  private volatile boolean quarantined;
  private volatile Loaded loaded;
  private volatile TraceDirectory directory;
  private volatile RowGroupSlice.Chunks[] offsetIndexes;
  /** Page indexes of flat columns read so far, by row group (high 32 bits) and column position. */
  private final java.util.concurrent.ConcurrentHashMap<Long, PageIndex> pageIndexes = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Footer and per-row-group bloom filters (null where a row group has none); the schema's leaf
   * columns and, by dotted path, their positions (the same in every row group).
   */
  private record Loaded(ParquetMetadata footer, BloomFilter[] blooms, List<ColumnDescriptor> columns, Map<String, Integer> positions,
      boolean[] assembled, boolean[] assembledButTraceId) {
    Loaded(ParquetMetadata footer, BloomFilter[] blooms) {
      this(footer, blooms, footer.getFileMetaData().getSchema().getColumns());
    }

    private Loaded(ParquetMetadata footer, BloomFilter[] blooms, List<ColumnDescriptor> columns) {
      this(footer, blooms, columns, positions(columns), assembled(columns, false), assembled(columns, true));
    }

    /** Per leaf column, whether {@link SpanAssembler} reads it (trace ids aside if {@code butTraceId}). */
    private static boolean[] assembled(List<ColumnDescriptor> columns, boolean butTraceId) {
      boolean[] out = new boolean[columns.size()];
      for (int c = 0; c < out.length; c++) {
        String path = String.join(".", columns.get(c).getPath());
        out[c] = SpanAssembler.reads(path) && !(butTraceId && path.equals(BlockSchema.TRACE_ID));
      }
      return out;
    }

    private static Map<String, Integer> positions(List<ColumnDescriptor> columns) {
      Map<String, Integer> out = new HashMap<>();
      for (int c = 0; c < columns.size(); c++) {
        out.put(String.join(".", columns.get(c).getPath()), c);
      }
      return out;
    }

    /** Position of leaf column {@code path}, or -1; with {@code flat}, -1 unless it is a top-level column. */
    int position(String path, boolean flat) {
      Integer c = positions.get(path);
      return c == null || (flat && columns.get(c).getPath().length != 1) ? -1 : c;
    }
  }

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
    this(store, meta, damage, DictionaryCache.NONE);
  }

  /**
   * A reader that asks {@code damage} (if not null) about read failures and keeps the dictionary
   * pages it reads in {@code dictionaries} (shared by the store's readers).
   */
  public BlockReader(ObjectStore store, BlockMeta meta, DamageHandler damage, DictionaryCache dictionaries) {
    this.dictionaries = java.util.Objects.requireNonNull(dictionaries);
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
    return findTrace(TraceKey.of(traceId));
  }

  /**
   * A trace id with its bloom-filter hash, worked out once for a lookup over many blocks (every
   * block's filters hash the same way: XXH64 of the id's 16 bytes, as the Parquet spec fixes it).
   */
  public record TraceKey(TraceId id, long bloomHash) {
    private static final BloomFilter HASHER = new BlockSplitBloomFilter(32);

    public static TraceKey of(TraceId id) {
      return new TraceKey(id, HASHER.hash(Binary.fromConstantByteArray(id.toBytes())));
    }
  }

  /** As {@link #findTrace(TraceId)}, with the id's bloom hash already worked out. */
  public List<Span> findTrace(TraceKey key) {
    if (!meta.mayContain(key.id())) {
      return List.of();
    }
    return guarded(() -> findTraceUnguarded(key), List.of());
  }

  private List<Span> findTraceUnguarded(TraceKey key) {
    TraceId traceId = key.id();
    try {
      Loaded l = load();
      boolean maybe = false;
      for (int i = 0; i < meta.rowGroups().size() && !maybe; i++) {
        maybe = meta.rowGroups().get(i).mayContain(traceId) && (l.blooms[i] == null || l.blooms[i].findHash(key.bloomHash()));
      }
      if (!maybe) {
        return List.of();
      }
      int index = directory(l).indexOf(traceId);
      return index < 0 ? List.of() : readTracesUnguarded(new int[] {index}).get(0);
    } catch (IOException e) {
      throw new StorageException("could not read block " + meta.blockId() + ": " + e.getMessage(), e);
    }
  }

  /** The block's trace directory, read on first use and kept; empty if the block is damaged. */
  public TraceDirectory directory() {
    return guarded(() -> {
      try {
        return directory(load());
      } catch (IOException e) {
        throw new StorageException("could not read block " + meta.blockId() + ": " + e.getMessage(), e);
      }
    }, EMPTY_DIRECTORY);
  }

  private static final TraceDirectory EMPTY_DIRECTORY = new TraceDirectory.Builder(0).build();

  /**
   * Runs a read that has no natural empty answer: if it finds the block damaged, the block is
   * quarantined and the read fails with a {@link CorruptDataException} saying so (later reads see
   * an empty block: {@link #directory()} empty, {@link #rowGroupCount()} 0).
   */
  private <T> T failIfDamaged(java.util.function.Supplier<T> read) {
    T out = guarded(read, null);
    if (out == null && quarantined) {
      throw new CorruptDataException("block " + meta.blockId() + " is damaged and was quarantined; it is no longer served (retry)");
    }
    return out;
  }

  private TraceDirectory directory(Loaded l) throws IOException {
    TraceDirectory d = directory;
    if (d == null) {
      synchronized (this) {
        if (directory == null) {
          TraceDirectory.Builder b = new TraceDirectory.Builder((int) Math.min(Integer.MAX_VALUE - 16, meta.traceCount()));
          List<String> cols = List.of(BlockSchema.TRACE_ID, BlockSchema.TRACE_START, BlockSchema.TRACE_DURATION);
          for (int rg = 0; rg < l.footer.getBlocks().size(); rg++) {
            Map<String, ColumnVector> v = readColumns(l, rg, cols);
            b.add(v.get(BlockSchema.TRACE_ID), v.get(BlockSchema.TRACE_START), v.get(BlockSchema.TRACE_DURATION));
          }
          directory = b.build();
        }
        d = directory;
      }
    }
    return d;
  }

  /**
   * Position of leaf column {@code path} (dotted) among a row group's column chunks (the same in
   * every row group), or -1 if the block has no such column.
   */
  public int columnPosition(String path) {
    Integer c = readOrNull(() -> load().position(path, false));
    return c == null ? -1 : c;
  }

  /** Number of row groups. */
  public int rowGroupCount() {
    return quarantined ? 0 : meta.rowGroups().size();
  }

  /** The footer's description of row group {@code rowGroup}: row count, column chunks and their statistics. */
  public BlockMetaData rowGroup(int rowGroup) {
    return failIfDamaged(() -> {
      try {
        return load().footer.getBlocks().get(rowGroup);
      } catch (IOException e) {
        throw new StorageException("could not read block " + meta.blockId() + ": " + e.getMessage(), e);
      }
    });
  }

  /**
   * Decodes the named leaf columns (dotted paths as the footer names them, e.g. {@code duration_nano}
   * or {@code span_attrs.list.element.key}) of one row group, reading only their chunks. Columns the
   * block does not have are left out of the result.
   */
  public Map<String, ColumnVector> readColumns(int rowGroup, Collection<String> paths) {
    return failIfDamaged(() -> {
      try {
        return readColumns(load(), rowGroup, paths);
      } catch (IOException e) {
        throw new StorageException("could not read block " + meta.blockId() + ": " + e.getMessage(), e);
      }
    });
  }

  private Map<String, ColumnVector> readColumns(Loaded l, int rowGroup, Collection<String> paths) throws IOException {
    MessageType schema = l.footer.getFileMetaData().getSchema();
    List<ColumnDescriptor> wanted = new ArrayList<>(paths.size());
    for (ColumnDescriptor c : schema.getColumns()) {
      if (paths.contains(String.join(".", c.getPath()))) {
        wanted.add(c);
      }
    }
    Map<String, ColumnVector> out = new HashMap<>();
    if (wanted.isEmpty()) {
      return out;
    }
    InputFile file = inputFile();
    try (ParquetFileReader reader = new ParquetFileReader(file, l.footer, TraceStoreReadOptions.create(null, CodecFactory.INSTANCE), file.newStream())) {
      reader.setRequestedSchema(wanted);
      try (PageReadStore pages = reader.readRowGroup(rowGroup)) {
        for (ColumnDescriptor c : wanted) {
          out.put(String.join(".", c.getPath()), ColumnVectorReader.read(c, pages.getPageReader(c)));
        }
      }
    }
    return out;
  }

  /**
   * The pages of flat column {@code path} (dotted) in row group {@code rowGroup}, with their bounds
   * where the writer kept them; null if the block has no such flat column. Read on first use and kept.
   */
  public PageIndex pageIndex(int rowGroup, String path) {
    return readChunk(rowGroup, path, true, (l, group, c) -> {
      PageIndex pages = pageIndexes.get(((long) rowGroup << 32) | c);
      if (pages == null) {
        ColumnChunkMetaData chunk = group.getColumns().get(c);
        ColumnIndex bounds;
        InputFile file = inputFile();
        try (ParquetFileReader reader = new ParquetFileReader(file, l.footer, TraceStoreReadOptions.create(null, CodecFactory.INSTANCE), file.newStream())) {
          bounds = reader.readColumnIndex(chunk);
        }
        pages = new PageIndex(group.getRowCount(), offsetIndexes(l)[rowGroup].offsets()[c], bounds, chunk.getPrimitiveType().getPrimitiveTypeName());
        pageIndexes.put(((long) rowGroup << 32) | c, pages);
      }
      return pages;
    });
  }

  /** A read of this block that may find nothing (null). */
  @FunctionalInterface
  private interface NullableRead<T> {
    T read() throws IOException;
  }

  /** A read of chunk {@code c} of {@code group} that may find nothing (null). */
  @FunctionalInterface
  private interface ChunkRead<T> {
    T read(Loaded l, BlockMetaData group, int c) throws IOException;
  }

  /**
   * {@link #readOrNull} of the chunk of column {@code path} in row group {@code rowGroup}; null if
   * the block has no such column (with {@code flat}, no such top-level column).
   */
  private <T> T readChunk(int rowGroup, String path, boolean flat, ChunkRead<T> read) {
    return readOrNull(() -> {
      Loaded l = load();
      int c = l.position(path, flat);
      return c < 0 ? null : read.read(l, l.footer.getBlocks().get(rowGroup), c);
    });
  }

  /**
   * Runs {@code read} as {@link #failIfDamaged} does, its null passed through as "nothing" (not as
   * damage) and an {@link IOException} turned into a {@link StorageException}.
   */
  private <T> T readOrNull(NullableRead<T> read) {
    return failIfDamaged(() -> {
      try {
        return java.util.Optional.ofNullable(read.read());
      } catch (IOException e) {
        throw new StorageException("could not read block " + meta.blockId() + ": " + e.getMessage(), e);
      }
    }).orElse(null);
  }

  /**
   * Decodes rows {@code [from[i], to[i])} (ascending, row-group-local) of flat column {@code path}
   * from only the pages holding them: value {@code j} of the result is the {@code j}-th row asked
   * for. Null if the block has no such flat column.
   */
  public ColumnVector readColumnRows(int rowGroup, String path, long[] from, long[] to) {
    return readChunk(rowGroup, path, true, (l, group, c) -> {
      boolean[] wanted = new boolean[group.getColumns().size()];
      wanted[c] = true;
      List<ColumnDescriptor> columns = l.columns();
      RowGroupSlice slice = RowGroupSlice.read(store, dataKey, group, columns, offsetIndexes(l)[rowGroup], wanted, from, to,
          dictionaries, meta.blockId(), rowGroup);
      return slice.column(path);
    });
  }

  /**
   * Every value of string column {@code path} (dotted, any leaf) in row group {@code rowGroup}, read
   * from the chunk's dictionary page (kept in the store's dictionary cache): null unless every data
   * page of the chunk is dictionary-encoded, so that the dictionary lists every value it holds.
   * The array must not be modified.
   */
  public String[] dictionaryStrings(int rowGroup, String path) {
    return readChunk(rowGroup, path, false, (l, group, c) -> {
      org.apache.parquet.column.EncodingStats encodings = group.getColumns().get(c).getEncodingStats();
      if (encodings == null || encodings.hasNonDictionaryEncodedPages() || !encodings.hasDictionaryEncodedPages()) {
        return null;
      }
      DictionaryCache.Entry entry = RowGroupSlice.dictionary(store, dataKey, group, l.columns().get(c), c,
          offsetIndexes(l)[rowGroup].offsets()[c], dictionaries, meta.blockId(), rowGroup);
      return entry == null || entry.values() == null ? null : entry.values().strings();
    });
  }

  /**
   * The spans of the traces at {@code traces} (indices into {@link #directory()}, ascending), one
   * list per trace in the same order. The page index limits reading to the pages holding them.
   */
  public List<List<Span>> readTraces(int[] traces) {
    return failIfDamaged(() -> readTracesUnguarded(traces));
  }

  private List<List<Span>> readTracesUnguarded(int[] traces) {
    try {
      Loaded l = load();
      TraceDirectory dir = directory(l);
      List<List<Span>> out = new ArrayList<>(traces.length);
      for (int i = 0; i < traces.length; i++) {
        out.add(new ArrayList<>((int) Math.min(4096, dir.firstRow(traces[i] + 1) - dir.firstRow(traces[i]))));
      }
      if (traces.length == 0) {
        return out;
      }
      List<BlockMetaData> groups = l.footer.getBlocks();
      long groupStart = 0;
      int next = 0; // first wanted trace not yet wholly read
      long[] from = new long[traces.length];
      long[] to = new long[traces.length];
      int[] owner = new int[traces.length];
      for (int rg = 0; rg < groups.size() && next < traces.length; rg++) {
        long groupEnd = groupStart + groups.get(rg).getRowCount();
        int ranges = 0;
        for (int k = next; k < traces.length && dir.firstRow(traces[k]) < groupEnd; k++) {
          long f = Math.max(dir.firstRow(traces[k]), groupStart) - groupStart;
          long t = Math.min(dir.firstRow(traces[k] + 1), groupEnd) - groupStart;
          if (f < t && (ranges == 0 || f >= to[ranges - 1])) {
            from[ranges] = f;
            to[ranges] = t;
            owner[ranges] = k;
            ranges++;
          }
        }
        if (ranges > 0) {
          TraceId[] ids = new TraceId[ranges];
          for (int range = 0; range < ranges; range++) {
            ids[range] = dir.traceId(traces[owner[range]]);
          }
          readRows(l, rg, Arrays.copyOf(from, ranges), Arrays.copyOf(to, ranges), ids,
              (range, span) -> out.get(owner[range]).add(span));
        }
        while (next < traces.length && dir.firstRow(traces[next] + 1) <= groupEnd) {
          next++;
        }
        groupStart = groupEnd;
      }
      return out;
    } catch (IOException e) {
      throw new StorageException("could not read block " + meta.blockId() + ": " + e.getMessage(), e);
    }
  }

  /** Receives the spans of {@link #readRows}: the index of the range a span is in, and the span. */
  @FunctionalInterface
  private interface RowSink {
    void accept(int range, Span span);
  }

  /**
   * Reads rows {@code [from[i], to[i])} (ascending, row-group-local) of row group {@code rg} from
   * only the pages holding them, and hands their spans to {@code sink} in row order. Only the
   * columns spans are built from are read: not the trace-level and tree columns, and not the trace
   * ids when {@code traceIds} gives the trace of every range (as the directory knows it).
   */
  private void readRows(Loaded l, int rg, long[] from, long[] to, TraceId[] traceIds, RowSink sink) throws IOException {
    BlockMetaData group = l.footer.getBlocks().get(rg);
    List<ColumnDescriptor> columns = l.columns();
    RowGroupSlice slice = RowGroupSlice.read(store, dataKey, group, columns, offsetIndexes(l)[rg],
        traceIds == null ? l.assembled() : l.assembledButTraceId(), from, to, dictionaries, meta.blockId(), rg);
    SpanAssembler spans = new SpanAssembler(slice::column, columns);
    int row = 0;
    for (int range = 0; range < from.length; range++) {
      TraceId id = traceIds == null ? null : traceIds[range];
      for (long r = from[range]; r < to[range]; r++) {
        sink.accept(range, spans.span(row++, id));
      }
    }
  }

  /** The offset index of every column chunk, by row group; read on first use and kept. */
  private RowGroupSlice.Chunks[] offsetIndexes(Loaded l) throws IOException {
    RowGroupSlice.Chunks[] o = offsetIndexes;
    if (o != null) {
      return o;
    }
    synchronized (this) {
      if (offsetIndexes == null) {
        List<BlockMetaData> groups = l.footer.getBlocks();
        RowGroupSlice.Chunks[] read = new RowGroupSlice.Chunks[groups.size()];
        int[] listKey = RowGroupSlice.Chunks.listKeys(l.columns());
        InputFile file = inputFile();
        try (ParquetFileReader reader = new ParquetFileReader(file, l.footer, TraceStoreReadOptions.create(null, CodecFactory.INSTANCE), file.newStream())) {
          // all offset indexes, then the column indexes wanted: each a run of the file, read in order
          OffsetIndex[][] offsets = new OffsetIndex[groups.size()][];
          for (int rg = 0; rg < groups.size(); rg++) {
            List<ColumnChunkMetaData> chunks = groups.get(rg).getColumns();
            if (chunks.size() != listKey.length) {
              throw new CorruptDataException(dataKey + ": row group " + rg + " has " + chunks.size() + " columns, the schema " + listKey.length);
            }
            offsets[rg] = new OffsetIndex[chunks.size()];
            for (int c = 0; c < chunks.size(); c++) {
              OffsetIndex index = reader.readOffsetIndex(chunks.get(c));
              if (index == null || index.getPageCount() == 0) {
                throw new CorruptDataException(dataKey + ": column " + chunks.get(c).getPath() + " of row group " + rg + " has no offset index");
              }
              offsets[rg][c] = index;
            }
          }
          for (int rg = 0; rg < groups.size(); rg++) {
            List<ColumnChunkMetaData> chunks = groups.get(rg).getColumns();
            boolean[][] nullPages = new boolean[chunks.size()][];
            for (int c = 0; c < chunks.size(); c++) {
              if (listKey[c] >= 0) {
                nullPages[c] = nullPages(reader, chunks.get(c), offsets[rg][c].getPageCount());
              }
            }
            read[rg] = RowGroupSlice.Chunks.of(groups.get(rg), offsets[rg], nullPages, listKey);
          }
        }
        offsetIndexes = read;
      }
      return offsetIndexes;
    }
  }

  /**
   * Which pages of {@code chunk} hold no value, as its column index says (null if the chunk has no
   * column index, or one that disagrees with the offset index's page count).
   */
  private static boolean[] nullPages(ParquetFileReader reader, ColumnChunkMetaData chunk, int pages) {
    if (chunk.getColumnIndexReference() == null) {
      return null;
    }
    org.apache.parquet.internal.column.columnindex.ColumnIndex index;
    try {
      index = reader.readColumnIndex(chunk);
    } catch (IOException | RuntimeException e) {
      // damaged or unreadable: only an optimization is lost (every page is fetched, as without a
      // column index); a storage failure shows again on the pages' own fetch
      LOG.debug("column index of {} not used: {}", chunk.getPath(), e.toString());
      return null;
    }
    List<Boolean> nulls = index == null ? null : index.getNullPages();
    if (nulls == null || nulls.size() != pages) {
      return null;
    }
    boolean[] out = new boolean[pages];
    for (int p = 0; p < pages; p++) {
      out[p] = nulls.get(p);
    }
    return out;
  }

  /** Every span in the block, in block order (none if the block is damaged). */
  public List<Span> readAll() {
    return readAll(Checkpoint.NONE);
  }

  /**
   * As {@link #readAll()}, reaching {@code checkpoint} before each row group and every {@link
   * Checkpoint#INTERVAL_ROWS} spans
   * (for background work that lets searches go first).
   */
  public List<Span> readAll(Checkpoint checkpoint) {
    return guarded(() -> readAllUnguarded(checkpoint), List.of());
  }

  private List<Span> readAllUnguarded(Checkpoint checkpoint) {
    try {
      Loaded l = load();
      List<Span> out = new ArrayList<>((int) Math.min(Integer.MAX_VALUE, meta.spanCount()));
      List<BlockMetaData> groups = l.footer.getBlocks();
      for (int rg = 0; rg < groups.size(); rg++) {
        if (groups.get(rg).getRowCount() > 0) {
          checkpoint.reached();
          readRows(l, rg, new long[] {0}, new long[] {groups.get(rg).getRowCount()}, null, (range, span) -> {
            out.add(span);
            if (out.size() % Checkpoint.INTERVAL_ROWS == 0) {
              checkpoint.reached();
            }
          });
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
