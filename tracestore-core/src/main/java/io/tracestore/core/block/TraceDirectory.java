package io.tracestore.core.block;

import io.tracestore.api.TraceId;
import java.util.Arrays;

/**
 * Where each trace's run of rows is in a block, and when it happened: its trace ids in block order
 * with their first row, start and end (of the block's fragment of the trace). Built once per block
 * from the {@code trace_id}, {@code trace_start_unix_nano} and {@code trace_duration_nano} columns
 * (40 bytes per trace); it turns a lookup into a binary search and lets a search order a block's
 * traces by start without reading anything else. Immutable and thread-safe.
 */
public final class TraceDirectory {
  private final long[] high;
  private final long[] low;
  /** First row of trace i; {@code firstRow[traceCount]} is the block's row count. */
  private final long[] firstRow;
  private final long[] start;
  private final long[] end;

  private TraceDirectory(long[] high, long[] low, long[] firstRow, long[] start, long[] end) {
    this.high = high;
    this.low = low;
    this.firstRow = firstRow;
    this.start = start;
    this.end = end;
  }

  /** Number of traces in the block. */
  public int traceCount() {
    return high.length;
  }

  /** Index of the trace in block order, or -1 if the block does not hold it. */
  public int indexOf(TraceId id) {
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
        return mid;
      }
    }
    return -1;
  }

  /** Index of the trace holding block row {@code row} (0 &lt;= row &lt; row count). */
  public int traceAt(long row) {
    int lo = 0;
    int hi = high.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (firstRow[mid] <= row) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** The id of trace {@code i}. */
  public TraceId traceId(int i) {
    return TraceId.of(high[i], low[i]);
  }

  /** High half of trace {@code i}'s id (for comparisons without allocation). */
  public long high(int i) {
    return high[i];
  }

  /** Low half of trace {@code i}'s id. */
  public long low(int i) {
    return low[i];
  }

  /** First block row of trace {@code i}; {@code firstRow(traceCount())} is the row count. */
  public long firstRow(int i) {
    return firstRow[i];
  }

  /** Earliest span start of trace {@code i} in this block. */
  public long start(int i) {
    return start[i];
  }

  /** Latest span end of trace {@code i} in this block. */
  public long end(int i) {
    return end[i];
  }

  /** Bytes held. */
  public long sizeBytes() {
    return 48L * high.length;
  }

  /** Accumulates row groups' columns in block order. */
  static final class Builder {
    private long[] high;
    private long[] low;
    private long[] first;
    private long[] start;
    private long[] end;
    private int traces;
    private long row;

    Builder(int expectedTraces) {
      int capacity = Math.max(16, expectedTraces);
      high = new long[capacity];
      low = new long[capacity];
      first = new long[capacity + 1];
      start = new long[capacity];
      end = new long[capacity];
    }

    /** Adds one row group: its trace_id (ID128), trace start and trace duration vectors. */
    void add(ColumnVector ids, ColumnVector traceStart, ColumnVector traceDuration) {
      long[] id = ids.longs();
      long[] s = traceStart.longs();
      long[] d = traceDuration.longs();
      for (int r = 0, n = ids.size(); r < n; r++) {
        long h = id[2 * r];
        long l = id[2 * r + 1];
        if (traces == 0 || h != high[traces - 1] || l != low[traces - 1]) {
          if (traces == high.length) {
            int c = traces * 2;
            high = Arrays.copyOf(high, c);
            low = Arrays.copyOf(low, c);
            first = Arrays.copyOf(first, c + 1);
            start = Arrays.copyOf(start, c);
            end = Arrays.copyOf(end, c);
          }
          high[traces] = h;
          low[traces] = l;
          first[traces] = row;
          start[traces] = s[r];
          end[traces] = s[r] + d[r];
          traces++;
        }
        row++;
      }
    }

    TraceDirectory build() {
      long[] f = Arrays.copyOf(first, traces + 1);
      f[traces] = row;
      return new TraceDirectory(Arrays.copyOf(high, traces), Arrays.copyOf(low, traces), f,
          Arrays.copyOf(start, traces), Arrays.copyOf(end, traces));
    }
  }
}
