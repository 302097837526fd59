package io.tracestore.core.search;

import io.tracestore.api.Trace;
import java.util.function.Predicate;

/**
 * The stored traces a search runs over: each trace whole (fragments from the head and from
 * several blocks merged, each span id once). Implementations are thread-safe.
 */
public interface TraceSource {

  /**
   * Calls {@code visitor} for every stored trace with a span overlapping
   * {@code [startUnixNano, endUnixNano]}, in no particular order, until it returns false.
   *
   * @return what was read to do so
   */
  Stats forEachTrace(long startUnixNano, long endUnixNano, Predicate<Trace> visitor);

  /** Blocks read and blocks skipped by their time range. */
  record Stats(long blocksInspected, long blocksPruned) {}
}
