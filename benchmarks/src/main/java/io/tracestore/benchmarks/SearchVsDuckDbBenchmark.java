package io.tracestore.benchmarks;

import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * TraceQL through TraceStore against the equivalent SQL through DuckDB, on the same {@code
 * data.parquet} files ({@link SearchDataset}), in one JMH run.
 *
 * <ul>
 *   <li><b>{@code traceStore}</b>: {@code TraceStore.search} with the default limits (20 traces, 3
 *       spans per span set), or {@code findTrace} for {@link SearchVsDuckDbQuery#D_TRACE_BY_ID}, on
 *       one store opened per trial (no write-ahead log) and kept warm: whatever it caches stays
 *       cached between calls. The store is opened with {@code searchThreads(1)}, so a search runs on
 *       the calling thread and its figures are per core; the method has no {@code threads} parameter.
 *   <li><b>{@code duckDb}</b>: the query's SQL ({@link SearchVsDuckDbQuery#sql}) as a prepared
 *       statement on an in-memory DuckDB opened per trial with {@code SET threads = <threads>} and
 *       {@code SET parquet_metadata_cache = true} (TraceStore caches footers too), over the view
 *       {@code spans} = {@code read_parquet('<dir>/data/<tenant>/blocks/&#42;/data.parquet',
 *       union_by_name = true)}; every row of the result is read.
 * </ul>
 *
 * <p>Trace by id looks up, call after call, the next of {@value SearchDataset#SAMPLE_IDS} stored
 * ids; DuckDB reads every column of the trace's rows, as {@code findTrace} returns whole spans.
 *
 * <p><b>Sanity check.</b> Before the {@code traceStore} trial of each query, the query runs on both
 * engines with no limit and the sets of trace ids are compared (for trace by id, the span count of
 * every sampled trace), then the ordered top 20; on any difference it prints both sides' counts and
 * fails the trial. It is also the store's first search, so it loads and warms the store.
 *
 * <p>{@link #main} runs the benchmark (it takes JMH's command-line options) and prints spans/s per
 * core for both engines and their ratio: spans/s = stored spans / time per query; per core divides
 * by the threads the engine used (1 for TraceStore, {@code threads} for DuckDB).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx8g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class SearchVsDuckDbBenchmark {
  /** Traces a search returns, as TraceStore's default and Tempo's. */
  static final int LIMIT = SearchRequest.DEFAULT_LIMIT;

  /** The dataset, the query and a warm TraceStore over the dataset; checked against DuckDB. */
  @State(Scope.Benchmark)
  public static class Data {
    @Param("10000000")
    public int spans;

    @Param({"A_SLOW_ERRORS", "B_COUNT", "C_AVG", "D_TRACE_BY_ID", "E_CHILD", "E2_DESCENDANT",
        "F_ROUTE_REGEX", "G_GENERIC_EQ", "H_SUBSTRING_REGEX"})
    public SearchVsDuckDbQuery query;

    SearchDataset dataset;
    TraceStore store;
    SearchRequest request;
    TraceId[] ids;
    int nextId;

    /**
     * Generates or finds the dataset. For {@code traceStore} trials also opens the store and runs
     * the sanity check against DuckDB (once per query and run, and it warms the store); {@code
     * duckDb} trials leave TraceStore closed.
     */
    @Setup(Level.Trial)
    public void open(BenchmarkParams params) throws SQLException {
      dataset = SearchDataset.ensure(spans);
      ids = dataset.sampleIds.toArray(new TraceId[0]);
      if (query.traceQl != null) {
        request = SearchRequest.of(query.traceQl).withTimeout(Duration.ofHours(1));
      }
      if (params.getBenchmark().endsWith(".traceStore")) {
        store = dataset.openStore();
        try (Duck check = new Duck()) {
          check.threads = 0;
          check.open(this);
          SanityCheck.run(this, check);
        }
      }
    }

    TraceId nextId() {
      TraceId id = ids[nextId];
      nextId = (nextId + 1) % ids.length;
      return id;
    }

    @TearDown(Level.Trial)
    public void close() {
      if (store != null) {
        store.close();
      }
    }
  }

  /** An in-memory DuckDB over the dataset's files with the query prepared. */
  @State(Scope.Benchmark)
  public static class Duck implements AutoCloseable {
    /** DuckDB's {@code threads} setting (0 = leave DuckDB's default, used by the sanity check). */
    @Param({"1", "2"})
    public int threads;

    Connection connection;
    SearchVsDuckDbQuery.Columns columns;
    PreparedStatement statement;

    @Setup(Level.Trial)
    public void open(Data data) throws SQLException {
      connection = DriverManager.getConnection("jdbc:duckdb:");
      try (Statement s = connection.createStatement()) {
        if (threads > 0) {
          s.execute("SET threads = " + threads);
        }
        s.execute("SET parquet_metadata_cache = true");
        String glob = data.dataset.parquetGlob().replace("'", "''");
        s.execute("CREATE VIEW spans AS SELECT * FROM read_parquet('" + glob + "', union_by_name = true)");
        Set<String> inEvery = new HashSet<>();
        Set<String> inSome = new HashSet<>();
        try (ResultSet r = s.executeQuery("SELECT name, count(DISTINCT file_name) = (SELECT count(*) FROM glob('"
            + glob + "')) FROM parquet_schema('" + glob + "') GROUP BY name")) {
          while (r.next()) {
            inSome.add(r.getString(1));
            if (r.getBoolean(2)) {
              inEvery.add(r.getString(1));
            }
          }
        }
        columns = new SearchVsDuckDbQuery.Columns(inEvery, inSome);
      }
      statement = connection.prepareStatement(data.query.sql(columns, LIMIT));
    }

    /** Rows of {@code sql} as trace id → start time, in result order. */
    Map<TraceId, Long> traces(String sql) throws SQLException {
      Map<TraceId, Long> out = new LinkedHashMap<>();
      try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
        while (r.next()) {
          out.put(TraceId.fromBytes(r.getBytes(1)), r.getLong(2));
        }
      }
      return out;
    }

    @TearDown(Level.Trial)
    @Override
    public void close() throws SQLException {
      if (statement != null) {
        statement.close();
      }
      connection.close();
    }
  }

  @Benchmark
  public Object traceStore(Data data) {
    if (data.query == SearchVsDuckDbQuery.D_TRACE_BY_ID) {
      return data.store.findTrace(data.nextId());
    }
    return data.store.search(data.request);
  }

  @Benchmark
  public long duckDb(Data data, Duck duck) throws SQLException {
    PreparedStatement statement = duck.statement;
    long checksum = 0;
    if (data.query == SearchVsDuckDbQuery.D_TRACE_BY_ID) {
      statement.setBytes(1, data.nextId().toBytes());
      try (ResultSet r = statement.executeQuery()) {
        int n = r.getMetaData().getColumnCount();
        while (r.next()) {
          for (int i = 1; i <= n; i++) {
            Object o = r.getObject(i);
            checksum += o == null ? 0 : 1;
          }
        }
      }
      return checksum;
    }
    try (ResultSet r = statement.executeQuery()) {
      while (r.next()) {
        checksum += r.getBytes(1)[0] + r.getLong(2) + r.getString(3).length() + r.getString(4).length()
            + r.getLong(5);
      }
    }
    return checksum;
  }

  /** Compares both engines' answers before a trial; throws on any difference. */
  static final class SanityCheck {
    private SanityCheck() {}

    static void run(Data data, Duck duck) throws SQLException {
      long t0 = System.nanoTime();
      String what;
      if (data.query == SearchVsDuckDbQuery.D_TRACE_BY_ID) {
        what = traceById(data, duck);
      } else {
        what = search(data, duck);
      }
      System.out.printf("%nSearchVsDuckDb sanity check %s (%,d spans): %s, %.1f s%n  TraceQL: %s%n  SQL:     %s%n",
          data.query, data.dataset.spans, what, (System.nanoTime() - t0) / 1e9, data.query.traceQl,
          data.query.sql(duck.columns, LIMIT));
    }

    private static String search(Data data, Duck duck) throws SQLException {
      SearchVsDuckDbQuery q = data.query;
      // one search with no limit: its first traces are the top LIMIT, as results come newest first
      SearchResult all = data.store.search(data.request.withLimit(0).withSpansPerSpanSet(1));
      Set<TraceId> ours = new LinkedHashSet<>();
      all.traces().forEach(t -> ours.add(t.traceId()));
      Map<TraceId, Long> theirs = duck.traces(q.sql(duck.columns, 0));
      if (!ours.equals(theirs.keySet())) {
        Set<TraceId> onlyOurs = new HashSet<>(ours);
        onlyOurs.removeAll(theirs.keySet());
        Set<TraceId> onlyTheirs = new HashSet<>(theirs.keySet());
        onlyTheirs.removeAll(ours);
        throw new IllegalStateException(String.format(
            "%s: TraceStore and DuckDB disagree: TraceStore %,d traces, DuckDB %,d traces;"
                + " only in TraceStore: %,d (e.g. %s), only in DuckDB: %,d (e.g. %s)%n  TraceQL: %s%n  SQL: %s",
            q, ours.size(), theirs.size(), onlyOurs.size(), first(onlyOurs), onlyTheirs.size(), first(onlyTheirs),
            q.traceQl, q.sql(duck.columns, 0)));
      }
      List<TraceId> ourTop = new ArrayList<>(ours).subList(0, Math.min(LIMIT, ours.size()));
      List<TraceId> theirTop = new ArrayList<>(duck.traces(q.sql(duck.columns, LIMIT)).keySet());
      if (!ourTop.equals(theirTop)) {
        throw new IllegalStateException(q + ": same traces but a different top " + LIMIT + " (order by start)"
            + "\n  TraceStore: " + ourTop + "\n  DuckDB:     " + theirTop);
      }
      return String.format("both engines return the same %,d traces and the same top %d", ours.size(), ourTop.size());
    }

    private static String traceById(Data data, Duck duck) throws SQLException {
      Map<TraceId, Integer> ours = new TreeMap<>();
      StringBuilder in = new StringBuilder();
      for (TraceId id : data.ids) {
        Optional<Trace> t = data.store.findTrace(id);
        ours.put(id, t.map(x -> x.spans().size()).orElse(0));
        in.append(in.length() == 0 ? "" : ", ").append("from_hex('").append(id.toHex()).append("')");
      }
      Map<TraceId, Integer> theirs = new TreeMap<>();
      for (TraceId id : data.ids) {
        theirs.put(id, 0);
      }
      try (Statement s = duck.connection.createStatement();
          ResultSet r = s.executeQuery("SELECT trace_id, count(*) FROM spans WHERE trace_id IN (" + in + ") GROUP BY 1")) {
        while (r.next()) {
          theirs.put(TraceId.fromBytes(r.getBytes(1)), r.getInt(2));
        }
      }
      if (!ours.equals(theirs)) {
        Map<TraceId, String> diff = new HashMap<>();
        ours.forEach((id, n) -> {
          if (!n.equals(theirs.get(id))) {
            diff.put(id, "TraceStore " + n + " spans, DuckDB " + theirs.get(id));
          }
        });
        throw new IllegalStateException(String.format("D_TRACE_BY_ID: TraceStore and DuckDB disagree on %d of %d traces:"
            + " TraceStore %,d spans in all, DuckDB %,d; e.g. %s", diff.size(), ours.size(), sum(ours), sum(theirs),
            diff.entrySet().stream().limit(3).toList()));
      }
      return String.format("both engines return the same span count for each of the %d ids (%,d spans in all)",
          ours.size(), sum(ours));
    }

    private static long sum(Map<TraceId, Integer> counts) {
      return counts.values().stream().mapToLong(Integer::longValue).sum();
    }

    private static String first(Set<TraceId> ids) {
      return ids.stream().limit(3).toList().toString();
    }
  }

  /**
   * Runs the benchmark with JMH's command-line options (e.g. {@code -p spans=1000000 -f 1 -wi 2 -i
   * 3 -w 2s -r 3s}) and prints, per query and DuckDB thread count, spans/s per core of both engines
   * and the ratio TraceStore ÷ DuckDB (above 1: TraceStore is faster per core).
   */
  public static void main(String[] args) throws Exception {
    CommandLineOptions cli = new CommandLineOptions(args);
    OptionsBuilder options = new OptionsBuilder();
    options.parent(cli);
    if (cli.getIncludes().isEmpty()) { // else e.g. 'SearchVsDuckDbBenchmark.traceStore' picks one engine
      options.include(SearchVsDuckDbBenchmark.class.getSimpleName());
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    System.out.println(Report.table(results));
  }

  /** Turns JMH's times per query into spans/s per core. */
  static final class Report {
    private Report() {}

    static String table(Collection<RunResult> results) {
      // "spans|query" → TraceStore ms/query, and → (DuckDB threads → ms/query)
      Map<String, Double> ours = new TreeMap<>();
      Map<String, Map<Integer, Double>> theirs = new TreeMap<>();
      for (RunResult r : results) {
        var params = r.getParams();
        String key = params.getParam("spans") + "|" + params.getParam("query");
        double ms = r.getPrimaryResult().getScore();
        if (params.getBenchmark().endsWith(".traceStore")) {
          ours.put(key, ms);
        } else {
          theirs.computeIfAbsent(key, k -> new TreeMap<>()).put(Integer.parseInt(params.getParam("threads")), ms);
        }
      }
      Set<String> keys = new TreeSet<>(ours.keySet());
      keys.addAll(theirs.keySet());
      StringBuilder sb = new StringBuilder(String.format(
          "%n| spans | query | DuckDB threads | TraceStore ms/query | DuckDB ms/query"
              + " | TraceStore spans/s/core | DuckDB spans/s/core | TraceStore ÷ DuckDB per core |%n"
              + "|---|---|---|---|---|---|---|---|%n"));
      for (String key : keys) {
        String[] k = key.split("\\|");
        int spans = Integer.parseInt(k[0]);
        boolean byId = k[1].equals(SearchVsDuckDbQuery.D_TRACE_BY_ID.name());
        Double ourMs = ours.get(key);
        Map<Integer, Double> duck = theirs.getOrDefault(key, Map.of(0, Double.NaN));
        for (Map.Entry<Integer, Double> d : duck.entrySet()) {
          int threads = d.getKey();
          double duckMs = d.getValue();
          // per core: TraceStore searches on one thread, DuckDB on `threads`
          double ourPerCore = ourMs == null ? Double.NaN : spansPerSecond(spans, ourMs);
          double duckPerCore = spansPerSecond(spans, duckMs) / Math.max(1, threads);
          sb.append(String.format("| %,d | %s | %s | %s | %s | %s | %s | %s |%n", spans, k[1],
              threads == 0 ? "—" : Integer.toString(threads), format("%.2f", ourMs == null ? Double.NaN : ourMs),
              format("%.2f", duckMs), byId ? "(lookup)" : format("%,.0f", ourPerCore),
              byId ? "(lookup)" : format("%,.0f", duckPerCore), format("%.2f", ourPerCore / duckPerCore)));
        }
      }
      return sb.toString();
    }

    private static String format(String pattern, double value) {
      return Double.isNaN(value) ? "—" : String.format(pattern, value);
    }

    private static double spansPerSecond(int spans, double msPerQuery) {
      return SearchDataset.storedSpans(spans) / (msPerQuery / 1000.0);
    }
  }
}
