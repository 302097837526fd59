package io.tracestore.core.block;

import static io.tracestore.core.block.ChunkChecks.assertDecodesLikeParquetJava;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.Span;
import io.tracestore.core.RandomSpans;
import io.tracestore.core.storage.InMemoryObjectStore;
import io.tracestore.testing.WorkloadGenerator;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.parquet.TraceStoreReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.impl.ColumnWriteStoreV1;
import org.apache.parquet.column.impl.ColumnWriteStoreV2;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PageDecoder} against parquet-java's value-by-value path ({@link
 * ColumnVectorReader#readWithParquet}): every leaf column of every row group of real blocks, and
 * hand-written chunks for the edge cases blocks rarely hold.
 */
class PageDecoderTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  // ---- real blocks ----

  @Test
  void everyChunkOfRandomSpanBlocksDecodesLikeParquetJava() {
    for (int seed = 0; seed < 3; seed++) {
      List<Span> spans = new RandomSpans(seed).traces(3_000, 30);
      BlockMeta meta = new BlockWriter(new BlockWriter.Options(700, 100, 10, 0.05, 3)).write(store, "t", spans);
      assertThat(meta.rowGroups()).hasSizeGreaterThan(3);
      assertThat(meta.dedicatedSpanColumns()).isNotEmpty();
      int s = seed;
      int[] chunks = {0};
      forEachChunk(meta, (c, chunk) -> {
        assertDecodesLikeParquetJava(c, chunk, "seed " + s + " " + String.join(".", c.getPath()));
        chunks[0]++;
      });
      assertThat(chunks[0]).isGreaterThan(100);
    }
  }

  @Test
  void everyChunkOfAWorkloadBlockDecodesLikeParquetJava() {
    List<Span> spans = WorkloadGenerator.generate(42, 40_000);
    BlockMeta meta = new BlockWriter(new BlockWriter.Options(10_000, 1_000, 20, 0.05, 3)).write(store, "t", spans);
    assertThat(meta.rowGroups()).hasSizeGreaterThan(3);
    assertThat(meta.dedicatedSpanColumns()).isNotEmpty();
    assertThat(meta.dedicatedResourceColumns()).isNotEmpty();
    forEachChunk(meta, (c, chunk) -> assertDecodesLikeParquetJava(c, chunk, String.join(".", c.getPath())));
  }

  /**
   * What our writer produces (format v2 pages, dictionaries on, off for ids): this set was found by
   * reading the pages of workload blocks; a new encoding showing up fails here first.
   */
  @Test
  void blocksHoldOnlyEncodingsTheDecoderTakesAndNoChunkItTakesFallsBack() {
    BlockMeta meta = new BlockWriter(new BlockWriter.Options(10_000, 1_000, 20, 0.05, 3))
        .write(store, "t", WorkloadGenerator.generate(7, 30_000));
    Set<Encoding> seen = EnumSet.noneOf(Encoding.class);
    forEachChunk(meta, (c, chunk) -> {
      for (ChunkPages.Data p : chunk.pages()) {
        assertThat(p.v2()).isTrue();
        seen.add(p.valueEncoding());
      }
      if (chunk.dictionary() != null) {
        seen.add(chunk.dictionary().encoding());
      }
      if (PageDecoder.takesColumn(c)) {
        assertThat(PageDecoder.decode(c, chunk)).as(String.join(".", c.getPath())).isNotNull();
      }
    });
    assertThat(seen).containsExactlyInAnyOrder(Encoding.PLAIN, Encoding.RLE_DICTIONARY, Encoding.DELTA_BINARY_PACKED,
        Encoding.DELTA_BYTE_ARRAY, Encoding.RLE);
  }

  private void forEachChunk(BlockMeta meta, BiConsumer<ColumnDescriptor, ChunkPages> check) {
    ObjectStoreInputFile file = new ObjectStoreInputFile(store, BlockWriter.dataKey("t", meta.blockId()), meta.dataSize());
    try (ParquetFileReader reader = new ParquetFileReader(file, TraceStoreReadOptions.create(null, CodecFactory.INSTANCE))) {
      List<ColumnDescriptor> columns = reader.getFooter().getFileMetaData().getSchema().getColumns();
      for (int rg = 0; rg < reader.getRowGroups().size(); rg++) {
        try (PageReadStore pages = reader.readRowGroup(rg)) {
          for (ColumnDescriptor c : columns) {
            check.accept(c, ChunkPages.read(pages.getPageReader(c)));
          }
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ---- hand-written chunks ----

  private static final MessageType EDGE = MessageTypeParser.parseMessageType("""
      message edge {
        optional binary s (STRING);
        required binary rs (STRING);
        required int64 l;
        optional int32 i;
        optional double d;
        optional boolean b;
        required boolean rb;
        optional fixed_len_byte_array(16) id;
        optional fixed_len_byte_array(8) sid;
        optional float f;
        optional group strs (LIST) { repeated group list { optional binary element (STRING); } }
        optional group nums (LIST) { repeated group list { required int64 element; } }
        optional group ids (LIST) { repeated group list { required fixed_len_byte_array(16) element; } }
      }
      """);

  /** What a row holds: every optional value null, lists null or empty, or random values. */
  enum Rows { RANDOM, ALL_NULL, EMPTY_LISTS }

  /**
   * Writes {@code rows} rows of {@code EDGE} with parquet-java's column writers into memory, then
   * checks every column. {@code lowCardinalityRows} rows draw strings and numbers from a few values
   * (so dictionaries pay off), the rest from many, so with a small dictionary page size the writer
   * falls back from dictionary to plain/delta pages in the middle of a chunk.
   */
  private static ColumnChunks write(ParquetProperties props, Rows kind, int rows, int lowCardinalityRows, long seed) {
    ChunkChecks.MemoryPageStore pages = new ChunkChecks.MemoryPageStore();
    ColumnWriteStore columns = props.getWriterVersion() == ParquetProperties.WriterVersion.PARQUET_1_0
        ? new ColumnWriteStoreV1(EDGE, pages, props)
        : new ColumnWriteStoreV2(EDGE, pages, props);
    Random r = new Random(seed);
    for (int row = 0; row < rows; row++) {
      boolean few = row < lowCardinalityRows;
      for (ColumnDescriptor c : EDGE.getColumns()) {
        writeRow(columns.getColumnWriter(c), c, kind, few, r);
      }
      columns.endRecord();
    }
    columns.flush();
    return new ColumnChunks(pages);
  }

  private record ColumnChunks(ChunkChecks.MemoryPageStore pages) {
    ChunkPages chunk(ColumnDescriptor c) {
      return pages.chunk(c);
    }
  }

  private static void writeRow(ColumnWriter w, ColumnDescriptor c, Rows kind, boolean few, Random r) {
    String name = c.getPath()[0];
    int maxDef = c.getMaxDefinitionLevel();
    if (c.getMaxRepetitionLevel() > 0) { // a list: null (d=0), empty (d=1), or elements
      if (kind == Rows.ALL_NULL || kind == Rows.RANDOM && r.nextInt(5) == 0) {
        w.writeNull(0, 0);
        return;
      }
      int n = kind == Rows.EMPTY_LISTS ? 0 : r.nextInt(5);
      if (n == 0) {
        w.writeNull(0, 1);
        return;
      }
      for (int k = 0; k < n; k++) {
        int rep = k == 0 ? 0 : 1;
        if (maxDef == 3 && r.nextInt(4) == 0) {
          w.writeNull(rep, 2); // a null element
        } else {
          writeValue(w, c, few, r, rep, maxDef);
        }
      }
      return;
    }
    boolean required = maxDef == 0;
    if (!required && (kind == Rows.ALL_NULL || kind == Rows.RANDOM && r.nextInt(3) == 0)) {
      w.writeNull(0, 0);
      return;
    }
    if (kind == Rows.EMPTY_LISTS && !required && !name.equals("s")) {
      w.writeNull(0, 0);
      return;
    }
    writeValue(w, c, few, r, 0, maxDef);
  }

  private static final String[] WORDS = {"", "GET", "POST", "/api/v1/users", "caf\u00e9", "\u65e5\u672c", "x"};

  private static void writeValue(ColumnWriter w, ColumnDescriptor c, boolean few, Random r, int rep, int def) {
    switch (c.getPrimitiveType().getPrimitiveTypeName()) {
      case BINARY -> {
        Binary v;
        if (few) {
          v = Binary.fromString(WORDS[r.nextInt(WORDS.length)]);
        } else if (r.nextInt(10) == 0) {
          v = Binary.fromConstantByteArray(new byte[] {(byte) 0xff, (byte) r.nextInt(3), (byte) 0xc3}); // not UTF-8
        } else if (r.nextInt(4) == 0) {
          v = Binary.fromString(WORDS[r.nextInt(WORDS.length)]); // also in the dictionary
        } else {
          v = Binary.fromString("/api/v1/users/" + r.nextInt(100_000) + "/orders/" + Long.toHexString(r.nextLong()));
        }
        w.write(v, rep, def);
      }
      case INT64 -> {
        long v = few ? r.nextInt(4) : switch (r.nextInt(4)) {
          case 0 -> r.nextLong();
          case 1 -> r.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
          case 2 -> 1_700_000_000_000_000_000L + r.nextInt(1_000_000_000);
          default -> r.nextInt(1000) - 500;
        };
        w.write(v, rep, def);
      }
      case INT32 -> w.write(few ? r.nextInt(3) : switch (r.nextInt(3)) {
        case 0 -> r.nextInt();
        case 1 -> r.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        default -> r.nextInt(100);
      }, rep, def);
      case DOUBLE -> w.write(few ? r.nextInt(3) * 0.5 : switch (r.nextInt(4)) {
        case 0 -> Double.NaN;
        case 1 -> -0.0;
        default -> r.nextGaussian() * 1e6;
      }, rep, def);
      case BOOLEAN -> w.write(few ? r.nextInt(8) == 0 : r.nextBoolean(), rep, def);
      case FLOAT -> w.write(r.nextFloat(), rep, def);
      case FIXED_LEN_BYTE_ARRAY -> {
        byte[] b = new byte[c.getPrimitiveType().getTypeLength()];
        if (few) {
          b[b.length - 1] = (byte) r.nextInt(3);
        } else {
          r.nextBytes(b);
          if (r.nextBoolean()) {
            b[0] = 0x11; // shared prefixes for DELTA_BYTE_ARRAY
            b[1] = 0x22;
          }
        }
        w.write(Binary.fromConstantByteArray(b), rep, def);
      }
      default -> throw new IllegalArgumentException(c.toString());
    }
  }

  private static ParquetProperties.Builder props(ParquetProperties.WriterVersion version) {
    return ParquetProperties.builder().withWriterVersion(version).withStatisticsEnabled(false)
        .withMinRowCountForPageSizeCheck(1).withPageRowCountLimit(50).withPageSize(64 * 1024);
  }

  private static void checkAll(ColumnChunks chunks, String what) {
    for (ColumnDescriptor c : EDGE.getColumns()) {
      assertDecodesLikeParquetJava(c, chunks.chunk(c), what + " " + String.join(".", c.getPath()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"PARQUET_1_0", "PARQUET_2_0"})
  void randomValuesWithAndWithoutDictionaries(String version) {
    ParquetProperties.WriterVersion v = ParquetProperties.WriterVersion.valueOf(version);
    checkAll(write(props(v).withDictionaryEncoding(true).build(), Rows.RANDOM, 1_000, 1_000, 1), version + " dictionary");
    checkAll(write(props(v).withDictionaryEncoding(false).build(), Rows.RANDOM, 1_000, 0, 2), version + " plain");
    checkAll(write(props(v).withDictionaryEncoding(true).build(), Rows.RANDOM, 1_000, 0, 3), version + " high cardinality");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PARQUET_1_0", "PARQUET_2_0"})
  void pagesFallingBackFromDictionaryToPlainWithinAChunk(String version) {
    ParquetProperties.WriterVersion v = ParquetProperties.WriterVersion.valueOf(version);
    ColumnChunks chunks = write(props(v).withDictionaryEncoding(true).withDictionaryPageSize(2_000).build(), Rows.RANDOM, 2_000, 300, 4);
    checkAll(chunks, version + " fallback");
    for (String column : List.of("s", "rs", "l")) {
      List<Encoding> encodings = ChunkChecks.encodings(chunks.chunk(EDGE.getColumnDescription(new String[] {column})));
      assertThat(encodings).as(column).anyMatch(Encoding::usesDictionary).anyMatch(e -> !e.usesDictionary());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"PARQUET_1_0", "PARQUET_2_0"})
  void allNullsAndEmptyLists(String version) {
    ParquetProperties.WriterVersion v = ParquetProperties.WriterVersion.valueOf(version);
    for (boolean dictionary : new boolean[] {true, false}) {
      checkAll(write(props(v).withDictionaryEncoding(dictionary).build(), Rows.ALL_NULL, 300, 300, 5), version + " all null");
      checkAll(write(props(v).withDictionaryEncoding(dictionary).build(), Rows.EMPTY_LISTS, 300, 300, 6), version + " empty lists");
    }
  }

  @Test
  void oneRowAndOnePagePerRow() {
    checkAll(write(props(ParquetProperties.WriterVersion.PARQUET_2_0).build(), Rows.RANDOM, 1, 0, 7), "one row");
    checkAll(write(props(ParquetProperties.WriterVersion.PARQUET_2_0).withPageRowCountLimit(1).build(), Rows.RANDOM, 40, 10, 8), "page per row");
  }

  @Test
  void aChunkWithAnEncodingTheDecoderDoesNotTakeFallsBackWhole() {
    // BYTE_STREAM_SPLIT for the floating-point columns: the decoder leaves those chunks to parquet-java
    ParquetProperties p = props(ParquetProperties.WriterVersion.PARQUET_2_0).withDictionaryEncoding(false)
        .withByteStreamSplitEncoding(true).build();
    ColumnChunks chunks = write(p, Rows.RANDOM, 500, 0, 9);
    ColumnDescriptor d = EDGE.getColumnDescription(new String[] {"d"});
    ChunkPages chunk = chunks.chunk(d);
    assertThat(ChunkChecks.encodings(chunk)).contains(Encoding.BYTE_STREAM_SPLIT);
    assertThat(PageDecoder.decode(d, chunk)).isNull();
    ChunkChecks.assertSameVector("d", ColumnVectorReader.readWithParquet(d, chunk.reader()), ColumnVectorReader.read(d, chunk.reader()));
    // a float column holds no values in a vector, so its levels decode whatever the encoding
    ColumnDescriptor f = EDGE.getColumnDescription(new String[] {"f"});
    assertDecodesLikeParquetJava(f, chunks.chunk(f), "f");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PARQUET_1_0", "PARQUET_2_0"})
  void deltaLengthByteArrayPages(String version) {
    // our writer never picks DELTA_LENGTH_BYTE_ARRAY on its own (only inside DELTA_BYTE_ARRAY): ask for it
    org.apache.parquet.column.values.factory.ValuesWriterFactory factory = new org.apache.parquet.column.values.factory.ValuesWriterFactory() {
      private final org.apache.parquet.column.values.factory.DefaultValuesWriterFactory other =
          new org.apache.parquet.column.values.factory.DefaultValuesWriterFactory();

      @Override
      public void initialize(ParquetProperties properties) {
        other.initialize(properties);
      }

      @Override
      public org.apache.parquet.column.values.ValuesWriter newValuesWriter(ColumnDescriptor c) {
        return c.getPrimitiveType().getPrimitiveTypeName() == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY
            ? new org.apache.parquet.column.values.deltalengthbytearray.DeltaLengthByteArrayValuesWriter(
                64, 64 * 1024, org.apache.parquet.bytes.HeapByteBufferAllocator.getInstance())
            : other.newValuesWriter(c);
      }
    };
    ParquetProperties.WriterVersion v = ParquetProperties.WriterVersion.valueOf(version);
    ColumnChunks chunks = write(props(v).withValuesWriterFactory(factory).build(), Rows.RANDOM, 1_000, 200, 11);
    checkAll(chunks, version + " delta length");
    assertThat(ChunkChecks.encodings(chunks.chunk(EDGE.getColumnDescription(new String[] {"s"}))))
        .containsOnly(Encoding.DELTA_LENGTH_BYTE_ARRAY);
  }

  @Test
  void stringsOfPlainPagesAreDeduplicatedByBytesAfterTheDictionary() {
    ColumnChunks chunks = write(props(ParquetProperties.WriterVersion.PARQUET_2_0).withDictionaryPageSize(200).build(),
        Rows.RANDOM, 1_000, 100, 10);
    ColumnDescriptor s = EDGE.getColumnDescription(new String[] {"rs"});
    ColumnVector v = PageDecoder.decode(s, chunks.chunk(s));
    assertThat(v).isNotNull();
    String[] dict = v.dictionary();
    assertThat(dict.length).isGreaterThan(WORDS.length);
    assertThat(new String(new byte[] {(byte) 0xff, 0, (byte) 0xc3}, StandardCharsets.UTF_8)).isIn((Object[]) dict);
  }
}
