package io.tracestore.core.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.CorruptDataException;
import io.tracestore.api.InstrumentationScope;
import io.tracestore.api.Resource;
import io.tracestore.api.Span;
import io.tracestore.api.TraceId;
import io.tracestore.core.RandomSpans;
import io.tracestore.core.storage.InMemoryObjectStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.TraceStoreReadOptions;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.junit.jupiter.api.Test;

class BlockRoundTripTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  private static final Comparator<Span> ORDER = TraceLayout.BLOCK_ORDER;

  @Test
  void everySpanReadsBackEqualToTheSpanWritten() {
    for (int seed = 0; seed < 10; seed++) {
      List<Span> spans = new RandomSpans(seed).traces(500, 30);
      BlockMeta meta = new BlockWriter(BlockWriter.Options.DEFAULT).write(store, "t", spans);
      List<Span> expected = new ArrayList<>(spans);
      expected.sort(ORDER);
      assertThat(new BlockReader(store, meta).readAll()).as("seed %d", seed).isEqualTo(expected);
    }
  }

  @Test
  void spansWhoseResourcesAndScopesDifferInOneValueEachReadBackWithTheirOwn() {
    // a read reuses the resource (scope) built for an earlier row whose columns hold the same values:
    // variants that differ in one value each, in every kind of column, must not be taken for each other
    Attributes base = Attributes.builder().put(Resource.SERVICE_NAME, "checkout").put("host.name", "h1")
        .put("pid", 7L).put("load", 0.0).put("canary", false).put("blob", AttributeValue.of(new byte[] {1, 2})).build();
    List<Resource> resources = new ArrayList<>(List.of(
        new Resource(base, 0, ""),
        new Resource(base.with(Resource.SERVICE_NAME, AttributeValue.of("cart")), 0, ""),
        new Resource(base.with("host.name", AttributeValue.of("h2")), 0, ""),
        new Resource(base.with("pid", AttributeValue.of(8L)), 0, ""),
        new Resource(base.with("load", AttributeValue.of(-0.0)), 0, ""),
        new Resource(base.with("canary", AttributeValue.of(true)), 0, ""),
        new Resource(base.with("blob", AttributeValue.of(new byte[] {1, 3})), 0, ""),
        new Resource(base.with("zone", AttributeValue.of("a")), 0, ""),
        new Resource(base.with("pid", AttributeValue.of("7")), 0, ""),
        new Resource(base, 1, ""),
        new Resource(base, 0, "https://opentelemetry.io/schemas/1.21.0"),
        Resource.EMPTY));
    Attributes scopeAttrs = Attributes.builder().put("lib.flag", true).build();
    List<InstrumentationScope> scopes = List.of(
        new InstrumentationScope("lib", "1.0", scopeAttrs, 0, ""),
        new InstrumentationScope("lib2", "1.0", scopeAttrs, 0, ""),
        new InstrumentationScope("lib", "1.1", scopeAttrs, 0, ""),
        new InstrumentationScope("lib", "1.0", Attributes.builder().put("lib.flag", false).build(), 0, ""),
        new InstrumentationScope("lib", "1.0", scopeAttrs, 2, ""),
        new InstrumentationScope("lib", "1.0", scopeAttrs, 0, "s"),
        InstrumentationScope.EMPTY);
    java.util.Random random = new java.util.Random(7);
    List<Span> spans = new ArrayList<>();
    for (Span s : new RandomSpans(3).traces(400, 20)) {
      spans.add(s.toBuilder().resource(resources.get(random.nextInt(resources.size())))
          .scope(scopes.get(random.nextInt(scopes.size()))).build());
    }
    BlockMeta meta = new BlockWriter(BlockWriter.Options.DEFAULT).write(store, "t", spans);
    assertThat(meta.dedicatedResourceColumns()).as("the test covers dedicated resource columns of several types")
        .extracting(DedicatedColumn::key).contains("host.name", "pid", "load", "canary");
    List<Span> expected = new ArrayList<>(spans);
    expected.sort(ORDER);
    List<Span> read = new BlockReader(store, meta).readAll();
    assertThat(read).isEqualTo(expected);
    assertThat(read.stream().map(Span::resource).distinct()).hasSameSizeAs(resources);
  }

  @Test
  void findTraceReturnsExactlyThatTracesSpansAcrossRowGroupsAndPages() {
    List<Span> spans = new RandomSpans(42).traces(5_000, 40);
    BlockWriter writer = new BlockWriter(new BlockWriter.Options(700, 100, 10, 0.05, 3));
    BlockMeta meta = writer.write(store, "t", spans);
    assertThat(meta.rowGroups()).hasSizeGreaterThan(5);
    BlockReader reader = new BlockReader(store, meta);
    Map<TraceId, List<Span>> byTrace = spans.stream().collect(Collectors.groupingBy(Span::traceId));
    for (Map.Entry<TraceId, List<Span>> e : byTrace.entrySet()) {
      List<Span> expected = new ArrayList<>(e.getValue());
      expected.sort(ORDER);
      assertThat(reader.findTrace(e.getKey())).isEqualTo(expected);
    }
    assertThat(reader.findTrace(TraceId.of(1, 2))).isEmpty();
  }

  @Test
  void tracesReadFromPagesThatSplitAtDifferentRowsPerColumnEqualTheSpansWritten() throws Exception {
    // large values fill a 1 MiB page of the string-value column long before the 400-row limit, so
    // that column's pages start at other rows than the trace_id column's
    java.util.Random random = new java.util.Random(11);
    List<Span> spans = new ArrayList<>();
    for (Span s : new RandomSpans(11).traces(6_000, 30)) {
      if (random.nextInt(8) == 0) {
        List<io.tracestore.api.Attribute> attrs = new ArrayList<>(s.attributes().asList());
        attrs.add(io.tracestore.api.Attribute.of("payload", "x".repeat(20_000 + random.nextInt(60_000))));
        s = s.toBuilder().attributes(io.tracestore.api.Attributes.of(attrs)).build();
      }
      spans.add(s);
    }
    BlockMeta meta = new BlockWriter(new BlockWriter.Options(5_000, 400, 10, 0.05, 3)).write(store, "t", spans);
    assertThat(pageStarts(meta, "span.payload")).isNotEqualTo(pageStarts(meta, BlockSchema.TRACE_ID));

    BlockReader reader = new BlockReader(store, meta);
    List<Span> expected = new ArrayList<>(spans);
    expected.sort(ORDER);
    assertThat(reader.readAll()).isEqualTo(expected);
    Map<TraceId, List<Span>> byTrace = RandomSpans.byTrace(expected);
    TraceDirectory dir = reader.directory();
    for (int round = 0; round < 30; round++) {
      int[] chosen = random.ints(1 + random.nextInt(40), 0, dir.traceCount()).sorted().distinct().toArray();
      List<List<Span>> read = reader.readTraces(chosen);
      for (int i = 0; i < chosen.length; i++) {
        assertThat(read.get(i)).as("trace %s", dir.traceId(chosen[i])).isEqualTo(byTrace.get(dir.traceId(chosen[i])));
      }
    }
  }

  /** The first row of every page of {@code column}, over all row groups. */
  private List<Long> pageStarts(BlockMeta meta, String column) throws Exception {
    ObjectStoreInputFile file = new ObjectStoreInputFile(store, BlockWriter.dataKey("t", meta.blockId()), meta.dataSize());
    List<Long> starts = new ArrayList<>();
    try (org.apache.parquet.hadoop.ParquetFileReader reader =
        new org.apache.parquet.hadoop.ParquetFileReader(file, TraceStoreReadOptions.create(null, CodecFactory.INSTANCE))) {
      long base = 0;
      for (org.apache.parquet.hadoop.metadata.BlockMetaData rg : reader.getRowGroups()) {
        for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData c : rg.getColumns()) {
          if (c.getPath().toDotString().equals(column)) {
            var index = reader.readOffsetIndex(c);
            for (int p = 0; p < index.getPageCount(); p++) {
              starts.add(base + index.getFirstRowIndex(p));
            }
          }
        }
        base += rg.getRowCount();
      }
    }
    return starts;
  }

  @Test
  void metaRecordsCountsRangesAndRowGroups() {
    List<Span> spans = new RandomSpans(9).traces(3_000, 10);
    BlockMeta meta = new BlockWriter(new BlockWriter.Options(1000, 250, 10, 0.05, 3)).write(store, "t", spans);
    assertThat(meta.spanCount()).isEqualTo(spans.size());
    assertThat(meta.traceCount()).isEqualTo(spans.stream().map(Span::traceId).distinct().count());
    assertThat(meta.rowGroups().stream().mapToLong(BlockMeta.RowGroup::rowCount).sum()).isEqualTo(spans.size());
    assertThat(meta.minStartUnixNano()).isEqualTo(spans.stream().mapToLong(Span::startUnixNano).min().orElseThrow());
    assertThat(meta.maxEndUnixNano()).isEqualTo(spans.stream().mapToLong(Span::endUnixNano).max().orElseThrow());
    assertThat(meta.dedicatedSpanColumns()).contains(DedicatedColumn.string("http.route"), DedicatedColumn.string("http.method"));
    assertThat(BlockMeta.fromJson(meta.toJson(), "test")).isEqualTo(meta);
  }

  @Test
  void metaListsTheValuesOfLowCardinalityStringColumnsAndLeavesOutTheOthers() {
    List<Span> spans = new ArrayList<>();
    for (Span s : new RandomSpans(12).traces(2_000, 6)) {
      int i = spans.size();
      spans.add(s.toBuilder().name("op-" + (i % 5))
          .attributes(io.tracestore.api.Attributes.builder().put("few", "v" + (i % 3)).put("many", "m" + i).build()).build());
    }
    BlockMeta meta = new BlockWriter(new BlockWriter.Options(1000, 250, 10, 0.05, 3)).write(store, "t", spans);
    assertThat(meta.valuesOf(BlockSchema.NAME)).containsExactly("op-0", "op-1", "op-2", "op-3", "op-4");
    assertThat(meta.dedicatedSpanColumns()).contains(DedicatedColumn.string("few"), DedicatedColumn.string("many"));
    assertThat(meta.valuesOf(BlockSchema.SPAN_PREFIX + "few")).containsExactly("v0", "v1", "v2");
    assertThat(meta.valuesOf(BlockSchema.SPAN_PREFIX + "many")).as("more than %d values", BlockMeta.MAX_COLUMN_VALUES).isNull();
    assertThat(meta.valuesOf(BlockSchema.SERVICE_NAME)).isEqualTo(
        spans.stream().map(sp -> sp.resource().serviceName()).filter(n -> !n.isEmpty()).distinct().sorted().toList()); // "": none
    assertThat(BlockMeta.fromJson(meta.toJson(), "test")).isEqualTo(meta);
  }

  @Test
  void aRepeatedSpanIsStoredOnce() {
    List<Span> spans = new RandomSpans(1).trace(5);
    List<Span> twice = new ArrayList<>(spans);
    twice.addAll(spans);
    BlockMeta meta = new BlockWriter(BlockWriter.Options.DEFAULT).write(store, "t", twice);
    assertThat(meta.spanCount()).isEqualTo(spans.size());
  }

  @Test
  void verifyDetectsAFlippedByte() throws Exception {
    BlockMeta meta = new BlockWriter(BlockWriter.Options.DEFAULT).write(store, "t", new RandomSpans(2).traces(100, 5));
    BlockReader reader = new BlockReader(store, meta);
    reader.verify();
    String key = BlockWriter.dataKey("t", meta.blockId());
    byte[] data = store.get(key);
    data[data.length / 2] ^= 0x40;
    store.put(key, data);
    assertThatThrownBy(reader::verify).isInstanceOf(CorruptDataException.class).hasMessageContaining("CRC32C");
  }

  @Test
  void malformedMetaJsonIsACorruptDataErrorNamingTheSource() {
    assertThatThrownBy(() -> BlockMeta.fromJson("{\"formatVersion\": 1}".getBytes(), "t/blocks/x/meta.json"))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining("t/blocks/x/meta.json").hasMessageContaining("blockId");
    assertThatThrownBy(() -> BlockMeta.fromJson("{\"formatVersion\": 99}".getBytes(), "m"))
        .isInstanceOf(CorruptDataException.class).hasMessageContaining("version 99");
    assertThatThrownBy(() -> BlockMeta.fromJson("not json".getBytes(), "m")).isInstanceOf(CorruptDataException.class);
  }

  @Test
  void theReadOptionsShimPassesEachFlagToTheRightParameter() {
    ParquetReadOptions none = TraceStoreReadOptions.create(null, CodecFactory.INSTANCE);
    assertThat(none.useStatsFilter()).isTrue();
    assertThat(none.useColumnIndexFilter()).isTrue();
    assertThat(none.useDictionaryFilter()).isFalse();
    assertThat(none.useBloomFilter()).isFalse();
    assertThat(none.useRecordFilter()).isFalse();
    assertThat(none.useSignedStringMinMax()).isFalse();
    assertThat(none.usePageChecksumVerification()).isTrue();
    assertThat(none.useHadoopVectoredIo()).isFalse();
    assertThat(none.getCodecFactory()).isSameAs(CodecFactory.INSTANCE);
    FilterCompat.Filter f = FilterCompat.get(org.apache.parquet.filter2.predicate.FilterApi.eq(
        org.apache.parquet.filter2.predicate.FilterApi.intColumn("kind"), 1));
    assertThat(TraceStoreReadOptions.create(f, CodecFactory.INSTANCE).useRecordFilter()).isTrue();
  }

  @Test
  void everyRowGroupHasATraceIdBloomFilterAndNoIdDictionary() throws Exception {
    BlockMeta meta = new BlockWriter(new BlockWriter.Options(500, 100, 10, 0.05, 3)).write(store, "t", new RandomSpans(4).traces(2_000, 10));
    ObjectStoreInputFile file = new ObjectStoreInputFile(store, BlockWriter.dataKey("t", meta.blockId()), meta.dataSize());
    try (org.apache.parquet.hadoop.ParquetFileReader reader =
        new org.apache.parquet.hadoop.ParquetFileReader(file, TraceStoreReadOptions.create(null, CodecFactory.INSTANCE))) {
      assertThat(reader.getRowGroups()).hasSizeGreaterThan(1);
      for (org.apache.parquet.hadoop.metadata.BlockMetaData rg : reader.getRowGroups()) {
        for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData c : rg.getColumns()) {
          String col = c.getPath().toDotString();
          if (col.equals(BlockSchema.TRACE_ID)) {
            assertThat(c.getBloomFilterOffset()).as("bloom filter offset").isGreaterThan(0);
          }
          if (col.equals(BlockSchema.TRACE_ID) || col.equals(BlockSchema.SPAN_ID)) {
            assertThat(c.hasDictionaryPage()).as("%s has no dictionary", col).isFalse();
          }
        }
      }
    }
  }

  @Test
  void loadingABlocksFooterAndBloomFiltersTakesOneRangedRead() throws Exception {
    BlockMeta meta = new BlockWriter(BlockWriter.Options.DEFAULT).write(store, "t", new RandomSpans(6).traces(3_000, 10));
    CountingStore counting = new CountingStore(store);
    assertThat(meta.dataSize()).isGreaterThan(ObjectStoreInputFile.CHUNK);
    // an id inside the block's range that it does not hold: footer and bloom filter only
    TraceId absent = TraceId.of(meta.minTraceId().high(), meta.minTraceId().low() + 1);
    assertThat(new BlockReader(counting, meta).findTrace(absent)).isEmpty();
    assertThat(counting.ranges.get()).isEqualTo(1);
  }

  @Test
  void traceReadsKeepDictionaryPagesInTheCacheAndFetchOnlyDataPagesAfterwards() {
    List<Span> spans = new RandomSpans(8).traces(4_000, 20);
    BlockMeta meta = new BlockWriter(new BlockWriter.Options(100_000, 200, 10, 0.05, 3)).write(store, "t", spans);
    Map<TraceId, List<Span>> expected = RandomSpans.byTrace(spans.stream().sorted(ORDER).toList());
    CountingStore uncached = new CountingStore(store);
    CountingStore cached = new CountingStore(store);
    BlockReader plain = new BlockReader(uncached, meta, null, DictionaryCache.NONE);
    BlockReader withCache = new BlockReader(cached, meta, null, new DictionaryCache(64L << 20));
    TraceDirectory dir = plain.directory();
    withCache.directory();
    int first = 3;
    int second = dir.traceCount() - 3;
    assertThat(withCache.readTraces(new int[] {first}).get(0)).isEqualTo(expected.get(dir.traceId(first)));
    plain.readTraces(new int[] {first});
    uncached.bytes.set(0);
    cached.bytes.set(0);
    // another trace of the same row group: the cache spares every dictionary page
    assertThat(withCache.readTraces(new int[] {second}).get(0)).isEqualTo(expected.get(dir.traceId(second)));
    assertThat(plain.readTraces(new int[] {second}).get(0)).isEqualTo(expected.get(dir.traceId(second)));
    assertThat(cached.bytes.get()).isPositive().isLessThan(uncached.bytes.get());
  }

  @Test
  void traceReadsFetchNoPageOfTheColumnsSpansAreNotBuiltFrom() throws Exception {
    TracesRead read = readEveryKthTrace(new RandomSpans(9).traces(3_000, 20), new BlockWriter.Options(100_000, 100, 10, 0.05, 3), 97);
    BlockMeta meta = read.meta();
    CountingStore counting = read.counting();
    assertThat(counting.asked).isNotEmpty();
    ObjectStoreInputFile file = new ObjectStoreInputFile(store, BlockWriter.dataKey("t", meta.blockId()), meta.dataSize());
    java.util.Set<String> notRead = java.util.Set.of(BlockSchema.TRACE_ID, BlockSchema.NESTED_SET_LEFT, BlockSchema.NESTED_SET_RIGHT,
        BlockSchema.PARENT_INDEX, BlockSchema.TRACE_ROOT_SERVICE, BlockSchema.TRACE_ROOT_NAME, BlockSchema.TRACE_START,
        BlockSchema.TRACE_DURATION);
    int checked = 0;
    try (org.apache.parquet.hadoop.ParquetFileReader parquet = new org.apache.parquet.hadoop.ParquetFileReader(file,
        org.apache.parquet.TraceStoreReadOptions.create(null, CodecFactory.INSTANCE))) {
      for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData chunk : parquet.getFooter().getBlocks().get(0).getColumns()) {
        if (notRead.contains(chunk.getPath().toDotString())) {
          long start = chunk.getStartingPos();
          long end = start + chunk.getTotalSize();
          checked++;
          assertThat(counting.asked).as("ranges asked for overlapping column %s", chunk.getPath())
              .noneMatch(r -> r[0] < end && r[0] + r[1] > start);
        }
      }
    }
    assertThat(checked).isEqualTo(notRead.size());
  }

  @Test
  void aListFieldWithNoValueInThePagesReadIsMadeFromItsKeysSlotsAsDecodingWouldMakeIt() throws Exception {
    // span attribute "n" (a number) only on traces of the lower half of the id order, so the later
    // pages of span_attrs' int field hold no value, and its dbl, bool and raw fields none at all
    List<Span> random = new RandomSpans(10).traces(2_000, 10);
    List<TraceId> ids = random.stream().map(Span::traceId).distinct().sorted(java.util.Comparator.comparing(TraceId::toHex)).toList();
    java.util.Set<TraceId> lower = new java.util.HashSet<>(ids.subList(0, ids.size() / 2));
    // events keep only string attributes: the int, dbl, bool and raw fields of the nested
    // events.list.element.attrs list hold no value at all
    List<Span> spans = random.stream().map(s -> s.toBuilder().attributes(lower.contains(s.traceId())
        ? io.tracestore.api.Attributes.builder().put("n", 7L).put("s", "x").build()
        : io.tracestore.api.Attributes.builder().put("s", "y").build())
        .events(s.events().stream().map(e -> new io.tracestore.api.SpanEvent(e.timeUnixNano(), e.name(),
            io.tracestore.api.Attributes.builder().put("e", e.name()).build(), e.droppedAttributesCount())).toList())
        .build()).toList();
    assertThat(spans).anyMatch(s -> !s.events().isEmpty());
    TracesRead read = readEveryKthTrace(spans, new BlockWriter.Options(100_000, 100, 10, 0.9, 3), 37);
    BlockMeta meta = read.meta();
    CountingStore counting = read.counting();
    String key = BlockWriter.dataKey("t", meta.blockId());
    ObjectStoreInputFile file = new ObjectStoreInputFile(store, key, meta.dataSize());
    try (org.apache.parquet.hadoop.ParquetFileReader parquet = new org.apache.parquet.hadoop.ParquetFileReader(file,
        org.apache.parquet.TraceStoreReadOptions.create(null, CodecFactory.INSTANCE))) {
      org.apache.parquet.hadoop.metadata.BlockMetaData group = parquet.getFooter().getBlocks().get(0);
      List<org.apache.parquet.column.ColumnDescriptor> columns = parquet.getFooter().getFileMetaData().getSchema().getColumns();
      int n = group.getColumns().size();
      org.apache.parquet.internal.column.columnindex.OffsetIndex[] offsets = new org.apache.parquet.internal.column.columnindex.OffsetIndex[n];
      boolean[][] nullPages = new boolean[n][];
      int dbl = -1;
      int eventInt = -1;
      for (int c = 0; c < n; c++) {
        org.apache.parquet.hadoop.metadata.ColumnChunkMetaData chunk = group.getColumns().get(c);
        offsets[c] = parquet.readOffsetIndex(chunk);
        List<Boolean> nulls = parquet.readColumnIndex(chunk).getNullPages();
        nullPages[c] = new boolean[nulls.size()];
        for (int p = 0; p < nulls.size(); p++) {
          nullPages[c][p] = nulls.get(p);
        }
        if (chunk.getPath().toDotString().equals("span_attrs.list.element.dbl")) {
          dbl = c;
        }
        if (chunk.getPath().toDotString().equals("events.list.element.attrs.list.element.int")) {
          eventInt = c;
        }
      }
      // no range asked for touched these fields' chunks: their vectors were made, not read
      for (int c : new int[] {dbl, eventInt}) {
        long chunkStart = group.getColumns().get(c).getStartingPos();
        long chunkEnd = chunkStart + group.getColumns().get(c).getTotalSize();
        assertThat(counting.asked).as("column %d", c).noneMatch(r -> r[0] < chunkEnd && r[0] + r[1] > chunkStart);
      }
      int[] listKeys = RowGroupSlice.Chunks.listKeys(columns);
      assertThat(listKeys[dbl]).isNotNegative();
      assertThat(listKeys[eventInt]).isNotNegative();
      RowGroupSlice.Chunks made = RowGroupSlice.Chunks.of(group, offsets, nullPages, listKeys);
      RowGroupSlice.Chunks decoded = RowGroupSlice.Chunks.of(group, offsets, new boolean[n][], listKeys);
      long rows = group.getRowCount();
      java.util.Random random2 = new java.util.Random(10);
      for (int round = 0; round < 30; round++) {
        // one to three ascending, disjoint ranges
        int ranges = 1 + random2.nextInt(3);
        long[] from = new long[ranges];
        long[] to = new long[ranges];
        long at = random2.nextInt((int) rows / 2);
        for (int i = 0; i < ranges; i++) {
          from[i] = Math.min(rows - 1, at);
          to[i] = Math.min(rows, from[i] + 1 + random2.nextInt(200));
          at = to[i] + random2.nextInt(400);
          if (at >= rows) {
            ranges = i + 1;
            break;
          }
        }
        long[] f = java.util.Arrays.copyOf(from, ranges);
        long[] t = java.util.Arrays.copyOf(to, ranges);
        RowGroupSlice a = RowGroupSlice.read(store, key, group, columns, made, null, f, t, DictionaryCache.NONE, meta.blockId(), 0);
        RowGroupSlice b = RowGroupSlice.read(store, key, group, columns, decoded, null, f, t, DictionaryCache.NONE, meta.blockId(), 0);
        for (String path : made.paths()) {
          ChunkChecks.assertSameSlots(path + " rows " + java.util.Arrays.toString(f) + ".." + java.util.Arrays.toString(t),
              b.column(path), a.column(path));
        }
      }
    }
  }

  @Test
  void aBlocksPageIndexesAreReadRegionByRegionInFewRangedReads() throws Exception {
    BlockMeta meta = new BlockWriter(new BlockWriter.Options(1_000, 50, 10, 0.05, 3)).write(store, "t", new RandomSpans(11).traces(4_000, 10));
    CountingStore counting = new CountingStore(store);
    BlockReader reader = new BlockReader(counting, meta, null, DictionaryCache.NONE);
    TraceDirectory dir = reader.directory();
    long indexStart = Long.MAX_VALUE;
    long indexEnd = 0;
    ObjectStoreInputFile file = new ObjectStoreInputFile(store, BlockWriter.dataKey("t", meta.blockId()), meta.dataSize());
    try (org.apache.parquet.hadoop.ParquetFileReader parquet = new org.apache.parquet.hadoop.ParquetFileReader(file,
        org.apache.parquet.TraceStoreReadOptions.create(null, CodecFactory.INSTANCE))) {
      assertThat(parquet.getFooter().getBlocks()).hasSizeGreaterThan(3);
      for (org.apache.parquet.hadoop.metadata.BlockMetaData group : parquet.getFooter().getBlocks()) {
        for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData chunk : group.getColumns()) {
          for (org.apache.parquet.internal.hadoop.metadata.IndexReference r : new org.apache.parquet.internal.hadoop.metadata.IndexReference[] {
              chunk.getColumnIndexReference(), chunk.getOffsetIndexReference()}) {
            indexStart = Math.min(indexStart, r.getOffset());
            indexEnd = Math.max(indexEnd, r.getOffset() + r.getLength());
          }
        }
      }
    }
    int before = counting.ranges.get();
    reader.readTraces(new int[] {0});
    int first = counting.ranges.get() - before;
    before = counting.ranges.get();
    reader.readTraces(new int[] {1});
    int second = counting.ranges.get() - before; // the data pages only: the indexes are kept
    long chunks = (indexEnd - indexStart + ObjectStoreInputFile.CHUNK - 1) / ObjectStoreInputFile.CHUNK;
    assertThat((long) (first - second)).as("ranged reads for %d bytes of page indexes", indexEnd - indexStart).isLessThanOrEqualTo(chunks + 2);
    assertThat(reader.readTraces(new int[] {dir.traceCount() - 1}).get(0)).isNotEmpty();
  }

  @Test
  void rowGroupsEncodedSideBySideGiveTheSameBytesAsOneAfterAnother() throws Exception {
    List<Span> spans = new RandomSpans(12).traces(30_000, 20);
    BlockWriter.Options options = new BlockWriter.Options(10_000, 500, 10, 0.05, 3);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      // no byte limit reached; then a limit that cuts row groups early (the side-by-side encoding is dropped then)
      for (long rowGroupBytes : new long[] {512L << 20, 16L << 10}) {
        BlockWriter.EncodedBlock one = new BlockWriter(options, null, 0, rowGroupBytes).encode("t", spans);
        BlockWriter.EncodedBlock side = new BlockWriter(options, pool, 3, rowGroupBytes).encode("t", spans);
        assertThat(one.meta().rowGroups()).as("limit %d", rowGroupBytes).hasSizeGreaterThan(2);
        assertThat(withoutBlockId(side)).as("limit %d", rowGroupBytes).isEqualTo(withoutBlockId(one));
        assertThat(side.meta().rowGroups()).isEqualTo(one.meta().rowGroups());
        boolean cutEarly = one.meta().rowGroups().stream().limit(one.meta().rowGroups().size() - 1).anyMatch(g -> g.rowCount() < 10_000);
        assertThat(cutEarly).as("limit %d", rowGroupBytes).isEqualTo(rowGroupBytes < (512L << 20));
        BlockWriter.commit(store, side);
        List<Span> expected = new ArrayList<>(spans);
        expected.sort(ORDER);
        assertThat(new BlockReader(store, side.meta()).readAll()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD) // a wait for the tasks never run would hang
  void anEncodeDoesNotWaitForHelperTasksItsExecutorHasNotStarted() {
    List<Span> spans = new RandomSpans(13).traces(5_000, 20);
    BlockWriter.Options options = new BlockWriter.Options(1_000, 200, 10, 0.05, 3);
    // accepts tasks and runs them only when told: as a pool whose threads are all busy would
    List<Runnable> queued = new java.util.concurrent.CopyOnWriteArrayList<>();
    BlockWriter.EncodedBlock side = new BlockWriter(options, queued::add, 2).encode("t", spans);
    assertThat(queued).hasSize(2);
    BlockWriter.EncodedBlock one = new BlockWriter(options).encode("t", spans);
    assertThat(withoutBlockId(side)).isEqualTo(withoutBlockId(one));
    queued.forEach(Runnable::run); // started late: they find the work done and leave
    assertThat(withoutBlockId(side)).isEqualTo(withoutBlockId(one));
  }

  @Test
  void encodingAndReadingWholeBlocksReachTheirCheckpointEveryFewThousandRows() {
    List<Span> spans = new RandomSpans(14).traces(1_000, 20); // about 10,000 spans
    java.util.concurrent.atomic.AtomicInteger reached = new java.util.concurrent.atomic.AtomicInteger();
    Checkpoint counting = reached::incrementAndGet;
    BlockWriter.EncodedBlock block = new BlockWriter(BlockWriter.Options.DEFAULT, null, 0, counting).encode("t", spans);
    int rows = (int) block.meta().spanCount();
    assertThat(reached.get()).as("%d rows encoded", rows).isEqualTo(rows / 4096);
    BlockWriter.commit(store, block);
    reached.set(0);
    List<Span> read = new BlockReader(store, block.meta()).readAll(counting);
    assertThat(read).hasSize(rows);
    assertThat(reached.get()).as("one per row group and per 4,096 spans read").isEqualTo(block.meta().rowGroups().size() + rows / 4096);
  }

  /** An encoded block's data with its block id's bytes zeroed. */
  private static byte[] withoutBlockId(BlockWriter.EncodedBlock block) {
    byte[] id = block.meta().blockId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] data = block.data().clone();
    for (int i = 0; i + id.length <= data.length; i++) {
      if (java.util.Arrays.equals(data, i, i + id.length, id, 0, id.length)) {
        java.util.Arrays.fill(data, i, i + id.length, (byte) 0);
      }
    }
    return data;
  }

  /** A block written and the counting store its traces were read through. */
  private record TracesRead(BlockMeta meta, CountingStore counting) {}

  /**
   * Writes {@code spans} as a block and reads every {@code k}-th trace through a counting store
   * (each must equal its spans as written); the store's {@code asked} holds the ranges those reads
   * asked for (not the directory's).
   */
  private TracesRead readEveryKthTrace(List<Span> spans, BlockWriter.Options options, int k) {
    BlockMeta meta = new BlockWriter(options).write(store, "t", spans);
    Map<TraceId, List<Span>> expected = RandomSpans.byTrace(spans.stream().sorted(ORDER).toList());
    CountingStore counting = new CountingStore(store);
    BlockReader reader = new BlockReader(counting, meta, null, DictionaryCache.NONE);
    TraceDirectory dir = reader.directory();
    counting.asked.clear();
    for (int t = 0; t < dir.traceCount(); t += k) {
      assertThat(reader.readTraces(new int[] {t}).get(0)).isEqualTo(expected.get(dir.traceId(t)));
    }
    return new TracesRead(meta, counting);
  }

  /** Forwards to a store, counting ranged reads and the bytes they return, and recording the ranges asked for. */
  private static final class CountingStore implements io.tracestore.spi.ObjectStore {
    final io.tracestore.spi.ObjectStore delegate;
    final java.util.concurrent.atomic.AtomicInteger ranges = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
    final java.util.List<long[]> asked = new java.util.concurrent.CopyOnWriteArrayList<>();

    CountingStore(io.tracestore.spi.ObjectStore delegate) {
      this.delegate = delegate;
    }

    @Override public void put(String key, byte[] data) throws java.io.IOException { delegate.put(key, data); }
    @Override public boolean putIfAbsent(String key, byte[] data) throws java.io.IOException { return delegate.putIfAbsent(key, data); }
    @Override public byte[] get(String key) throws java.io.IOException { return delegate.get(key); }
    @Override public byte[] getRange(String key, long offset, int length) throws java.io.IOException {
      ranges.incrementAndGet();
      byte[] b = delegate.getRange(key, offset, length);
      bytes.addAndGet(b.length);
      return b;
    }
    @Override public java.nio.ByteBuffer[] getRanges(String key, long[] offsets, int[] lengths) throws java.io.IOException {
      for (int i = 0; i < offsets.length; i++) {
        asked.add(new long[] {offsets[i], lengths[i]});
      }
      return io.tracestore.spi.ObjectStore.super.getRanges(key, offsets, lengths);
    }
    @Override public long size(String key) throws java.io.IOException { return delegate.size(key); }
    @Override public boolean exists(String key) throws java.io.IOException { return delegate.exists(key); }
    @Override public java.util.List<String> list(String prefix) throws java.io.IOException { return delegate.list(prefix); }
    @Override public boolean delete(String key) throws java.io.IOException { return delegate.delete(key); }
  }

  @Test
  void hadoopIsNotOnTheRuntimeClasspath() {
    assertThatThrownBy(() -> Class.forName("org.apache.hadoop.conf.Configuration")).isInstanceOf(ClassNotFoundException.class);
  }
}
