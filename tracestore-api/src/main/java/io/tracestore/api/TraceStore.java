package io.tracestore.api;

import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;

/**
 * An embedded store of OpenTelemetry spans. Implementations are thread-safe: any number of threads
 * may append and read at once.
 *
 * <p><b>Durability.</b> When {@link #append} returns, the spans are visible to every read of this
 * store (read-your-writes) and are as durable as the store's write-ahead-log policy promises: with
 * fsync {@code ALWAYS} they survive a crash of the process or machine; with {@code INTERVAL} they
 * survive a process crash and, after at most one interval, a machine crash; in-memory stores keep
 * nothing past the process. {@link #close()} writes everything still in memory into a block, so
 * after a clean shutdown every span is in a Parquet block that any Parquet reader can read.
 */
public interface TraceStore extends AutoCloseable {

  /**
   * Stores a batch of spans, all or nothing: if any span is invalid an {@link InvalidSpanException}
   * names it and the field, and none of the batch is stored.
   *
   * @throws InvalidSpanException if a span is invalid (nothing stored)
   * @throws LimitExceededException if the batch would pass a configured limit: a
   *     {@link TraceTooLargeException}, a {@link RateLimitedException}, or the live-trace limit
   *     (nothing stored)
   * @throws StorageException if the write-ahead log could not be written (nothing acknowledged)
   * @throws IllegalStateException if the store is closed
   */
  void append(Collection<Span> spans);

  /** Stores spans; see {@link #append(Collection)}. */
  default void append(Span... spans) {
    append(Arrays.asList(spans));
  }

  /**
   * Decodes an OTLP trace export request (optionally gzip-compressed) and appends its spans as one
   * batch, all or nothing.
   *
   * @return the number of spans appended
   * @throws CorruptDataException if the bytes are not a well-formed request (the message gives the
   *     byte offset or JSON path); nothing is stored
   * @throws InvalidSpanException if a decoded span is invalid; nothing is stored
   */
  int appendOtlp(byte[] request, OtlpEncoding encoding);

  /**
   * Every stored span of one trace, from the in-memory head and every block, each span id once
   * (a span stored twice, e.g. by a client's retry, appears once). Empty if nothing is stored.
   */
  Optional<Trace> findTrace(TraceId traceId);

  /**
   * Runs a TraceQL search over every stored span (in memory and in blocks) with the default
   * limits: the 20 newest matching traces, 3 spans listed per span set.
   *
   * @throws TraceStoreException an {@code io.tracestore.traceql.TraceQLException} (with line and
   *     column) if the query is invalid or not a search query
   */
  default SearchResult search(String traceql) {
    return search(SearchRequest.of(traceql));
  }

  /**
   * Runs a TraceQL search. Results are the newest matching traces by start time, deterministic
   * for the same stored spans.
   *
   * @throws TraceStoreException an {@code io.tracestore.traceql.TraceQLException} if the query is
   *     invalid, a {@link SearchTimeoutException} past the request's timeout
   */
  SearchResult search(SearchRequest request);

  /**
   * Writes every span held in memory into a new block now, whatever the cut policy says. Returns
   * when the block is committed. Does nothing if the head is empty.
   */
  void flush();

  /**
   * Attribute names seen in stored spans overlapping {@code [startUnixNano, endUnixNano]}, per
   * scope ({@code resource}, {@code span}, {@code event}, {@code link}, {@code instrumentation}),
   * sorted — as Tempo's {@code /api/v2/search/tags}.
   */
  java.util.Map<String, java.util.List<String>> tagNames(long startUnixNano, long endUnixNano);

  /**
   * Distinct values of one tag in stored spans overlapping the range, sorted by type then value,
   * at most {@code limit} (0 = all) — as Tempo's {@code /api/v2/search/tag/{tag}/values}. A tag is
   * {@code resource.x}, {@code span.x}, {@code event.x}, {@code link.x},
   * {@code instrumentation.x}, unscoped {@code .x}, or {@code name}, {@code status}, {@code kind},
   * {@code statusMessage}.
   *
   * @throws IllegalArgumentException for a tag of another form
   */
  java.util.List<AttributeValue> tagValues(String tag, long startUnixNano, long endUnixNano, int limit);

  /**
   * Merges small committed blocks that cover the same hour into larger ones (2–4 blocks of one
   * compaction level per merge, pass after pass until nothing is left to merge), merging the
   * fragments of traces split across them and dropping spans stored twice. Readers see every span
   * throughout (a span may be in an old and the new block for a moment; reads merge by span id);
   * replaced blocks are deleted after a grace period. Safe to run while appending and reading.
   *
   * Blocks wholly older than the store's block retention are deleted the same way.
   *
   * @return the number of blocks removed by merging or retention (0 if nothing was to do)
   */
  int compact();

  /** Flushes the head into a block and releases resources. Idempotent. */
  @Override
  void close();
}
