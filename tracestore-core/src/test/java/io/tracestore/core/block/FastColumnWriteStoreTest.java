package io.tracestore.core.block;

import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BOOLEAN;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;

/**
 * {@link FastColumnWriteStore} writes the same file, byte for byte, as parquet-java's own column
 * writers for the same records: dictionaries, both dictionary fallbacks, size-cut pages, nulls at
 * every nesting level, statistics, size statistics, page checksums and a bloom filter.
 */
class FastColumnWriteStoreTest {
  private static final MessageType SCHEMA = schema();

  private static MessageType schema() {
    Types.MessageTypeBuilder m = Types.buildMessage();
    m.required(BINARY).as(stringType()).named("s_low");
    m.optional(BINARY).as(stringType()).named("s_unique");
    m.optional(BINARY).as(stringType()).named("s_grow");
    m.required(INT32).named("i_low");
    m.optional(INT64).named("l_unique");
    m.optional(INT64).named("l_low");
    m.optional(DOUBLE).named("d");
    m.optional(BOOLEAN).named("b");
    m.required(FIXED_LEN_BYTE_ARRAY).length(8).named("id8");
    m.optional(FIXED_LEN_BYTE_ARRAY).length(16).named("id16");
    m.optional(FIXED_LEN_BYTE_ARRAY).length(4).named("fixed_dict");
    m.optional(BINARY).named("raw");
    m.addField(Types.optionalGroup().as(LogicalTypeAnnotation.listType())
        .repeatedGroup().addField(Types.requiredGroup()
            .required(BINARY).as(stringType()).named("key")
            .optional(BINARY).as(stringType()).named("str")
            .optional(INT64).named("int")
            .addField(Types.optionalGroup().as(LogicalTypeAnnotation.listType())
                .repeatedGroup().addField(Types.requiredGroup()
                    .required(INT32).named("x")
                    .optional(BINARY).as(stringType()).named("y")
                    .named("element")).named("list")
                .named("inner"))
            .named("element")).named("list")
        .named("attrs"));
    return m.named("row");
  }

  private static ParquetProperties props(int pageRows) {
    return ParquetProperties.builder()
        .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
        .withDictionaryEncoding(true)
        .withDictionaryEncoding("id8", false)
        .withDictionaryEncoding("id16", false)
        .withRowGroupRowCountLimit(1 << 30)
        .withPageRowCountLimit(pageRows)
        .withPageSize(1024 * 1024)
        .withBloomFilterEnabled("id16", true)
        .withBloomFilterNDV("id16", 5_000)
        .withBloomFilterFPP("id16", 0.01)
        .withStatisticsEnabled(true)
        .build();
  }

  @Test
  void sameFileAsParquetJavasColumnWriters() throws IOException {
    for (int pageRows : new int[] {10_000, 777}) {
      for (long seed = 1; seed <= 3; seed++) {
        ParquetProperties props = props(pageRows);
        byte[] expected = write(seed, 2, 12_000, props, (pages, p) -> p.newColumnWriteStore(SCHEMA, pages, pages));
        byte[] actual = write(seed, 2, 12_000, props, (pages, p) -> new FastColumnWriteStore(SCHEMA, pages, pages, p));
        assertThat(actual).as("seed %d, page rows %d", seed, pageRows).isEqualTo(expected);
      }
    }
  }

  @Test
  void theRecordsExerciseBothDictionaryFallbacks() throws IOException {
    // small pages: the first page of s_grow holds small strings only, so its dictionary is kept and
    // then outgrows the dictionary page size
    ParquetProperties props = props(777);
    byte[] file = write(1, 1, 12_000, props, (pages, p) -> new FastColumnWriteStore(SCHEMA, pages, pages, p));
    Map<String, Set<Encoding>> encodings = encodings(file);
    assertThat(encodings.get("s_low")).contains(Encoding.RLE_DICTIONARY).doesNotContain(Encoding.DELTA_BYTE_ARRAY);
    assertThat(encodings.get("s_unique")).contains(Encoding.DELTA_BYTE_ARRAY).doesNotContain(Encoding.RLE_DICTIONARY);
    assertThat(encodings.get("s_grow")).contains(Encoding.RLE_DICTIONARY, Encoding.DELTA_BYTE_ARRAY);
    assertThat(encodings.get("l_unique")).contains(Encoding.DELTA_BINARY_PACKED).doesNotContain(Encoding.RLE_DICTIONARY);
    assertThat(encodings.get("d")).contains(Encoding.RLE_DICTIONARY);
  }

  private static Map<String, Set<Encoding>> encodings(byte[] file) throws IOException {
    java.util.Map<String, Set<Encoding>> result = new java.util.HashMap<>();
    java.nio.file.Path tmp = java.nio.file.Files.createTempFile("fast-store", ".parquet");
    try {
      java.nio.file.Files.write(tmp, file);
      try (var reader = new org.apache.parquet.hadoop.ParquetFileReader(new org.apache.parquet.io.LocalInputFile(tmp),
          org.apache.parquet.TraceStoreReadOptions.create(null, CodecFactory.INSTANCE))) {
        for (BlockMetaData b : reader.getFooter().getBlocks()) {
          for (ColumnChunkMetaData c : b.getColumns()) {
            result.computeIfAbsent(c.getPath().toDotString(), k -> EnumSet.noneOf(Encoding.class)).addAll(c.getEncodings());
          }
        }
      }
    } finally {
      java.nio.file.Files.deleteIfExists(tmp);
    }
    return result;
  }

  private static byte[] write(long seed, int rowGroups, int rowsPerGroup, ParquetProperties props,
      BiFunction<ColumnChunkPageWriteStore, ParquetProperties, ColumnWriteStore> stores) throws IOException {
    ByteArrayOutputFile file = new ByteArrayOutputFile();
    CompressionCodecFactory.BytesInputCompressor compressor = new CodecFactory(3).getCompressor(CompressionCodecName.ZSTD);
    ParquetFileWriter writer = new ParquetFileWriter(file, SCHEMA, ParquetFileWriter.Mode.CREATE, 1L << 30,
        ParquetWriter.MAX_PADDING_SIZE_DEFAULT, null, props);
    writer.start();
    Random r = new Random(seed);
    for (int g = 0; g < rowGroups; g++) {
      ColumnChunkPageWriteStore pages = ColumnChunkPageWriteStore.builder()
          .withCompressorProvider(c -> compressor)
          .withSchema(SCHEMA)
          .withAllocator(props.getAllocator())
          .withColumnIndexTruncateLength(props.getColumnIndexTruncateLength())
          .withPageWriteChecksumEnabled(props.getPageWriteChecksumEnabled())
          .build();
      ColumnWriteStore columns = stores.apply(pages, props);
      RecordConsumer rc = new ColumnIOFactory(false).getColumnIO(SCHEMA).getRecordWriter(columns);
      for (int i = 0; i < rowsPerGroup; i++) {
        rc.startMessage();
        writeFields(rc, SCHEMA, r, i);
        rc.endMessage();
      }
      rc.flush();
      writer.startBlock(rowsPerGroup);
      columns.flush();
      pages.flushToFileWriter(writer);
      writer.endBlock();
      columns.close();
      pages.close();
    }
    writer.end(Map.of());
    return file.buffer().toByteArray();
  }

  private static void writeFields(RecordConsumer rc, GroupType group, Random r, int row) {
    for (int f = 0; f < group.getFieldCount(); f++) {
      Type t = group.getType(f);
      int n;
      if (t.isRepetition(Type.Repetition.REPEATED)) {
        n = r.nextInt(4);
      } else if (t.isRepetition(Type.Repetition.OPTIONAL)) {
        n = r.nextInt(5) == 0 ? 0 : 1;
      } else {
        n = 1;
      }
      if (n == 0) {
        continue;
      }
      rc.startField(t.getName(), f);
      for (int k = 0; k < n; k++) {
        if (t.isPrimitive()) {
          value(rc, t.asPrimitiveType(), r, row);
        } else {
          rc.startGroup();
          writeFields(rc, t.asGroupType(), r, row);
          rc.endGroup();
        }
      }
      rc.endField(t.getName(), f);
    }
  }

  private static void value(RecordConsumer rc, PrimitiveType t, Random r, int row) {
    switch (t.getName()) {
      case "s_low", "key" -> rc.addBinary(Binary.fromString("k" + r.nextInt(20)));
      case "s_unique" -> rc.addBinary(Binary.fromString("unique-" + row + "-" + r.nextLong()));
      case "s_grow" -> rc.addBinary(Binary.fromString(row < 3_000 || row >= 12_000
          ? "small" + r.nextInt(8) : "x".repeat(250 + r.nextInt(100)) + r.nextLong()));
      case "str", "y" -> rc.addBinary(Binary.fromString(r.nextBoolean() ? "" : "v" + r.nextInt(300)));
      case "raw" -> {
        byte[] b = new byte[r.nextInt(5)];
        r.nextBytes(b);
        rc.addBinary(Binary.fromReusedByteArray(b));
      }
      case "i_low", "x" -> rc.addInteger(r.nextInt(9) - 4);
      case "l_unique" -> rc.addLong(r.nextLong());
      case "l_low", "int" -> rc.addLong(r.nextInt(100) * 1_000_000_007L);
      case "d" -> rc.addDouble(new double[] {0.0, -0.0, Double.NaN, 1.5, -7.25, Double.MAX_VALUE}[r.nextInt(6)]);
      case "b" -> rc.addBoolean(r.nextBoolean());
      case "id8", "id16", "fixed_dict" -> {
        byte[] b = new byte[t.getTypeLength()];
        if (t.getName().equals("fixed_dict")) {
          b[0] = (byte) r.nextInt(10);
        } else {
          r.nextBytes(b);
        }
        rc.addBinary(Binary.fromReusedByteArray(b));
      }
      default -> throw new IllegalStateException(t.getName());
    }
  }
}
