package org.apache.parquet;

import java.util.HashMap;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.format.converter.ParquetMetadataConverter;

/**
 * Builds {@link ParquetReadOptions} without touching Hadoop. Every public way to build them loads
 * Hadoop classes (the builder's default codec factory), so this class lives in Parquet's package
 * to reach the package-private constructor. It is the one place TraceStore depends on a Parquet
 * internal: re-check the argument order (tested by {@code TraceStoreReadOptionsTest}) on every
 * Parquet upgrade.
 */
public final class TraceStoreReadOptions {
  private TraceStoreReadOptions() {}

  /**
   * Options with statistics and column-index filtering on, the given record filter (or none) and
   * codec factory. Dictionary and bloom filtering are off: TraceStore checks its cached bloom
   * filters itself, and Parquet's would re-read them from storage on every open.
   */
  public static ParquetReadOptions create(FilterCompat.Filter recordFilter, CompressionCodecFactory codecs) {
    return new ParquetReadOptions(
        false, // useSignedStringMinMax
        true, // useStatsFilter
        false, // useDictionaryFilter
        recordFilter != null, // useRecordFilter
        true, // useColumnIndexFilter
        true, // usePageChecksumVerification: a damaged page fails the read (and the block is quarantined)
        false, // useBloomFilter
        false, // useOffHeapDecryptBuffer
        false, // useHadoopVectoredIo
        recordFilter == null ? FilterCompat.NOOP : recordFilter,
        ParquetMetadataConverter.NO_FILTER,
        codecs,
        new HeapByteBufferAllocator(),
        8 * 1024 * 1024,
        new HashMap<>(),
        null,
        null,
        new PlainParquetConfiguration());
  }
}
