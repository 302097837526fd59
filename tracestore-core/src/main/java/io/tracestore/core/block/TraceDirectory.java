package io.tracestore.core.block;

import io.tracestore.api.TraceId;
import java.io.IOException;
import java.util.Arrays;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;

/**
 * Where each trace's run of rows is in a block: its trace ids in block order with their first row.
 * Built once per block from the {@code trace_id} column (24 bytes per trace), it turns a lookup
 * into a binary search instead of a scan of the column. Immutable and thread-safe.
 */
final class TraceDirectory {
  private final long[] high;
  private final long[] low;
  /** First row of trace i; {@code firstRow[traceCount]} is the block's row count. */
  private final long[] firstRow;

  private TraceDirectory(long[] high, long[] low, long[] firstRow) {
    this.high = high;
    this.low = low;
    this.firstRow = firstRow;
  }

  /** Rows {@code [first, last]} of the trace, or null if the block does not hold it. */
  long[] rows(TraceId id) {
    int lo = 0;
    int hi = high.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Long.compareUnsigned(high[mid], id.high());
      if (c == 0) {
        c = Long.compareUnsigned(low[mid], id.low());
      }
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return new long[] {firstRow[mid], firstRow[mid + 1] - 1};
      }
    }
    return null;
  }

  /** Bytes held. */
  long sizeBytes() {
    return 24L * high.length;
  }

  /** Reads the {@code trace_id} column of every row group of the file. */
  static TraceDirectory build(ParquetFileReader reader, MessageType schema, int expectedTraces) throws IOException {
    MessageType idOnly = new MessageType(schema.getName(), schema.getType(BlockSchema.TRACE_ID));
    reader.setRequestedSchema(idOnly);
    Collector c = new Collector(Math.max(16, expectedTraces));
    PageReadStore pages;
    while ((pages = reader.readNextRowGroup()) != null) {
      try (PageReadStore p = pages) {
        RecordReader<Binary> ids = new ColumnIOFactory().getColumnIO(idOnly).getRecordReader(p, c.materializer);
        for (long r = 0, n = p.getRowCount(); r < n; r++) {
          c.add(ids.read());
        }
      }
    }
    return c.finish();
  }

  private static final class Collector {
    long[] high;
    long[] low;
    long[] first;
    int traces;
    long row;
    private Binary current;
    final RecordMaterializer<Binary> materializer = new RecordMaterializer<>() {
      private final GroupConverter root = Converters.struct(new Converter[] {Converters.binary(v -> current = v)}, () -> {}, () -> {});

      @Override
      public Binary getCurrentRecord() {
        return current;
      }

      @Override
      public GroupConverter getRootConverter() {
        return root;
      }
    };

    Collector(int capacity) {
      high = new long[capacity];
      low = new long[capacity];
      first = new long[capacity + 1];
    }

    void add(Binary id) {
      TraceId t = TraceId.fromBytes(id.getBytes());
      if (traces == 0 || t.high() != high[traces - 1] || t.low() != low[traces - 1]) {
        if (traces == high.length) {
          high = Arrays.copyOf(high, traces * 2);
          low = Arrays.copyOf(low, traces * 2);
          first = Arrays.copyOf(first, traces * 2 + 1);
        }
        high[traces] = t.high();
        low[traces] = t.low();
        first[traces] = row;
        traces++;
      }
      row++;
    }

    TraceDirectory finish() {
      long[] f = Arrays.copyOf(first, traces + 1);
      f[traces] = row;
      return new TraceDirectory(Arrays.copyOf(high, traces), Arrays.copyOf(low, traces), f);
    }
  }
}
