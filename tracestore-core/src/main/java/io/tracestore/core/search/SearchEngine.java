package io.tracestore.core.search;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.SearchTimeoutException;
import io.tracestore.api.Span;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStoreException;
import io.tracestore.traceql.TraceQL;
import io.tracestore.traceql.ast.Attribute;
import io.tracestore.traceql.ast.BinaryExpr;
import io.tracestore.traceql.ast.FieldExpr;
import io.tracestore.traceql.ast.FieldRef;
import io.tracestore.traceql.ast.GroupBy;
import io.tracestore.traceql.ast.IntrinsicField;
import io.tracestore.traceql.ast.Pipeline;
import io.tracestore.traceql.ast.PipelineStage;
import io.tracestore.traceql.ast.Query;
import io.tracestore.traceql.ast.Select;
import io.tracestore.traceql.ast.SpansetExpr;
import io.tracestore.traceql.ast.SpansetFilter;
import io.tracestore.traceql.ast.SpansetOperation;
import io.tracestore.traceql.ast.UnaryExpr;
import io.tracestore.traceql.ast.WrappedPipeline;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Runs TraceQL searches over a {@link TraceSource}: every stored trace overlapping the request's
 * time range is evaluated whole, and the newest matching traces are returned. Thread-safe: each
 * call compiles its own evaluator.
 *
 * <p>A query is parsed and validated, compiled once into closures ({@link FieldCompiler}, {@link
 * PipelineCompiler}) and then evaluated trace by trace. A trace matches when its pipeline leaves at
 * least one non-empty span set. Matches are kept in a bounded heap of the request's {@code limit}
 * newest (by trace start, ties by trace id), so a trace older than every kept one is not even
 * evaluated once the heap is full. Only the kept traces are turned into results: each span set
 * reports its exact span count and lists its first {@code spansPerSpanSet} spans in start order
 * (then span id), each with the fields the query's filters, {@code by()} and {@code select()}
 * reference, keyed as written ({@code span.http.route}, {@code resource.service.name}); each span
 * set carries the values its pipeline attached ({@code count()}, {@code avg(duration)}, {@code
 * by(resource.service.name)}).
 *
 * <p>Result value types: ints, floats, booleans and strings as themselves; durations as Go
 * duration text ({@code 1.5s}, as Tempo reports them); statuses and kinds as their TraceQL
 * keywords ({@code error}, {@code server}); a nil {@code by()} value is left out.
 *
 * <p>Not supported: metrics queries ({@code rate()}, {@code count_over_time()}, ...), rejected with
 * a {@link TraceStoreException}; constructs the validator reports as unsupported ({@code parent},
 * scalar filters other than an aggregate against a constant) are rejected by {@link TraceQL#parse}.
 * Hints ({@code with(...)}) are accepted and ignored.
 */
public final class SearchEngine {
  /** Root name and service of a trace whose root span has not been stored (Tempo's text). */
  public static final String ROOT_NOT_RECEIVED = "<root span not yet received>";

  /** The message of the exception rejecting metrics queries. */
  public static final String METRICS_NOT_SUPPORTED =
      "metrics queries (rate(), count_over_time(), quantile_over_time(), ...) are not supported by search;"
          + " search takes spanset queries such as { status = error } | count() > 2";

  private static final int TIMEOUT_CHECK_INTERVAL = 16;

  /** Best first: newest start, then smallest trace id. */
  private static final Comparator<Candidate> BEST_FIRST =
      Comparator.comparingLong(Candidate::start).reversed().thenComparing(Candidate::traceId);

  /**
   * Runs {@code request} over {@code source}.
   *
   * @throws io.tracestore.traceql.TraceQLException if the query is invalid or unsupported
   * @throws TraceStoreException if the query is a metrics query
   * @throws SearchTimeoutException if the search runs longer than the request's timeout
   */
  public SearchResult search(SearchRequest request, TraceSource source) {
    long started = System.nanoTime();
    Query query = TraceQL.parse(request.query());
    if (query.isMetrics()) {
      throw new TraceStoreException(METRICS_NOT_SUPPORTED);
    }
    Pipeline pipeline = (Pipeline) query.body();
    Scan scan = new Scan(request, pipeline, started);
    TraceSource.Stats stats = source.forEachTrace(request.startUnixNano(), request.endUnixNano(), scan::visit);
    List<SearchResult.TraceMatch> traces = scan.results();
    return new SearchResult(traces, new SearchResult.Metrics(stats.blocksInspected(), stats.blocksPruned(),
        scan.tracesInspected, scan.spansInspected, System.nanoTime() - started));
  }

  /** A matching trace waiting in the heap. */
  private record Candidate(TraceView view, List<SpanSetData> spanSets, long start) {
    TraceId traceId() {
      return view.trace.traceId();
    }
  }

  /** One search's state: the compiled query, the heap and the counters. Not thread-safe. */
  private static final class Scan {
    private final PipelineCompiler.Stage pipeline;
    private final Map<String, Eval> outputs;
    private final int limit;
    private final int spansPerSpanSet;
    private final long deadline;
    private final long timeoutNanos;
    private final PriorityQueue<Candidate> heap;
    private final List<Candidate> all;
    private final EvalContext context = new EvalContext();
    private long visited;
    long tracesInspected;
    long spansInspected;

    Scan(SearchRequest request, Pipeline query, long started) {
      this.pipeline = PipelineCompiler.pipeline(query);
      this.outputs = outputs(query);
      this.limit = request.limit();
      this.spansPerSpanSet = request.spansPerSpanSet();
      this.timeoutNanos = saturatedNanos(request.timeout());
      this.deadline = started + timeoutNanos;
      this.heap = limit > 0 ? new PriorityQueue<>(Math.min(limit, 1024) + 1, BEST_FIRST.reversed()) : null;
      this.all = limit > 0 ? null : new ArrayList<>();
    }

    /** Evaluates one trace; always continues (a timeout throws). */
    synchronized boolean visit(Trace trace) {
      if (++visited % TIMEOUT_CHECK_INTERVAL == 0 && System.nanoTime() - deadline > 0) {
        throw new SearchTimeoutException("search timed out after " + java.time.Duration.ofNanos(timeoutNanos)
            + " having evaluated " + tracesInspected + " traces; narrow the time range or raise the timeout");
      }
      List<Span> spans = trace.spans();
      if (spans.isEmpty()) {
        return true;
      }
      long start = trace.startUnixNano();
      if (heap != null && heap.size() == limit) {
        Candidate worst = heap.peek();
        if (start < worst.start || (start == worst.start && trace.traceId().compareTo(worst.traceId()) > 0)) {
          return true; // older than every kept match: cannot make the cut
        }
      }
      tracesInspected++;
      spansInspected += spans.size();
      TraceView view = new TraceView(trace);
      context.trace = view;
      List<SpanSetData> sets = pipeline.apply(context, List.of(SpanSetData.all(view.n)));
      List<SpanSetData> nonEmpty = new ArrayList<>(sets.size());
      for (SpanSetData s : sets) {
        if (s.spans.length > 0) {
          nonEmpty.add(s);
        }
      }
      if (nonEmpty.isEmpty()) {
        return true;
      }
      Candidate c = new Candidate(view, nonEmpty, start);
      if (heap == null) {
        all.add(c);
      } else {
        heap.add(c);
        if (heap.size() > limit) {
          heap.poll();
        }
      }
      return true;
    }

    List<SearchResult.TraceMatch> results() {
      List<Candidate> kept = heap != null ? new ArrayList<>(heap) : all;
      kept.sort(BEST_FIRST);
      List<SearchResult.TraceMatch> out = new ArrayList<>(kept.size());
      for (Candidate c : kept) {
        out.add(match(c));
      }
      return out;
    }

    private SearchResult.TraceMatch match(Candidate c) {
      TraceView view = c.view;
      context.trace = view;
      Span root = view.root();
      String rootService = root == null ? ROOT_NOT_RECEIVED : root.serviceName();
      String rootName = root == null ? ROOT_NOT_RECEIVED : root.name();
      List<SearchResult.SpanSet> sets = new ArrayList<>(c.spanSets.size());
      for (SpanSetData s : c.spanSets) {
        int listed = spansPerSpanSet == 0 ? s.spans.length : Math.min(spansPerSpanSet, s.spans.length);
        List<SearchResult.MatchedSpan> spans = new ArrayList<>(listed);
        for (int k = 0; k < listed; k++) {
          spans.add(matchedSpan(s.spans[k]));
        }
        Map<String, AttributeValue> attrs = new LinkedHashMap<>();
        s.attributes.forEach((name, value) -> {
          AttributeValue v = Values.toAttributeValue(value);
          if (v != null) {
            attrs.put(name, v);
          }
        });
        sets.add(new SearchResult.SpanSet(spans, s.spans.length, attrs));
      }
      return new SearchResult.TraceMatch(view.trace.traceId(), rootService, rootName, view.trace.startUnixNano(),
          view.durationNanos(), sets);
    }

    private SearchResult.MatchedSpan matchedSpan(int index) {
      context.at(index);
      Span s = context.span;
      Map<String, AttributeValue> attrs = new HashMap<>();
      for (Map.Entry<String, Eval> o : outputs.entrySet()) {
        AttributeValue v = Values.toAttributeValue(o.getValue().eval(context));
        if (v != null) {
          attrs.put(o.getKey(), v);
        }
      }
      return new SearchResult.MatchedSpan(s.spanId(), s.name(), s.startUnixNano(), s.durationNanos(), attrs);
    }
  }

  private static long saturatedNanos(java.time.Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }

  // ------------------------------------------------------------------ output fields

  /** The fields filters, {@code by()} and {@code select()} reference, by their canonical text. */
  static Map<String, Eval> outputs(Pipeline p) {
    Map<String, FieldRef> refs = new LinkedHashMap<>();
    collect(p, refs);
    Map<String, Eval> out = new LinkedHashMap<>();
    refs.forEach((name, ref) -> out.put(name, FieldCompiler.output(ref)));
    return out;
  }

  private static void collect(Pipeline p, Map<String, FieldRef> refs) {
    for (PipelineStage s : p.stages()) {
      if (s instanceof SpansetExpr e) {
        collect(e, refs);
      } else if (s instanceof GroupBy g) {
        collect(g.expression(), refs);
      } else if (s instanceof Select sel) {
        for (FieldRef r : sel.fields()) {
          collect(r, refs);
        }
      }
    }
  }

  private static void collect(SpansetExpr e, Map<String, FieldRef> refs) {
    if (e instanceof SpansetFilter f) {
      collect(f.expression(), refs);
    } else if (e instanceof SpansetOperation op) {
      collect(op.lhs(), refs);
      collect(op.rhs(), refs);
    } else if (e instanceof WrappedPipeline w) {
      collect(w.pipeline(), refs);
    }
  }

  private static void collect(FieldExpr e, Map<String, FieldRef> refs) {
    if (e instanceof Attribute || e instanceof IntrinsicField) {
      refs.putIfAbsent(QueryText.field(e), (FieldRef) e);
    } else if (e instanceof BinaryExpr b) {
      collect(b.lhs(), refs);
      collect(b.rhs(), refs);
    } else if (e instanceof UnaryExpr u) {
      collect(u.operand(), refs);
    }
  }
}
