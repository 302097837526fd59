package io.tracestore.core.search;

import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.TraceStoreException;
import io.tracestore.traceql.TraceQL;

/** Runs TraceQL searches over a {@link TraceSource}. Thread-safe. */
public final class SearchEngine {

  /**
   * Runs {@code request} over {@code source}.
   *
   * @throws io.tracestore.traceql.TraceQLException if the query is invalid
   */
  public SearchResult search(SearchRequest request, TraceSource source) {
    TraceQL.parse(request.query()); // report invalid queries with their position
    throw new TraceStoreException("TraceQL search is not available yet: the query is valid, but this build has no search engine");
  }
}
