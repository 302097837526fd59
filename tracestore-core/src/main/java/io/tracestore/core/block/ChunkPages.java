package io.tracestore.core.block;

import io.tracestore.api.CorruptDataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.statistics.Statistics;

/**
 * Every page of one column chunk, taken from a {@link PageReader} (which decompresses them) and held
 * as byte arrays, so the chunk can be decoded more than once: by {@link PageDecoder}, and by
 * parquet-java's reader through {@link #reader()} when {@code PageDecoder} does not take it. Immutable.
 */
final class ChunkPages {
  /** A range of a byte array; never modified. */
  record Bytes(byte[] array, int offset, int length) {
    static final Bytes EMPTY = new Bytes(new byte[0], 0, 0);

    static Bytes of(BytesInput in) {
      try {
        if (in == null || in.size() == 0) {
          return EMPTY;
        }
        ByteBuffer b = in.toByteBuffer();
        if (b.hasArray()) {
          return new Bytes(b.array(), b.arrayOffset() + b.position(), b.remaining());
        }
        byte[] copy = new byte[b.remaining()];
        b.duplicate().get(copy);
        return new Bytes(copy, 0, copy.length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    BytesInput input() {
      return BytesInput.from(array, offset, length);
    }
  }

  /**
   * One data page. For v2 the levels are in {@code rep} and {@code def} (never compressed) and
   * {@code data} holds the values; for v1 {@code data} holds levels and values and {@code rep}/{@code
   * def} are empty.
   */
  record Data(boolean v2, int valueCount, int rowCount, int nullCount, Encoding rlEncoding, Encoding dlEncoding,
      Encoding valueEncoding, Bytes rep, Bytes def, Bytes data, int uncompressedSize, boolean compressed, Statistics<?> statistics) {}

  /** The dictionary page. */
  record Dictionary(Bytes data, int size, Encoding encoding) {}

  private final Dictionary dictionary;
  private final List<Data> pages;
  private final long totalValueCount;

  private ChunkPages(Dictionary dictionary, List<Data> pages, long totalValueCount) {
    this.dictionary = dictionary;
    this.pages = pages;
    this.totalValueCount = totalValueCount;
  }

  /** The chunk (or part of one) made of these pages, in order. */
  static ChunkPages of(Dictionary dictionary, List<Data> pages) {
    long total = 0;
    for (Data p : pages) {
      total += p.valueCount();
    }
    return new ChunkPages(dictionary, List.copyOf(pages), total);
  }

  /** Reads (and so decompresses) every page {@code reader} holds; the reader is used up. */
  static ChunkPages read(PageReader reader) {
    DictionaryPage d = reader.readDictionaryPage();
    Dictionary dictionary = d == null ? null : new Dictionary(Bytes.of(d.getBytes()), d.getDictionarySize(), d.getEncoding());
    List<Data> pages = new ArrayList<>();
    long total = reader.getTotalValueCount();
    long seen = 0;
    // the reader returns null (or, in some versions, throws) after the last page: stop at the count
    while (seen < total) {
      DataPage p = reader.readPage();
      if (p == null) {
        break;
      }
      seen += p.getValueCount();
      if (p instanceof DataPageV2 v2) {
        pages.add(new Data(true, v2.getValueCount(), v2.getRowCount(), v2.getNullCount(), Encoding.RLE, Encoding.RLE,
            v2.getDataEncoding(), Bytes.of(v2.getRepetitionLevels()), Bytes.of(v2.getDefinitionLevels()), Bytes.of(v2.getData()),
            v2.getUncompressedSize(), v2.isCompressed(), v2.getStatistics()));
      } else if (p instanceof DataPageV1 v1) {
        pages.add(new Data(false, v1.getValueCount(), -1, -1, v1.getRlEncoding(), v1.getDlEncoding(), v1.getValueEncoding(),
            Bytes.EMPTY, Bytes.EMPTY, Bytes.of(v1.getBytes()), v1.getUncompressedSize(), false, v1.getStatistics()));
      } else {
        throw new CorruptDataException("unknown data page kind " + p.getClass().getName());
      }
    }
    return new ChunkPages(dictionary, List.copyOf(pages), total);
  }

  Dictionary dictionary() {
    return dictionary;
  }

  List<Data> pages() {
    return pages;
  }

  /** The slot count the chunk's metadata announces. */
  long totalValueCount() {
    return totalValueCount;
  }

  /** A new reader over these pages, from the first, for parquet-java's column reader. */
  PageReader reader() {
    return new PageReader() {
      private int next;

      @Override
      public DictionaryPage readDictionaryPage() {
        return dictionary == null ? null : new DictionaryPage(dictionary.data().input(), dictionary.size(), dictionary.encoding());
      }

      @Override
      public long getTotalValueCount() {
        return totalValueCount;
      }

      @Override
      public DataPage readPage() {
        if (next == pages.size()) {
          return null;
        }
        Data p = pages.get(next++);
        if (p.v2()) {
          return new DataPageV2(p.rowCount(), p.nullCount(), p.valueCount(), p.rep().input(), p.def().input(),
              p.valueEncoding(), p.data().input(), p.uncompressedSize(), p.statistics(), p.compressed());
        }
        return new DataPageV1(p.data().input(), p.valueCount(), p.uncompressedSize(), p.statistics(),
            p.rlEncoding(), p.dlEncoding(), p.valueEncoding());
      }
    };
  }
}
