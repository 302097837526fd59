package io.tracestore.core.block;

import io.tracestore.core.storage.InMemoryObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.TraceStoreReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;

/**
 * Public access to the two column-chunk decoders for the benchmarks module (which depends on this
 * test jar), so the main code keeps them package-private: {@link PageDecoder} with its fallback, as
 * {@code BlockReader} uses it, and parquet-java's value-by-value path.
 */
public final class ChunkDecoding {
  private ChunkDecoding() {}

  /** One column chunk of one row group, decompressed and held in memory. */
  public static final class Chunk {
    private final int rowGroup;
    private final ColumnDescriptor column;
    private final ChunkPages pages;

    private Chunk(int rowGroup, ColumnDescriptor column, ChunkPages pages) {
      this.rowGroup = rowGroup;
      this.column = column;
      this.pages = pages;
    }

    public int rowGroup() {
      return rowGroup;
    }

    /** Dotted column path, as the footer names it. */
    public String path() {
      return String.join(".", column.getPath());
    }

    /** Slots (leaf entries, nulls included) the chunk holds. */
    public long values() {
      return pages.totalValueCount();
    }

    /** False if {@link #decodeVectorized()} falls back to parquet-java for this chunk. */
    public boolean vectorized() {
      return PageDecoder.canDecode(column, pages);
    }

    /** As {@code BlockReader} decodes a chunk: {@link PageDecoder}, parquet-java where it does not take the chunk. */
    public ColumnVector decodeVectorized() {
      ColumnVector v = PageDecoder.decode(column, pages);
      return v != null ? v : ColumnVectorReader.readWithParquet(column, pages.reader());
    }

    /** Through parquet-java's column reader, value by value (the path before {@link PageDecoder}). */
    public ColumnVector decodeWithParquetJava() {
      return ColumnVectorReader.readWithParquet(column, pages.reader());
    }
  }

  /** Every column chunk of every row group of a block's {@code data.parquet}, pages decompressed. */
  public static List<Chunk> chunks(byte[] data) {
    InMemoryObjectStore store = new InMemoryObjectStore();
    try {
      store.put("data.parquet", data);
      ObjectStoreInputFile file = new ObjectStoreInputFile(store, "data.parquet", data.length);
      List<Chunk> out = new ArrayList<>();
      try (ParquetFileReader reader = new ParquetFileReader(file, TraceStoreReadOptions.create(null, CodecFactory.INSTANCE))) {
        List<ColumnDescriptor> columns = reader.getFooter().getFileMetaData().getSchema().getColumns();
        for (int rg = 0; rg < reader.getRowGroups().size(); rg++) {
          try (PageReadStore pages = reader.readRowGroup(rg)) {
            for (ColumnDescriptor c : columns) {
              out.add(new Chunk(rg, c, ChunkPages.read(pages.getPageReader(c))));
            }
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
