package io.tracestore.benchmarks;

import io.opentelemetry.api.metrics.MeterProvider;
import io.tracestore.api.LimitExceededException;
import io.tracestore.api.RateLimitedException;
import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.Span;
import io.tracestore.api.TraceStore;
import io.tracestore.core.FsyncPolicy;
import io.tracestore.core.TraceStoreConfig;
import io.tracestore.core.TraceStores;
import io.tracestore.core.metrics.StoreMetrics;
import io.tracestore.testing.WorkloadConfig;
import io.tracestore.testing.WorkloadGenerator;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Sustained ingest into a local directory store (WAL with fsync {@code INTERVAL}, background block
 * cutting in the store) while a second thread calls {@code compact()} every few seconds, as a
 * compactor would, and a third samples query latency. Not JMH: a plain main that prints a curve and
 * a summary.
 *
 * <p><b>Spans:</b> a pool of {@code pool} (default 200) batches of {@code batch} (default 1,000)
 * spans generated once by {@code WorkloadGenerator} (seed 42, simulated start = the benchmark's
 * start, so the default 14-day retention keeps them). Batch {@code n} appended is pool batch
 * {@code n % pool} relabelled with {@link Workloads#relabel} for generation {@code n + 1}, so no
 * trace id repeats. Relabelling is done by the appender threads, inside the measured loop (it costs
 * about what decoding a request would); its own throughput is measured and printed first.
 *
 * <p><b>Appenders:</b> {@code appenders} threads (default 2) call {@code append} back to back
 * until {@code spans} (first argument, default 30,000,000) spans were acknowledged. The store's own
 * append limits are the only back-pressure: by default {@code maxLiveTraces} is set to about twice
 * the traces one block ({@code maxBlockBytes}, default 128 MiB of head) holds, and a refused batch
 * ({@link LimitExceededException}) is retried after a back-off of 5 ms doubling up to 100 ms, and counted. {@code -DmaxLiveTraces=0}
 * removes the limit (the head then grows without bound when appends outrun cutting).
 *
 * <p><b>Compactor:</b> {@code store.compact()} every {@code compactEvery} seconds (default 20),
 * timed. <b>Queries:</b> every {@code queryEvery} seconds (default 5) the query (a) and
 * {@code { status = error }} run once each (default limit, 20 traces) and their latency is recorded;
 * at the end, after {@code flush()} and {@code compact()} calls until nothing merges (so no
 * background compaction is left running) and a full GC, the same queries run {@code idleReps} times
 * (default 20) each on the idle store, {@code idlePauseMs} (default 250) apart.
 *
 * <p><b>Store state</b> comes from the store's own metrics (a capturing {@link MeterProvider} given
 * to the builder: live blocks, head spans and bytes, blocks cut/compacted, refused spans) and from
 * the directory (meta.json files, which include compacted blocks waiting out their grace period, and
 * the WAL's size).
 *
 * <p>Run: {@code java -Xmx8g -cp benchmarks/target/benchmarks.jar io.tracestore.benchmarks.SustainedIngestBenchmark [spans]}
 * with optional {@code -Dappenders=2 -Dbatch=1000 -Dpool=200 -Dinterval=5 -DqueryEvery=5
 * -DcompactEvery=20 -DidleReps=20 -DidlePauseMs=250 -Dsettle=true (compact() until nothing merges before the idle queries) -DbackgroundPauseMs=250 (0: cuts and compactions never wait for searches) -DmaxBlockBytes=134217728 -DliveFactor=2 -DmaxLiveTraces=-1 (auto: liveFactor
 * blocks of traces; 0 = no limit) -Ddir=/path -Dkeep=false}.
 */
public final class SustainedIngestBenchmark {
  static final String QUERY_A = "{ resource.service.name = \"checkout\" && duration > 2s && status = error }";
  static final String QUERY_ERR = "{ status = error }";
  static final String TENANT = TraceStoreConfig.DEFAULT_TENANT;

  private SustainedIngestBenchmark() {}

  /** One query sample. */
  record Sample(double elapsedS, long spansIngested, double millisA, double millisErr, int tracesA, int tracesErr) {}

  /** One compaction. */
  record Compaction(double startS, double millis, int removed) {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("logLevel", "warn"));
    long target = args.length > 0 ? Long.parseLong(args[0].replace("_", "").replace(",", "")) : 30_000_000L;
    int appenders = Integer.getInteger("appenders", 2);
    int batchSize = Integer.getInteger("batch", 1_000);
    int poolBatches = Integer.getInteger("pool", 200);
    double interval = Double.parseDouble(System.getProperty("interval", "5"));
    double queryEvery = Double.parseDouble(System.getProperty("queryEvery", "5"));
    double compactEvery = Double.parseDouble(System.getProperty("compactEvery", "20"));
    // background: the store's own compactor (one pass every compactEvery s; open hours merge in fours);
    // explicit: a thread calling compact() every compactEvery s, as an outside compactor process would
    boolean explicitCompaction = System.getProperty("compaction", "background").equals("explicit");
    int idleReps = Integer.getInteger("idleReps", 20);
    long idlePauseMs = Long.getLong("idlePauseMs", 250);
    long maxBlockBytes = Long.getLong("maxBlockBytes", 128L * 1024 * 1024);
    long maxLiveTracesProp = Long.getLong("maxLiveTraces", -1);
    double liveFactor = Double.parseDouble(System.getProperty("liveFactor", "2"));

    System.out.printf("SustainedIngestBenchmark: target %,d spans, %d appender thread(s), batches of %,d, nproc %d, "
            + "max heap %,d MB, java %s, load average %s%n",
        target, appenders, batchSize, Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"), loadAverage());

    // ---- pool of batches, simulated start = now ----
    long t0 = System.nanoTime();
    WorkloadConfig config = WorkloadConfig.defaults().withStart(Instant.now());
    WorkloadGenerator generator = new WorkloadGenerator(config);
    List<Span> all = new ArrayList<>(poolBatches * batchSize + 10_000);
    while (all.size() < poolBatches * batchSize) {
      all.addAll(generator.nextTraceSpans());
    }
    List<List<Span>> pool = new ArrayList<>(poolBatches);
    for (int i = 0; i < poolBatches; i++) {
      pool.add(List.copyOf(all.subList(i * batchSize, (i + 1) * batchSize)));
    }
    all = null;
    System.out.printf("pool: %d batches x %,d spans (%,d traces) generated in %.1f s%n", poolBatches, batchSize,
        generator.tracesGenerated(), (System.nanoTime() - t0) / 1e9);

    // ---- relabel cost alone (one thread) ----
    long r0 = System.nanoTime();
    long relabelled = 0;
    for (int n = 0; System.nanoTime() - r0 < 2_000_000_000L; n++) {
      relabelled += Workloads.relabel(pool.get(n % poolBatches), -1 - n).size();
    }
    double relabelRate = relabelled / ((System.nanoTime() - r0) / 1e9);
    System.out.printf("relabel alone: %,.0f spans/s on one thread (part of every append below)%n", relabelRate);

    // ---- head bytes per trace (for the live-trace limit): fill an in-memory store's head ----
    CapturingMeters probeMeters = new CapturingMeters();
    double bytesPerTrace;
    double bytesPerSpan;
    try (TraceStore probe = TraceStores.builder()
        .objectStore(new io.tracestore.core.storage.InMemoryObjectStore())
        .maxBlockBytes(Long.MAX_VALUE).maxBlockAge(Duration.ofDays(1)).meterProvider(probeMeters.provider()).build()) {
      for (int i = 0; i < Math.min(50, poolBatches); i++) {
        probe.append(pool.get(i));
      }
      probeMeters.collect();
      bytesPerTrace = (double) probeMeters.gauge(StoreMetrics.HEAD_SIZE) / probeMeters.gauge(StoreMetrics.HEAD_TRACES);
      bytesPerSpan = (double) probeMeters.gauge(StoreMetrics.HEAD_SIZE) / probeMeters.gauge(StoreMetrics.HEAD_SPANS);
    }
    int maxLiveTraces = maxLiveTracesProp >= 0 ? (int) maxLiveTracesProp
        : (int) Math.min(Integer.MAX_VALUE, Math.ceil(liveFactor * maxBlockBytes / bytesPerTrace));
    System.out.printf("head estimate: %.0f bytes/span, %.0f bytes/trace -> a %,d-byte block is about %,.0f spans; "
            + "maxLiveTraces = %,d%s%n", bytesPerSpan, bytesPerTrace, maxBlockBytes, maxBlockBytes / bytesPerSpan,
        maxLiveTraces, maxLiveTraces == 0 ? " (no limit)" : "");

    String dirProp = System.getProperty("dir");
    Path dir = dirProp != null ? Files.createDirectories(Path.of(dirProp)) : Workloads.tempDirectory("tracestore-bench-ingest-");
    Path blocksDir = dir.resolve("data").resolve(TENANT).resolve("blocks");
    Path walDir = dir.resolve("wal").resolve(TENANT);
    CapturingMeters meters = new CapturingMeters();
    TraceStoreConfig.Limits limits = new TraceStoreConfig.Limits(TraceStoreConfig.Limits.DEFAULT.maxSpanBytes(),
        TraceStoreConfig.Limits.DEFAULT.maxTraceBytes(), 0, 0, maxLiveTraces);
    Duration backgroundPause = Duration.ofMillis(Long.getLong("backgroundPauseMs",
        TraceStoreConfig.DEFAULT_BACKGROUND_PAUSE.toMillis()));
    TraceStore store = TraceStores.builder().directory(dir).fsyncPolicy(FsyncPolicy.INTERVAL)
        .maxBlockBytes(maxBlockBytes).limits(limits).meterProvider(meters.provider())
        .backgroundPauseForSearches(backgroundPause)
        .compactionInterval(explicitCompaction ? Duration.ZERO : Duration.ofMillis((long) (compactEvery * 1000))).build();
    System.out.printf("compaction: %s, every %.0f s; background work waits up to %d ms for searches in flight%n",
        explicitCompaction ? "explicit compact() calls" : "the store's background compactor", compactEvery,
        backgroundPause.toMillis());

    AtomicLong nextBatch = new AtomicLong();
    AtomicLong ingested = new AtomicLong();
    AtomicLong refusedBatches = new AtomicLong();
    AtomicLong refusedWaitNanos = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<String> errors = new CopyOnWriteArrayList<>();
    long totalBatches = (target + batchSize - 1) / batchSize;
    long procCpu0 = processCpuNanos();
    long gc0 = gcMillis();
    java.util.Map<Long, Long> appenderCpu = new ConcurrentHashMap<>();
    long start = System.nanoTime();

    // ---- appenders ----
    List<Thread> appenderThreads = new ArrayList<>();
    for (int a = 0; a < appenders; a++) {
      Thread t = new Thread(() -> {
        try {
          for (long n; (n = nextBatch.getAndIncrement()) < totalBatches && failure.get() == null; ) {
            List<Span> batch = Workloads.relabel(pool.get((int) (n % poolBatches)), n + 1);
            long backoffMillis = 5;
            while (true) {
              try {
                store.append(batch);
                break;
              } catch (RateLimitedException e) {
                refusedBatches.incrementAndGet();
                long w0 = System.nanoTime();
                Thread.sleep(Math.max(1, e.retryAfter().toMillis()));
                refusedWaitNanos.addAndGet(System.nanoTime() - w0);
              } catch (LimitExceededException e) {
                // no retry-after hint: back off 5, 10, 20, ... up to 100 ms, as a collector would
                refusedBatches.incrementAndGet();
                long w0 = System.nanoTime();
                Thread.sleep(backoffMillis);
                backoffMillis = Math.min(100, 2 * backoffMillis);
                refusedWaitNanos.addAndGet(System.nanoTime() - w0);
              }
            }
            ingested.addAndGet(batch.size());
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
          errors.add("appender: " + e);
        }
        appenderCpu.put(Thread.currentThread().getId(),
            java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
      }, "appender-" + a);
      appenderThreads.add(t);
    }

    // ---- compactor ----
    List<Compaction> compactions = Collections.synchronizedList(new ArrayList<>());
    StopFlag stop = new StopFlag();
    Thread compactor = new Thread(() -> {
      long next = start + (long) (compactEvery * 1e9);
      while (!stop.value) {
        if (!sleepUntil(next, stop)) {
          break;
        }
        long c0 = System.nanoTime();
        try {
          int removed = store.compact();
          compactions.add(new Compaction((c0 - start) / 1e9, (System.nanoTime() - c0) / 1e6, removed));
        } catch (Throwable e) {
          errors.add(String.format("compact at %.0f s: %s", (c0 - start) / 1e9, e));
        }
        next = Math.max(next + (long) (compactEvery * 1e9), System.nanoTime());
      }
    }, "compactor");

    // ---- query sampler ----
    SearchRequest qa = SearchRequest.of(QUERY_A);
    SearchRequest qe = SearchRequest.of(QUERY_ERR);
    List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    Thread querier = new Thread(() -> {
      long next = start + (long) (queryEvery * 1e9);
      while (!stop.value) {
        if (!sleepUntil(next, stop)) {
          break;
        }
        long spans = ingested.get();
        try {
          long q0 = System.nanoTime();
          SearchResult ra = store.search(qa);
          long q1 = System.nanoTime();
          SearchResult re = store.search(qe);
          long q2 = System.nanoTime();
          samples.add(new Sample((q0 - start) / 1e9, spans, (q1 - q0) / 1e6, (q2 - q1) / 1e6, ra.traces().size(),
              re.traces().size()));
        } catch (Throwable e) {
          errors.add(String.format("query at %.0f s: %s", (System.nanoTime() - start) / 1e9, e));
        }
        next = Math.max(next + (long) (queryEvery * 1e9), System.nanoTime());
      }
    }, "querier");

    System.out.println();
    System.out.println("elapsed_s,spans_ingested,spans_per_s_interval,blocks_live,meta_json_on_disk,head_spans,"
        + "head_mb,wal_mb,heap_used_mb,blocks_cut,blocks_compacted,refused_batches,compactions,queryA_ms,queryErr_ms,load1,proc_cpu_pct,cut_thread_cpu_pct");
    appenderThreads.forEach(Thread::start);
    if (explicitCompaction) {
      compactor.start();
    }
    querier.start();

    // ---- curve ----
    long lastSpans = 0;
    long lastT = start;
    long lastProcCpu = processCpuNanos();
    long lastMaintCpu = 0;
    int printedSamples = 0;
    List<long[]> headPeaks = new ArrayList<>();
    while (appenderThreads.stream().anyMatch(Thread::isAlive)) {
      long wakeAt = lastT + (long) (interval * 1e9);
      while (System.nanoTime() < wakeAt && appenderThreads.stream().anyMatch(Thread::isAlive)) {
        Thread.sleep(50);
      }
      long now = System.nanoTime();
      long spans = ingested.get();
      meters.collect();
      String qA = "";
      String qE = "";
      synchronized (samples) {
        if (samples.size() > printedSamples) {
          qA = String.format("%.0f", samples.subList(printedSamples, samples.size()).stream().mapToDouble(Sample::millisA).max().orElse(0));
          qE = String.format("%.0f", samples.subList(printedSamples, samples.size()).stream().mapToDouble(Sample::millisErr).max().orElse(0));
          printedSamples = samples.size();
        }
      }
      long headSpans = meters.gauge(StoreMetrics.HEAD_SPANS);
      long procCpu = processCpuNanos();
      long maintCpu = threadCpuNanos("tracestore-maintenance-");
      double procPct = 100.0 * (procCpu - lastProcCpu) / (now - lastT);
      double maintPct = 100.0 * (maintCpu - lastMaintCpu) / (now - lastT);
      lastProcCpu = procCpu;
      lastMaintCpu = maintCpu;
      headPeaks.add(new long[] {spans, headSpans});
      Runtime rt = Runtime.getRuntime();
      System.out.printf("%.1f,%d,%.0f,%d,%d,%d,%.0f,%.0f,%d,%d,%d,%d,%d,%s,%s,%s,%.0f,%.0f%n", (now - start) / 1e9, spans,
          (spans - lastSpans) / ((now - lastT) / 1e9), meters.gauge(StoreMetrics.BLOCKS_LIVE), countMetas(blocksDir),
          headSpans, meters.gauge(StoreMetrics.HEAD_SIZE) / 1e6, sizeOf(walDir) / 1e6,
          (rt.totalMemory() - rt.freeMemory()) >> 20, meters.counter(StoreMetrics.BLOCKS_CUT),
          meters.counter(StoreMetrics.BLOCKS_COMPACTED), refusedBatches.get(), compactions.size(), qA, qE, loadAverage(),
          procPct, maintPct);
      lastSpans = spans;
      lastT = now;
    }
    for (Thread t : appenderThreads) {
      t.join();
    }
    long ingestEnd = System.nanoTime();
    long acknowledged = ingested.get();
    long procCpuIngest = processCpuNanos() - procCpu0;
    long maintCpuIngest = threadCpuNanos("tracestore-maintenance-");
    long compactorCpuIngest = threadCpuNanos("compactor");
    long querierCpuIngest = threadCpuNanos("querier");
    long gcIngest = gcMillis() - gc0;
    meters.collect();
    long headAtEnd = meters.gauge(StoreMetrics.HEAD_SPANS);
    long blocksAtEnd = meters.gauge(StoreMetrics.BLOCKS_LIVE);
    stop.value = true;
    // no interrupt: an interrupted compact() could leave its file channel closed by interrupt
    long w0 = System.nanoTime();
    compactor.join();
    querier.join();
    double waitCompactS = (System.nanoTime() - w0) / 1e9;

    // ---- drain: everything into blocks ----
    long f0 = System.nanoTime();
    store.flush();
    double flushS = (System.nanoTime() - f0) / 1e9;
    meters.collect();
    long blocksAfterFlush = meters.gauge(StoreMetrics.BLOCKS_LIVE);
    double ingestS = (ingestEnd - start) / 1e9;

    // ---- settle: finish the compactions ingest left pending, so the idle queries run on an idle store ----
    long s0 = System.nanoTime();
    int settleCalls = 0;
    int settledAway = 0;
    if (Boolean.parseBoolean(System.getProperty("settle", "true"))) {
      for (int removed = -1; removed != 0 && settleCalls < 10; settleCalls++) {
        removed = store.compact();
        settledAway += removed;
      }
    }
    meters.collect();
    System.out.printf("settling before the idle queries: %d compact() call(s), %d block(s) merged away, %.1f s -> %d blocks live%n",
        settleCalls, settledAway, (System.nanoTime() - s0) / 1e9, meters.gauge(StoreMetrics.BLOCKS_LIVE));

    // ---- idle queries: the heap collected first (the garbage ingest and settling left is not the idle
    // store's cost: collected during the idle queries, it made their p50 vary 32-70 ms between runs),
    // then spaced a little, as the samplers' were ----
    System.gc();
    List<Double> idleA = new ArrayList<>();
    List<Double> idleErr = new ArrayList<>();
    int idleTracesA = store.search(qa).traces().size(); // warm-up, as the samplers' first calls were not
    int idleTracesErr = store.search(qe).traces().size();
    for (int i = 0; i < idleReps; i++) {
      Thread.sleep(idlePauseMs);
      long q0 = System.nanoTime();
      store.search(qa);
      long q1 = System.nanoTime();
      store.search(qe);
      long q2 = System.nanoTime();
      idleA.add((q1 - q0) / 1e6);
      idleErr.add((q2 - q1) / 1e6);
    }
    meters.collect();
    long refusedSpans = meters.counter(StoreMetrics.SPANS_REFUSED);
    long cut = meters.counter(StoreMetrics.BLOCKS_CUT);
    long compacted = meters.counter(StoreMetrics.BLOCKS_COMPACTED);
    long wal = meters.counter(StoreMetrics.WAL_WRITTEN);

    // ---- summary ----
    System.out.println();
    System.out.printf("ingest: %,d spans acknowledged in %.1f s = %,.0f spans/s (acknowledged, %d appender threads)%n",
        acknowledged, ingestS, acknowledged / ingestS, appenders);
    System.out.printf("at the end of ingest: %,d spans still in the head, %d blocks live; in blocks by then: %,.0f spans/s%n",
        headAtEnd, blocksAtEnd, (acknowledged - headAtEnd) / ingestS);
    System.out.printf("waiting for the compactor/query threads to stop: %.1f s; final flush: %.1f s -> %d blocks live%n",
        waitCompactS, flushS, blocksAfterFlush);
    System.out.printf("sustained into blocks (ingest + final flush, compaction wait excluded): %,.0f spans/s%n",
        acknowledged / (ingestS + flushS));
    long appCpu = appenderCpu.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf("CPU during ingest: process %.0f s (%.0f %% of one core on average, of %d cores), appenders %.0f s, "
            + "maintenance threads (cuts + WAL fsync, and compaction if background) %.0f s, compactor thread %.0f s, querier %.0f s, other threads (search workers, GC, JIT) %.0f s; GC time %.1f s%n",
        procCpuIngest / 1e9, 100 * procCpuIngest / 1e9 / ingestS, Runtime.getRuntime().availableProcessors(), appCpu / 1e9,
        maintCpuIngest / 1e9, compactorCpuIngest / 1e9, querierCpuIngest / 1e9,
        (procCpuIngest - appCpu - maintCpuIngest - compactorCpuIngest - querierCpuIngest) / 1e9, gcIngest / 1e3);
    System.out.printf("per CPU-second: %,.0f spans appended per appender CPU-s; %,.0f spans cut per maintenance-threads CPU-s "
            + "(%,d spans cut by then); %,.0f spans ingested per process CPU-s%n",
        acknowledged / (appCpu / 1e9), (acknowledged - headAtEnd) / (maintCpuIngest / 1e9), acknowledged - headAtEnd,
        acknowledged / (procCpuIngest / 1e9));
    System.out.printf("refused: %,d batches (%,d spans; retried), %.1f s of appender time spent waiting; blocks cut %d, "
        + "compacted away %d; WAL written %.0f MB%n", refusedBatches.get(), refusedSpans, refusedWaitNanos.get() / 1e9,
        cut, compacted, wal / 1e6);
    synchronized (compactions) {
      double total = compactions.stream().mapToDouble(Compaction::millis).sum();
      System.out.printf("compactions: %d calls, %.1f s in compact() (%.0f %% of the ingest time)%n", compactions.size(),
          total / 1e3, 100 * total / 1e3 / ingestS);
      for (Compaction c : compactions) {
        System.out.printf("  compact at %.0f s: %.1f s, %d block(s) removed%n", c.startS(), c.millis() / 1e3, c.removed());
      }
    }
    List<Sample> s;
    synchronized (samples) {
      s = new ArrayList<>(samples);
    }
    List<Double> ingA = s.stream().map(Sample::millisA).toList();
    List<Double> ingE = s.stream().map(Sample::millisErr).toList();
    List<Sample> late = s.stream().filter(x -> x.spansIngested() >= 0.8 * acknowledged).toList();
    List<Double> lateA = late.stream().map(Sample::millisA).toList();
    List<Double> lateE = late.stream().map(Sample::millisErr).toList();
    System.out.println();
    System.out.println("| query | during ingest, all samples: n, p50 / p95 ms | during ingest, last 20 % of spans: n, p50 / p95 ms | idle after flush: n, p50 / p95 ms | p50 ratio (last 20 % / idle) | p95 ratio (all / idle) | traces returned (idle) |");
    System.out.println("|---|---|---|---|---|---|---|");
    summaryRow("(a) " + QUERY_A, ingA, lateA, idleA, idleTracesA);
    summaryRow(QUERY_ERR, ingE, lateE, idleErr, idleTracesErr);
    System.out.printf("%nquery samples (elapsed s, spans ingested, (a) ms, errors ms, traces (a), traces errors):%n");
    for (Sample x : s) {
      System.out.printf("  %.1f, %d, %.0f, %.0f, %d, %d%n", x.elapsedS(), x.spansIngested(), x.millisA(), x.millisErr(),
          x.tracesA(), x.tracesErr());
    }
    if (!errors.isEmpty()) {
      System.out.println("\nERRORS:");
      errors.forEach(e -> System.out.println("  " + e));
    } else {
      System.out.println("\nno exceptions other than the refused (retried) appends");
    }
    System.out.printf("load average at the end: %s; data directory %s: %.0f MB%n", loadAverage(), dir,
        Workloads.sizeOf(dir) / 1e6);
    store.close();
    if (dirProp == null && !Boolean.getBoolean("keep")) {
      Workloads.deleteRecursively(dir);
    }
    if (failure.get() != null) {
      failure.get().printStackTrace();
      System.exit(1);
    }
  }

  private static final class StopFlag {
    volatile boolean value;
  }

  /** Sleeps until {@code deadline} (nanoTime); false if stopped or interrupted first. */
  private static boolean sleepUntil(long deadline, StopFlag stop) {
    try {
      while (!stop.value) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return true;
        }
        Thread.sleep(Math.min(100, Math.max(1, left / 1_000_000)));
      }
    } catch (InterruptedException e) {
      return false;
    }
    return false;
  }

  private static void summaryRow(String query, List<Double> ingest, List<Double> late, List<Double> idle, int traces) {
    System.out.printf("| `%s` | %d, %.0f / %.0f | %d, %.0f / %.0f | %d, %.0f / %.0f | %.2f× | %.2f× | %d |%n", query,
        ingest.size(), pct(ingest, 50), pct(ingest, 95), late.size(), pct(late, 50), pct(late, 95), idle.size(),
        pct(idle, 50), pct(idle, 95), pct(late, 50) / pct(idle, 50), pct(ingest, 95) / pct(idle, 95), traces);
  }

  /** Nearest-rank percentile; NaN when empty. */
  static double pct(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] a = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int rank = (int) Math.ceil(p / 100 * a.length);
    return a[Math.max(0, Math.min(a.length - 1, rank - 1))];
  }

  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
  }

  /** CPU time of the live threads whose name starts with {@code prefix}. */
  private static long threadCpuNanos(String prefix) {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(prefix)) {
        sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
      }
    }
    return sum;
  }

  private static long gcMillis() {
    return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
  }

  private static long countMetas(Path blocksDir) {
    try (Stream<Path> s = Files.list(blocksDir)) {
      return s.filter(p -> Files.exists(p.resolve("meta.json"))).count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long sizeOf(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.mapToLong(p -> {
        try {
          return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException e) {
          return 0; // deleted meanwhile
        }
      }).sum();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /**
   * A minimal {@link MeterProvider} that keeps counter totals and the last gauge values by
   * instrument name (dynamic proxies over the API's interfaces; no SDK needed). {@link #collect()}
   * runs the registered gauge callbacks.
   */
  static final class CapturingMeters {
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Map<String, Long> gauges = new ConcurrentHashMap<>();
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private final MeterProvider provider;

    CapturingMeters() {
      provider = (MeterProvider) proxy(MeterProvider.class, "");
    }

    /** The provider to give the store. */
    MeterProvider provider() {
      return provider;
    }

    void collect() {
      callbacks.forEach(Runnable::run);
    }

    long counter(String name) {
      AtomicLong v = counters.get(name);
      return v == null ? 0 : v.get();
    }

    long gauge(String name) {
      return gauges.getOrDefault(name, 0L);
    }

    private Object proxy(Class<?> type, String name) {
      return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, new Named(name));
    }

    private final class Named implements InvocationHandler {
      final String name;

      Named(String name) {
        this.name = name;
      }

      @Override
      public Object invoke(Object self, Method m, Object[] args) {
        String mn = m.getName();
        switch (mn) {
          case "hashCode":
            return System.identityHashCode(self);
          case "equals":
            return self == args[0];
          case "toString":
            return "CapturingMeters(" + name + ")";
          default:
            break;
        }
        if (mn.equals("add") && args != null && args.length >= 1 && args[0] instanceof Long l) {
          counters.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(l);
          return null;
        }
        if (mn.equals("record") && args != null && args.length >= 1 && args[0] instanceof Long l) {
          gauges.put(name, l);
          return null;
        }
        if (mn.equals("batchCallback") && args != null && args[0] instanceof Runnable r) {
          callbacks.add(r);
          return proxy(m.getReturnType(), name);
        }
        Class<?> rt = m.getReturnType();
        if (rt.isInterface()) {
          String next = mn.endsWith("Builder") && args != null && args.length == 1 && args[0] instanceof String s ? s : name;
          return proxy(rt, next);
        }
        if (rt == boolean.class) {
          return false;
        }
        if (rt == void.class || !rt.isPrimitive()) {
          return null;
        }
        return 0;
      }
    }
  }

}
