package io.tracestore.core.search;

/** Counters of one search, filled as it runs. Not thread-safe: one per search (or per worker). */
final class ScanStats {
  long blocksInspected;
  long blocksPruned;
  long rowGroupsInspected;
  long rowGroupsPruned;
  long pagesInspected;
  long pagesPruned;
  long tracesMaterialized;
  long bytesDecoded;
  long cacheHits;
  long cacheMisses;

  void add(ScanStats o) {
    blocksInspected += o.blocksInspected;
    blocksPruned += o.blocksPruned;
    rowGroupsInspected += o.rowGroupsInspected;
    rowGroupsPruned += o.rowGroupsPruned;
    pagesInspected += o.pagesInspected;
    pagesPruned += o.pagesPruned;
    tracesMaterialized += o.tracesMaterialized;
    bytesDecoded += o.bytesDecoded;
    cacheHits += o.cacheHits;
    cacheMisses += o.cacheMisses;
  }
}
