/**
 * TraceQL search over whole, materialized traces: {@link io.tracestore.core.search.SearchEngine}
 * compiles a query once into closures and evaluates it trace by trace over a {@link
 * io.tracestore.core.search.TraceSource}.
 *
 * <p>Semantics follow Grafana Tempo's engine:
 *
 * <ul>
 *   <li><b>Fields.</b> {@code span.x}, {@code resource.x}, {@code instrumentation.x} (scope
 *       attributes), unscoped {@code .x} (the span attribute, else the resource attribute), {@code
 *       event.x} and {@code link.x}; intrinsics {@code name status statusMessage kind duration
 *       span:id span:parentID span:childCount trace:id trace:duration trace:rootName
 *       trace:rootService event:name event:timeSinceStart link:traceID link:spanID
 *       instrumentation:name instrumentation:version nestedSetLeft nestedSetRight nestedSetParent}
 *       and their legacy and {@code span:} spellings. A filter reading event (link) fields is true
 *       for a span if it is true for one of its events (links), evaluated on that one event, so
 *       {@code { event:name = "retry" && event.attempt = 2 }} needs both on the same event. The
 *       trace's root is its earliest span without a parent id; without one, {@code trace:rootName}
 *       and {@code trace:rootService} are empty, as in Tempo's blocks.
 *   <li><b>Values and comparisons.</b> int, float and duration compare numerically with each other
 *       (durations as nanoseconds: {@code duration > 1} means one nanosecond); strings by code
 *       point; booleans, statuses and kinds by equality. A missing attribute, or one of another
 *       kind than the other side, makes every comparison false, {@code !=} included, except {@code
 *       = nil} / {@code != nil}, which test absence and presence. Arrays match {@code = =~ < <= > >=}
 *       if any element does and {@code != !~} if every element does. {@code =~} and {@code !~} are
 *       fully anchored RE2. Arithmetic: int with int stays int (so {@code 2 / 6 = 0}, as in Tempo;
 *       division by zero is nil), otherwise float; nil or non-numbers give nil. {@code && || !}
 *       treat anything but {@code true} as false.
 *   <li><b>Spanset operators, pipelines, results:</b> see {@code PipelineCompiler}, {@code
 *       Structural} and {@link io.tracestore.core.search.SearchEngine}. Structural operators follow the parent
 *       span ids present in the trace: an orphan (its parent absent) starts a tree of its own, and
 *       roots are not siblings of each other.
 * </ul>
 *
 * <p>The vectorized Parquet engine is expected to reuse {@code Structural} and the
 * pipeline stages, which work on arrays of span indexes.
 */
package io.tracestore.core.search;
