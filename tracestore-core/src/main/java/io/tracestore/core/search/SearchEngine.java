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
import io.tracestore.api.SpanId;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.core.block.BlockSchema;
import io.tracestore.core.block.ColumnVector;
import io.tracestore.core.block.BlockReader;
import io.tracestore.core.block.ProjectedSpans;
import io.tracestore.core.block.TraceDirectory;
import io.tracestore.core.search.plan.Planner;
import io.tracestore.core.search.plan.TraceCondition;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Runs TraceQL searches over a store's {@link SearchSnapshot} (or any {@link TraceSource}) and
 * returns the newest matching traces. Thread-safe: each call compiles its own evaluator; the column
 * cache and scan threads are shared.
 *
 * <p>Over a snapshot a search runs in two steps. First, without decoding any trace, {@link Planner}
 * derives the condition every match meets and {@link BlockScanner} decides it per block trace from
 * the predicate columns (blocks outside the time range and row groups ruled out by statistics are
 * skipped; row groups are scanned in parallel). Second, the surviving candidates are built, newest
 * first, a chunk at a time, from cached column vectors ({@link Projection}) or whole records, and
 * evaluated exactly, until no remaining candidate can make the top {@code limit}.
 *
 * <p>The exact step compiles the query once into closures ({@link FieldCompiler}, {@link
 * PipelineCompiler}) and evaluates it trace by trace. A trace matches when its pipeline leaves at
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
public final class SearchEngine implements AutoCloseable {
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

  /** Column vectors of committed blocks, shared by this engine's searches. */
  private final ColumnCache cache;
  private volatile SplitTraces splitTraces;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SearchEngine.class);

  /** Most candidate traces a search queues at once. */
  private final int maxCandidates;

  /** Scans blocks in parallel; null when searches run on the caller's thread alone. */
  private final java.util.concurrent.ExecutorService workers;

  /** An engine with a 64 MiB cache, scanning on the caller's thread. */
  public SearchEngine() {
    this(64L << 20, 1);
  }

  /** An engine whose caches hold at most about {@code cacheBytes}, scanning on the caller's thread. */
  public SearchEngine(long cacheBytes) {
    this(cacheBytes, 1);
  }

  /**
   * Small blocks decoded whole, by block id: one list of spans per trace, in directory order. A
   * search that needs many traces of a small block decodes it once instead of page by page.
   */
  private final Cache<String, List<List<Span>>> smallBlocks;

  /**
   * An engine whose caches hold at most about {@code cacheBytes} and that scans up to {@code
   * threads} row groups of a search at once (on daemon threads it owns; {@link #close()} stops them).
   */
  public SearchEngine(long cacheBytes, int threads) {
    this(cacheBytes, threads, CandidateQueue.DEFAULT_CAPACITY);
  }

  /**
   * As {@link #SearchEngine(long, int)}, queueing at most {@code maxCandidates} (at least 2)
   * candidate traces per search at once (about 40 bytes each): a search with more candidates than
   * that takes them in several passes, newest first, and returns the same result.
   */
  public SearchEngine(long cacheBytes, int threads, int maxCandidates) {
    if (maxCandidates < 2) {
      throw new IllegalArgumentException("maxCandidates must be at least 2, got " + maxCandidates);
    }
    this.maxCandidates = maxCandidates;
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.workers = threads == 1 ? null : java.util.concurrent.Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "tracestore-search");
      t.setDaemon(true);
      return t;
    });
    this.cache = new ColumnCache(cacheBytes - cacheBytes / 4);
    this.smallBlocks = Caffeine.newBuilder()
        .maximumWeight(Math.max(0, cacheBytes / 4 / DECODED_SPAN_BYTES))
        .<String, List<List<Span>>>weigher((k, v) -> v.stream().mapToInt(List::size).sum())
        .build();
  }

  /** Blocks with at most this many spans are decoded whole when a search needs their traces. */
  private static final long SMALL_BLOCK_SPANS = 20_000;
  /** Rough heap bytes of one decoded span, for the small-block cache's budget. */
  private static final long DECODED_SPAN_BYTES = 1024;

  /**
   * The spans of traces {@code indices} (ascending) of {@code block}, one list per trace: built from
   * cached column vectors when the query has a {@link Projection}, else decoded whole.
   */
  private List<List<Span>> read(BlockReader block, int[] indices, Projection projection, ScanStats stats) {
    if (projection != null) {
      return ProjectedSpans.read(block, indices, projection.spanKeys(), projection.resourceKeys(),
          (rg, column) -> cache.vector(block, rg, column, stats));
    }
    if (block.meta().spanCount() > SMALL_BLOCK_SPANS) {
      return block.readTraces(indices);
    }
    List<List<Span>> all = smallBlocks.get(block.meta().blockId(), k -> {
      int[] every = new int[block.directory().traceCount()];
      for (int i = 0; i < every.length; i++) {
        every[i] = i;
      }
      return block.readTraces(every);
    });
    List<List<Span>> out = new ArrayList<>(indices.length);
    for (int i : indices) {
      out.add(all.get(i));
    }
    return out;
  }

  /**
   * Runs {@code request} over {@code snapshot}: block columns first, then only the traces that may
   * match are decoded and evaluated exactly, newest first, until no remaining one can make the top
   * {@code limit}.
   *
   * <p>The query's {@link TraceCondition} (from {@link Planner}) is decided per block trace by
   * {@link BlockScanner} from the predicate columns, and for spans in memory by {@link
   * MemoryFilter} span by span. A trace stored in several places is decided on its flags combined
   * over them (each "at least one span", so a count bound cannot drop it wrongly). Either
   * is read from every place holding it and merged, each span id once, before it is evaluated, so
   * trace-level fields and structure are right for it.
   *
   * @throws io.tracestore.traceql.TraceQLException if the query is invalid or unsupported
   * @throws TraceStoreException if the query is a metrics query
   * @throws SearchTimeoutException if the search runs longer than the request's timeout
   */
  public SearchResult search(SearchRequest request, SearchSnapshot snapshot) {
    long started = System.nanoTime();
    Pipeline pipeline = searchPipeline(request);
    Scan scan = new Scan(request, pipeline, started);
    TraceCondition condition = Planner.condition(pipeline);
    Projection projection = Projection.of(pipeline);
    ScanStats stats = new ScanStats();
    long from = request.startUnixNano();
    long to = request.endUnixNano();
    List<BlockReader> blocks = new ArrayList<>();
    for (BlockReader b : snapshot.blocks()) {
      if (b.meta().overlaps(from, to)) {
        blocks.add(b);
      } else {
        stats.blocksPruned++;
      }
    }
    stats.blocksInspected = blocks.size();

    // traces held in several places (several blocks, or memory and a block) are evaluated whole:
    // their flags are combined over the blocks (and memory, below)
    SplitTraces split = splitTraces(blocks);
    BlockScanner scanner = condition instanceof TraceCondition.Always ? null : new BlockScanner(condition, cache);
    Map<TraceId, boolean[]> wholeFlags = new HashMap<>();
    CandidateQueue queue = new CandidateQueue(); // traces held in several places (few: the head's and split ones)
    List<BitSet> blockCandidates = new ArrayList<>(blocks.size()); // a bit per trace: bounded by the blocks' sizes
    List<TraceId> merged = new ArrayList<>();
    List<TraceCondition.Exists> leaves = condition.leaves();
    // Traces in memory whose own spans may satisfy a leaf ("at least one" flags): only they are
    // looked up in the blocks to have their flags combined. A trace in memory none of whose spans
    // satisfies any leaf can match only through a block fragment, and is read whole (memory spans
    // merged) if that fragment is a candidate. If the condition holds with no leaf satisfied (or
    // there is none), every trace in memory is looked up.
    MemoryFilter memoryFilter = MemoryFilter.of(leaves);
    Map<TraceId, boolean[]> memoryAny = null;
    if (scanner != null && !condition.test(new boolean[leaves.size()])) {
      memoryAny = new HashMap<>();
      for (Map.Entry<TraceId, List<Span>> e : snapshot.memory().entrySet()) {
        boolean[] f = memoryFilter.flags(e.getValue(), true);
        for (boolean x : f) {
          if (x) {
            memoryAny.put(e.getKey(), f);
            break;
          }
        }
      }
    }
    java.util.Set<TraceId> lookedUp = memoryAny == null ? snapshot.memory().keySet() : memoryAny.keySet();
    List<BlockScanner.Flags> allFlags = scanner == null ? null : scanAll(scanner, blocks, scan, stats);
    for (int b = 0; b < blocks.size(); b++) {
      scan.checkDeadline();
      BlockReader block = blocks.get(b);
      TraceDirectory dir = block.directory();
      BitSet whole = (BitSet) split.of(b).clone();
      for (TraceId id : lookedUp) {
        int i = dir.indexOf(id);
        if (i >= 0) {
          whole.set(i);
        }
      }
      BitSet candidates;
      if (scanner == null) {
        candidates = new BitSet(dir.traceCount());
        candidates.set(0, dir.traceCount());
      } else {
        BlockScanner.Flags flags = allFlags.get(b);
        candidates = scanner.decide(flags.decided());
        for (int t = whole.nextSetBit(0); t >= 0; t = whole.nextSetBit(t + 1)) {
          boolean[] acc = wholeFlags.computeIfAbsent(dir.traceId(t), k -> new boolean[flags.any().length]);
          for (int i = 0; i < acc.length; i++) {
            acc[i] |= flags.any()[i].get(t);
          }
        }
      }
      candidates.andNot(whole);
      for (int t = candidates.nextSetBit(0); t >= 0; t = candidates.nextSetBit(t + 1)) {
        if (memoryAny != null && !snapshot.memory().isEmpty() && snapshot.memory().containsKey(dir.traceId(t))) {
          addMerged(queue, merged, dir.traceId(t), snapshot, blocks, from, to); // with its spans in memory
          candidates.clear(t);
        } else if (!overlaps(dir.start(t), dir.end(t), from, to)) {
          candidates.clear(t);
        }
      }
      blockCandidates.add(candidates);
      if (scanner == null) {
        for (int t = whole.nextSetBit(0); t >= 0; t = whole.nextSetBit(t + 1)) {
          wholeFlags.putIfAbsent(dir.traceId(t), new boolean[0]);
        }
      }
    }
    // (a trace in memory none of whose spans may satisfy a leaf is a candidate only through a block
    // fragment, above: with memoryAny, only the others are visited)
    for (TraceId id : memoryAny == null ? snapshot.memory().keySet() : memoryAny.keySet()) {
      boolean[] inBlocks = wholeFlags.remove(id);
      boolean candidate = true;
      if (scanner != null) {
        // spans in memory decided span by span; with fragments in blocks, "at least one" per leaf
        boolean[] flags = inBlocks != null && memoryAny != null ? memoryAny.get(id).clone()
            : memoryFilter.flags(snapshot.memory().get(id), inBlocks != null);
        if (inBlocks != null) {
          for (int i = 0; i < flags.length; i++) {
            flags[i] |= inBlocks[i];
          }
        }
        candidate = scanner.decide(flags);
      }
      if (candidate) {
        addMerged(queue, merged, id, snapshot, blocks, from, to);
      }
    }
    for (Map.Entry<TraceId, boolean[]> e : wholeFlags.entrySet()) {
      if (scanner == null || scanner.decide(e.getValue())) {
        addMerged(queue, merged, e.getKey(), snapshot, blocks, from, to);
      }
    }

    // decode and evaluate best first, a chunk at a time; the queue holds at most maxCandidates
    // (see CandidateQueue): if it dropped some and the search still wants them, the next queue
    // takes the candidates after the last one handed out. Without a limit the result holds every
    // match anyway: one unbounded queue, not a pass per maxCandidates / 2 over every block's bits
    int capacity = request.limit() > 0 ? maxCandidates : Integer.MAX_VALUE;
    CandidateQueue.Key after = null;
    do {
      CandidateQueue pass = fill(queue, blockCandidates, blocks, after, capacity, scan);
      int batch = request.limit() > 0 ? Math.max(64, 2 * request.limit()) : Integer.MAX_VALUE;
      for (int[] next = pass.next(batch); next.length > 0; next = pass.next(batch)) {
        for (int from0 = 0; from0 < next.length; from0 += MATERIALIZE_CHUNK) {
          int first = next[from0];
          if (scan.cannotBeat(pass.start(first), pass.traceId(first))) {
            return result(scan, stats, started); // candidates come best first: no later one can make the cut either
          }
          int[] chunk = java.util.Arrays.copyOfRange(next, from0, Math.min(next.length, from0 + MATERIALIZE_CHUNK));
          for (TraceView t : materialize(pass, chunk, blocks, snapshot, merged, projection, stats)) {
            scan.visit(t);
          }
        }
        batch = (int) Math.min(Integer.MAX_VALUE, 4L * batch);
      }
      after = pass.bound();
      scan.checkDeadline();
    } while (after != null && !scan.cannotBeat(after.start(), after.traceId()));
    return result(scan, stats, started);
  }

  /**
   * A queue of at most {@code capacity} of the candidates after {@code after} (all if null): those
   * of {@code merged} (traces held in several places, from {@code merged}'s list) and the traces
   * each block's bit set marks. Checks the search's deadline between blocks.
   */
  private static CandidateQueue fill(CandidateQueue merged, List<BitSet> blockCandidates, List<BlockReader> blocks,
      CandidateQueue.Key after, int capacity, Scan scan) {
    CandidateQueue queue = new CandidateQueue(capacity, after);
    for (int c = 0; c < merged.size(); c++) {
      queue.add(merged.start(c), merged.high(c), merged.low(c), -1, merged.index(c));
    }
    for (int b = 0; b < blockCandidates.size(); b++) {
      scan.checkDeadline();
      TraceDirectory dir = blocks.get(b).directory();
      BitSet candidates = blockCandidates.get(b);
      for (int t = candidates.nextSetBit(0); t >= 0; t = candidates.nextSetBit(t + 1)) {
        queue.add(dir.start(t), dir.high(t), dir.low(t), b, t);
      }
    }
    return queue;
  }

  private static SearchResult result(Scan scan, ScanStats stats, long started) {
    List<SearchResult.TraceMatch> traces = scan.results();
    return new SearchResult(traces, new SearchResult.Metrics(stats.blocksInspected, stats.blocksPruned,
        stats.rowGroupsInspected, stats.rowGroupsPruned, stats.pagesInspected, stats.pagesPruned, scan.tracesInspected, scan.spansInspected,
        stats.bytesDecoded, stats.cacheHits, stats.cacheMisses, System.nanoTime() - started));
  }

  private static final int MATERIALIZE_CHUNK = 64;

  /**
   * Queues trace {@code id}, held in several places, with the start and end of all its fragments
   * (if they overlap the range); {@code block} -1 and its index in {@code merged} mark it.
   */
  private static void addMerged(CandidateQueue queue, List<TraceId> merged, TraceId id, SearchSnapshot snapshot,
      List<BlockReader> blocks, long from, long to) {
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (Span s : snapshot.memory().getOrDefault(id, List.of())) {
      start = Math.min(start, s.startUnixNano());
      end = Math.max(end, s.endUnixNano());
    }
    for (BlockReader b : blocks) {
      TraceDirectory dir = b.directory();
      int i = dir.indexOf(id);
      if (i >= 0) {
        start = Math.min(start, dir.start(i));
        end = Math.max(end, dir.end(i));
      }
    }
    if (start != Long.MAX_VALUE && overlaps(start, end, from, to)) {
      queue.add(start, id, -1, merged.size());
      merged.add(id);
    }
  }

  /**
   * The traces of candidates {@code chunk}, in chunk order: block traces read together per block,
   * each with its tree in the block's parent-index and nested-set columns (read if used).
   */
  private List<TraceView> materialize(CandidateQueue queue, int[] chunk, List<BlockReader> blocks,
      SearchSnapshot snapshot, List<TraceId> merged, Projection projection, ScanStats stats) {
    TraceView[] out = new TraceView[chunk.length];
    Map<Integer, List<Integer>> byBlock = new java.util.TreeMap<>();
    for (int k = 0; k < chunk.length; k++) {
      int c = chunk[k];
      if (queue.block(c) < 0) {
        out[k] = new TraceView(mergedTrace(merged.get(queue.index(c)), snapshot, blocks, projection, stats));
      } else {
        byBlock.computeIfAbsent(queue.block(c), x -> new ArrayList<>()).add(k);
      }
    }
    for (Map.Entry<Integer, List<Integer>> e : byBlock.entrySet()) {
      List<Integer> ks = e.getValue();
      ks.sort(Comparator.comparingInt(k -> queue.index(chunk[k])));
      int[] indices = new int[ks.size()];
      for (int i = 0; i < indices.length; i++) {
        indices[i] = queue.index(chunk[ks.get(i)]);
      }
      BlockReader block = blocks.get(e.getKey());
      List<List<Span>> spans = read(block, indices, projection, stats);
      for (int i = 0; i < indices.length; i++) {
        int k = ks.get(i);
        int trace = indices[i];
        out[k] = new TraceView(new Trace(queue.traceId(chunk[k]), spans.get(i)), () -> storedTree(block, trace, stats));
      }
      stats.tracesMaterialized += indices.length;
    }
    return java.util.Arrays.asList(out);
  }

  /**
   * The parent indexes and nested sets of trace {@code trace} of {@code block}, from its columns
   * (cached, or decoded whole into the cache when asked for a second time: {@link
   * ColumnCache#vectorIfAskedBefore}); null (the tree is then worked out from the spans) if a
   * column is not at hand, the block has none, or reading it fails (the spans are read already: a
   * storage error here does not fail the search).
   */
  private int[][] storedTree(BlockReader block, int trace, ScanStats stats) {
    try {
      return storedTreeOrNull(block, trace, stats);
    } catch (RuntimeException e) {
      LOG.debug("tree of a trace of block {} worked out from its spans: {}", block.meta().blockId(), e.toString());
      return null;
    }
  }

  private int[][] storedTreeOrNull(BlockReader block, int trace, ScanStats stats) {
    TraceDirectory dir = block.directory();
    long first = dir.firstRow(trace);
    long end = dir.firstRow(trace + 1);
    int n = (int) (end - first);
    int[][] out = new int[3][n];
    String[] columns = {BlockSchema.PARENT_INDEX, BlockSchema.NESTED_SET_LEFT, BlockSchema.NESTED_SET_RIGHT};
    long groupStart = 0;
    List<BlockMeta.RowGroup> groups = block.meta().rowGroups();
    for (int rg = 0; rg < groups.size() && groupStart < end; rg++) {
      long groupEnd = groupStart + groups.get(rg).rowCount();
      long from = Math.max(first, groupStart);
      long to = Math.min(end, groupEnd);
      if (from < to) {
        for (int c = 0; c < 3; c++) {
          ColumnVector v = cache.vectorIfAskedBefore(block, rg, columns[c], stats);
          if (v == null || v.kind() != ColumnVector.Kind.INT) {
            return null;
          }
          System.arraycopy(v.ints(), (int) (from - groupStart), out[c], (int) (from - first), (int) (to - from));
        }
      }
      groupStart = groupEnd;
    }
    return out;
  }

  /** Trace {@code id} from memory and every block holding a fragment of it, each span id once. */
  private Trace mergedTrace(TraceId id, SearchSnapshot snapshot, List<BlockReader> blocks, Projection projection,
      ScanStats stats) {
    Map<TraceId, Map<SpanId, Span>> m = new HashMap<>();
    addAll(m, id, snapshot.memory().getOrDefault(id, List.of()));
    for (BlockReader b : blocks) {
      int i = b.directory().indexOf(id);
      if (i >= 0) {
        addAll(m, id, read(b, new int[] {i}, projection, stats).get(0));
      }
    }
    return new Trace(id, new ArrayList<>(m.get(id).values()));
  }

  /**
   * The scanner's flags for every block, in block order: computed inline, or on the workers one
   * task per row group (each into marks of its own, combined per block once all are done).
   */
  private List<BlockScanner.Flags> scanAll(BlockScanner scanner, List<BlockReader> blocks, Scan scan, ScanStats stats) {
    List<BlockScanner.Flags> out = new ArrayList<>(blocks.size());
    int groups = 0;
    for (BlockReader b : blocks) {
      groups += b.meta().rowGroups().size();
    }
    if (workers == null || groups < 2) {
      for (BlockReader b : blocks) {
        scan.checkDeadline();
        out.add(scanner.flags(b, stats));
      }
      return out;
    }
    // per block: null if its meta.json rules it out, else the futures of its row groups
    List<List<java.util.concurrent.Future<BlockScanner.Marks>>> futures = new ArrayList<>(blocks.size());
    List<ScanStats> partial = new ArrayList<>();
    try {
      for (BlockReader b : blocks) {
        boolean[] possible = scanner.possibleLeaves(b, stats);
        if (possible == null) {
          futures.add(null);
          continue;
        }
        List<java.util.concurrent.Future<BlockScanner.Marks>> own = new ArrayList<>();
        for (int rg = 0; rg < b.meta().rowGroups().size(); rg++) {
          int group = rg;
          ScanStats groupStats = new ScanStats();
          partial.add(groupStats);
          own.add(workers.submit(() -> {
            scan.checkDeadline();
            return scanner.scanRowGroup(b, group, possible, groupStats);
          }));
        }
        futures.add(own);
      }
      for (int i = 0; i < blocks.size(); i++) {
        List<java.util.concurrent.Future<BlockScanner.Marks>> own = futures.get(i);
        if (own == null) {
          out.add(scanner.noFlags());
          continue;
        }
        // the results first: an interrupted caller stops here, before it reads anything itself
        List<BlockScanner.Marks> parts = new ArrayList<>(own.size());
        for (java.util.concurrent.Future<BlockScanner.Marks> f : own) {
          parts.add(f.get());
        }
        BlockScanner.Marks marks = scanner.newMarks(blocks.get(i)); // the directory the tasks read
        parts.forEach(marks::add);
        out.add(scanner.flags(marks));
      }
    } catch (InterruptedException e) {
      cancelAll(futures);
      Thread.currentThread().interrupt();
      throw new TraceStoreException("search interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      cancelAll(futures);
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new TraceStoreException("search failed: " + e.getCause(), e.getCause());
    } catch (RuntimeException e) {
      cancelAll(futures); // e.g. a worker pool shut down by close()
      throw e;
    }
    partial.forEach(stats::add);
    return out;
  }

  private static void cancelAll(List<List<java.util.concurrent.Future<BlockScanner.Marks>>> futures) {
    for (List<java.util.concurrent.Future<BlockScanner.Marks>> own : futures) {
      if (own != null) {
        own.forEach(f -> f.cancel(true));
      }
    }
  }

  /** {@link TagDiscovery#tagNames(SearchSnapshot, TagDiscovery.BlockVectors, long, long)}, through this engine's cache. */
  public Map<String, List<String>> tagNames(SearchSnapshot snapshot, long start, long end) {
    ScanStats stats = new ScanStats();
    return TagDiscovery.tagNames(snapshot, (b, rg, column) -> cache.vector(b, rg, column, stats), start, end);
  }

  /** {@link TagDiscovery#tagValues(SearchSnapshot, TagDiscovery.BlockVectors, String, long, long, int)}, through this engine's cache. */
  public List<io.tracestore.api.AttributeValue> tagValues(SearchSnapshot snapshot, String tag, long start, long end, int limit) {
    ScanStats stats = new ScanStats();
    return TagDiscovery.tagValues(snapshot, (b, rg, column) -> cache.vector(b, rg, column, stats), tag, start, end, limit);
  }

  /** Stops the scan threads; searches running then may fail. */
  @Override
  public void close() {
    if (workers != null) {
      workers.shutdownNow();
    }
  }

  /** How far back the columns that {@link #warm} decodes were last asked for: one minute. */
  private static final long WARM_WINDOW_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

  /**
   * Decodes into the search cache the chunks of a block just made (a cut or a compaction's output)
   * of every column searches asked for in the last minute, so the next search does not pay for
   * them. Nothing when no search ran lately. Returns the chunks decoded. For the thread that made
   * the block; thread-safe.
   */
  public int warm(BlockReader block) {
    return cache.warm(block, System.nanoTime() - WARM_WINDOW_NANOS);
  }

  private SplitTraces splitTraces(List<BlockReader> blocks) {
    SplitTraces s = splitTraces;
    if (s == null || !s.isFor(blocks)) {
      s = SplitTraces.of(blocks);
      splitTraces = s;
    }
    return s;
  }

  private static boolean overlaps(long start, long end, long from, long to) {
    return start <= to && end >= from;
  }

  private static void addAll(Map<TraceId, Map<SpanId, Span>> traces, TraceId id, List<Span> spans) {
    Map<SpanId, Span> m = traces.computeIfAbsent(id, k -> new HashMap<>());
    for (Span s : spans) {
      m.putIfAbsent(s.spanId(), s);
    }
  }

  private static Pipeline searchPipeline(SearchRequest request) {
    Query query = TraceQL.parse(request.query());
    if (query.isMetrics()) {
      throw new TraceStoreException(METRICS_NOT_SUPPORTED);
    }
    return (Pipeline) query.body();
  }

  /**
   * Runs {@code request} over {@code source}, decoding and evaluating every trace it hands over
   * (no column scan): the reference path for sources that are not blocks.
   *
   * @throws io.tracestore.traceql.TraceQLException if the query is invalid or unsupported
   * @throws TraceStoreException if the query is a metrics query
   * @throws SearchTimeoutException if the search runs longer than the request's timeout
   */
  public SearchResult search(SearchRequest request, TraceSource source) {
    long started = System.nanoTime();
    Pipeline pipeline = searchPipeline(request);
    Scan scan = new Scan(request, pipeline, started);
    TraceSource.Stats stats = source.forEachTrace(request.startUnixNano(), request.endUnixNano(), scan::visit);
    List<SearchResult.TraceMatch> traces = scan.results();
    return new SearchResult(traces, new SearchResult.Metrics(stats.blocksInspected(), stats.blocksPruned(), 0, 0, 0, 0,
        scan.tracesInspected, scan.spansInspected, 0, 0, 0, System.nanoTime() - started));
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

    /** True if the heap is full and a trace with this start and id would not enter it. */
    synchronized boolean cannotBeat(long start, TraceId id) {
      if (heap == null || heap.size() < limit) {
        return false;
      }
      Candidate worst = heap.peek();
      return start < worst.start || (start == worst.start && id.compareTo(worst.traceId()) > 0);
    }

    /** Throws if the search is past its deadline, or cancelled by interrupting its thread. */
    void checkDeadline() {
      if (Thread.currentThread().isInterrupted()) {
        throw new TraceStoreException("search cancelled: its thread was interrupted, having evaluated "
            + tracesInspected + " traces");
      }
      if (System.nanoTime() - deadline > 0) {
        throw new SearchTimeoutException("search timed out after " + java.time.Duration.ofNanos(timeoutNanos)
            + " having evaluated " + tracesInspected + " traces; narrow the time range or raise the timeout");
      }
    }

    /** Evaluates one trace; always continues (a timeout throws). */
    synchronized boolean visit(Trace trace) {
      return visit(new TraceView(trace));
    }

    /** Evaluates one trace, taking its tree from {@code view}'s stored columns if it has them; always continues. */
    synchronized boolean visit(TraceView view) {
      Trace trace = view.trace;
      if (++visited % TIMEOUT_CHECK_INTERVAL == 0) {
        checkDeadline();
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
