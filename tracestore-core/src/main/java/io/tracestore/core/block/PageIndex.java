package io.tracestore.core.block;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * The pages of one column chunk of a flat (non-repeated) column: the rows each holds and, where the
 * writer recorded them, each page's bounds (Parquet's offset and column indexes). For a flat column
 * a page's rows are its values, so a page whose bounds rule a predicate out need not be read.
 * Immutable; thread-safe.
 */
public final class PageIndex {
  private final long rows;
  private final OffsetIndex offsets;
  private final ColumnIndex bounds;
  private final PrimitiveTypeName type;
  // the column index builds these lists anew on every call: taken once
  private final List<ByteBuffer> mins;
  private final List<ByteBuffer> maxes;
  private final List<Boolean> nullPages;
  private final List<Long> nullCounts;

  PageIndex(long rows, OffsetIndex offsets, ColumnIndex bounds, PrimitiveTypeName type) {
    this.rows = rows;
    this.offsets = offsets;
    this.bounds = bounds;
    this.type = type;
    this.mins = bounds == null ? null : bounds.getMinValues();
    this.maxes = bounds == null ? null : bounds.getMaxValues();
    this.nullPages = bounds == null ? null : bounds.getNullPages();
    this.nullCounts = bounds == null ? null : bounds.getNullCounts();
  }

  /** Number of pages. */
  public int pageCount() {
    return offsets.getPageCount();
  }

  /** First row (row-group-local) of page {@code page}. */
  public long firstRow(int page) {
    return offsets.getFirstRowIndex(page);
  }

  /** One past the last row of page {@code page}. */
  public long endRow(int page) {
    return page + 1 < offsets.getPageCount() ? offsets.getFirstRowIndex(page + 1) : rows;
  }

  /** True if the writer recorded page bounds: otherwise every {@code min}/{@code max} call fails. */
  public boolean hasBounds() {
    return bounds != null;
  }

  /** True if every value of the page is null (then it has no bounds). */
  public boolean onlyNulls(int page) {
    return nullPages.get(page);
  }

  /** True if the page may hold nulls: it has some, or the writer did not count them. */
  public boolean mayHaveNulls(int page) {
    return nullCounts == null || nullCounts.get(page) > 0;
  }

  /** The page's smallest value as a number (INT32, INT64, BOOLEAN as 0/1); not for an {@link #onlyNulls} page. */
  public long minLong(int page) {
    return asLong(mins.get(page));
  }

  /** The page's largest value as a number; not for an {@link #onlyNulls} page. */
  public long maxLong(int page) {
    return asLong(maxes.get(page));
  }

  /** The page's smallest value of a DOUBLE column. */
  public double minDouble(int page) {
    ByteBuffer b = mins.get(page);
    return b.duplicate().order(ByteOrder.LITTLE_ENDIAN).getDouble(b.position());
  }

  /** The page's largest value of a DOUBLE column. */
  public double maxDouble(int page) {
    ByteBuffer b = maxes.get(page);
    return b.duplicate().order(ByteOrder.LITTLE_ENDIAN).getDouble(b.position());
  }

  /**
   * A lower bound of the page's byte-array values (UTF-8 bytes; possibly a truncated value, so
   * compare it as a prefix bound): every value is at least this in unsigned byte order.
   */
  public byte[] minBytes(int page) {
    return bytes(mins.get(page));
  }

  /** An upper bound of the page's byte-array values: every value is at most this in unsigned byte order. */
  public byte[] maxBytes(int page) {
    return bytes(maxes.get(page));
  }

  /** The column's physical type. */
  public PrimitiveTypeName type() {
    return type;
  }

  private long asLong(ByteBuffer b) {
    ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    return switch (type) {
      case INT32 -> le.getInt(le.position());
      case INT64 -> le.getLong(le.position());
      case BOOLEAN -> le.get(le.position()) != 0 ? 1 : 0;
      default -> throw new IllegalStateException("not an integral column: " + type);
    };
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
