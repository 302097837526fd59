package io.tracestore.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.parquet.TraceStoreReadOptions;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;

/** Where a block's bytes go: compressed bytes per top-level column, read from the Parquet footer. */
final class BlockStats {
  private BlockStats() {}

  /** Footer-only reads never decompress a page. */
  private static final CompressionCodecFactory NO_CODECS = new CompressionCodecFactory() {
    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void release() {}
  };

  /** Compressed bytes by top-level column (nested columns summed), largest first. */
  static Map<String, Long> bytesByColumn(byte[] parquet) {
    Path tmp = null;
    try {
      tmp = Files.createTempFile("tracestore-bench-block-", ".parquet");
      Files.write(tmp, parquet);
      ParquetMetadata footer;
      try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(tmp), TraceStoreReadOptions.create(null, NO_CODECS))) {
        footer = reader.getFooter();
      }
      Map<String, Long> bytes = new LinkedHashMap<>();
      for (BlockMetaData group : footer.getBlocks()) {
        for (ColumnChunkMetaData c : group.getColumns()) {
          bytes.merge(c.getPath().toArray()[0], c.getTotalSize(), Long::sum);
        }
      }
      return bytes.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // a temp file left behind is harmless
        }
      }
    }
  }

  /** One line: bytes per span of the largest columns. */
  static String describe(byte[] parquet, int spans) {
    StringBuilder sb = new StringBuilder();
    long footerAndRest = parquet.length;
    int shown = 0;
    for (Map.Entry<String, Long> e : bytesByColumn(parquet).entrySet()) {
      footerAndRest -= e.getValue();
      if (shown++ < 12) {
        sb.append(String.format(" %s=%.2f", e.getKey(), (double) e.getValue() / spans));
      }
    }
    return "bytes/span by column:" + sb + String.format(" | footer, indexes, bloom filters and the rest=%.2f", (double) footerAndRest / spans);
  }
}
