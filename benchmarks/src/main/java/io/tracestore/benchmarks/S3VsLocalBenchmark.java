package io.tracestore.benchmarks;

import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.TraceStores;
import io.tracestore.core.block.BlockCatalog;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.spi.ObjectStore;
import io.tracestore.storage.local.LocalObjectStore;
import io.tracestore.storage.s3.S3ObjectStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/**
 * S3 against local disk on the same blocks: a search and trace-by-id, warm and cold, with the S3
 * requests and bytes each query costs. Not JMH: a plain main that interleaves the two backends so
 * both see the same noise on a shared machine, and reports medians.
 *
 * <p>Data: {@code blocks} (default 20) blocks of {@code spansPerBlock} (default 10,000) spans of
 * the seeded workload (seed 42), written by a local-directory TraceStore with a {@code flush()}
 * after each block's spans, then copied object by object (identical bytes) into a bucket of an
 * in-process S3Proxy on 127.0.0.1 (in-memory "transient" blob store, AWS V4 signatures, plain
 * HTTP). The S3 client is the store's own ({@link S3ObjectStore.Builder}: JDK URLConnection HTTP
 * client); a counting {@link ExecutionInterceptor} counts every attempt by request type and the
 * {@code Content-Length} of GET answers.
 *
 * <ul>
 *   <li><b>warm</b>: one TraceStore per backend for the whole run, primed by running every
 *       measured query once. Block footers and bloom filters are then cached by the store; the
 *       column data is not (each query reads it again: from the page cache locally, with ranged
 *       GETs on S3).
 *   <li><b>cold</b>: before each call a new object store (for S3 a new S3 client, so new
 *       connections) and a new TraceStore are opened; opening (LIST and the {@code meta.json}
 *       GETs) is not measured, nor counted. The local files stay in the OS page cache.
 * </ul>
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.tracestore.benchmarks.S3VsLocalBenchmark}
 * with optional {@code -Dblocks=20 -DspansPerBlock=10000 -DwarmReps=15 -DcoldReps=7 -Dids=100}.
 */
public final class S3VsLocalBenchmark {
  /** The query; on this workload it matches no span, so every block is scanned for nothing. */
  static final String QUERY = "{ resource.service.name = \"checkout\" && duration > 2s && status = error }";
  /** A query with matches (32 error spans of checkout), so matched traces are also fetched. */
  static final String QUERY2 = "{ resource.service.name = \"checkout\" && status = error }";
  static final String TENANT = "single-tenant";
  static final String ACCESS = "bench";
  static final String SECRET = "bench-secret";

  private S3VsLocalBenchmark() {}

  /** Counts S3 attempts by type and the bytes of GET answers. */
  static final class RequestCounter implements ExecutionInterceptor {
    final AtomicLong gets = new AtomicLong();
    final AtomicLong getBytes = new AtomicLong();
    final AtomicLong heads = new AtomicLong();
    final AtomicLong lists = new AtomicLong();
    final AtomicLong others = new AtomicLong();

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
      SdkRequest r = context.request();
      if (r instanceof GetObjectRequest) {
        gets.incrementAndGet();
        getBytes.addAndGet(context.httpResponse().firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(0L));
      } else if (r instanceof HeadObjectRequest) {
        heads.incrementAndGet();
      } else if (r instanceof ListObjectsV2Request) {
        lists.incrementAndGet();
      } else {
        others.incrementAndGet();
      }
    }

    long[] snapshot() {
      return new long[] {gets.get(), getBytes.get(), heads.get(), lists.get(), others.get()};
    }
  }

  /** Per-call figures of one backend and mode. */
  static final class Series {
    final List<Double> millis = new ArrayList<>();
    final List<long[]> requests = new ArrayList<>();

    double median() {
      double[] a = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    double mean(int field) {
      return requests.stream().mapToLong(r -> r[field]).average().orElse(0);
    }
  }

  interface Call {
    Object run(TraceStore store);
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    int blocks = Integer.getInteger("blocks", 20);
    int spansPerBlock = Integer.getInteger("spansPerBlock", 10_000);
    int warmReps = Integer.getInteger("warmReps", 15);
    int coldReps = Integer.getInteger("coldReps", 7);
    int idCount = Integer.getInteger("ids", 100);
    long start = System.nanoTime();

    Path dir = Workloads.tempDirectory("tracestore-bench-s3vslocal-");
    S3Proxy server = null;
    try {
      // ---- data: local directory store, one flush per block ----
      List<TraceId> traceIds = Workloads.writeBlocks(dir, blocks, spansPerBlock);
      Path data = dir.resolve("data");

      // ---- S3Proxy on 127.0.0.1, same objects ----
      Properties p = new Properties();
      p.setProperty("jclouds.identity", ACCESS);
      p.setProperty("jclouds.credential", SECRET);
      BlobStore blobs = BlobStores.create("transient", p);
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      server = S3Proxy.builder().blobStore(blobs).endpoint(endpoint)
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).ignoreUnknownHeaders(true).build();
      server.start();
      while (!"STARTED".equals(server.getState())) {
        Thread.sleep(10);
      }
      RequestCounter counter = new RequestCounter();
      Supplier<S3ObjectStore> s3 = () -> S3ObjectStore.builder().bucket("bench").endpoint(endpoint).pathStyle(true)
          .region("us-east-1").credentials(ACCESS, SECRET).prefix("traces").addInterceptor(counter).build();
      long bytes = 0;
      int objects = 0;
      try (LocalObjectStore local = new LocalObjectStore(data); S3ObjectStore bucket = s3.get()) {
        createBucket(endpoint);
        for (String k : local.list("")) {
          byte[] b = local.get(k);
          bucket.put(k, b);
          bytes += b.length;
          objects++;
        }
      }
      List<BlockMeta> metas;
      try (LocalObjectStore local = new LocalObjectStore(data)) {
        metas = BlockCatalog.load(local, TENANT).committed();
      }
      System.out.printf("data: %d blocks, %d spans, %d traces, %d objects, %.1f MB copied to s3://bench/traces/ (%.0f s)%n",
          metas.size(), metas.stream().mapToLong(BlockMeta::spanCount).sum(), traceIds.size(), objects, bytes / 1e6,
          (System.nanoTime() - start) / 1e9);

      Random random = new Random(7);
      TraceId[] ids = new TraceId[idCount];
      for (int i = 0; i < idCount; i++) {
        ids[i] = traceIds.get(random.nextInt(traceIds.size()));
      }
      double candidates = Arrays.stream(ids).mapToLong(id -> metas.stream().filter(m -> m.mayContain(id)).count())
          .average().orElse(0);

      Supplier<ObjectStore> localStore = () -> {
        try {
          return new LocalObjectStore(data);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      };
      Supplier<ObjectStore> s3Store = s3::get;
      SearchRequest search = SearchRequest.of(QUERY).withLimit(0);
      SearchRequest search2 = SearchRequest.of(QUERY2).withLimit(0);
      int[] cursor = {0};
      Call byId = st -> st.findTrace(ids[cursor[0]++ % ids.length]).orElseThrow();
      Call find = st -> st.search(search);
      Call find2 = st -> st.search(search2);

      // ---- warm ----
      Series[] warmSearch = {new Series(), new Series()};
      Series[] warmSearch2 = {new Series(), new Series()};
      Series[] warmById = {new Series(), new Series()};
      ObjectStore lo = localStore.get();
      ObjectStore so = s3Store.get();
      try (TraceStore l = open(lo); TraceStore s = open(so)) {
        TraceStore[] stores = {l, s};
        for (SearchRequest q : List.of(search, search2)) {
          SearchResult r0 = l.search(q);
          SearchResult r1 = s.search(q);
          if (r0.traces().size() != r1.traces().size()) {
            throw new IllegalStateException("local and S3 disagree: " + r0.traces().size() + " vs " + r1.traces().size());
          }
          System.out.printf("%s matches %d traces (%d blocks inspected, %d pruned, %d spans inspected)%n", q.query(),
              r0.traces().size(), r0.metrics().blocksInspected(), r0.metrics().blocksPruned(),
              r0.metrics().spansInspected());
        }
        for (TraceId id : ids) {
          l.findTrace(id).orElseThrow();
          s.findTrace(id).orElseThrow();
        }
        for (int rep = 0; rep < warmReps; rep++) {
          for (int b = 0; b < 2; b++) {
            TraceStore st = stores[b];
            measure(warmSearch[b], counter, () -> find.run(st));
            measure(warmSearch2[b], counter, () -> find2.run(st));
          }
        }
        for (int i = 0; i < ids.length; i++) {
          for (int b = 0; b < 2; b++) {
            cursor[0] = i;
            TraceStore st = stores[b];
            measure(warmById[b], counter, () -> byId.run(st));
          }
        }
      } finally {
        lo.close();
        so.close();
      }
      System.out.printf("warm done (%.0f s)%n", (System.nanoTime() - start) / 1e9);

      // ---- cold ----
      Series[] coldSearch = {new Series(), new Series()};
      Series[] coldSearch2 = {new Series(), new Series()};
      Series[] coldById = {new Series(), new Series()};
      List<Supplier<ObjectStore>> backends = List.of(localStore, s3Store);
      for (int rep = 0; rep < coldReps; rep++) {
        for (int b = 0; b < 2; b++) {
          cold(coldSearch[b], counter, backends.get(b), find);
          cold(coldSearch2[b], counter, backends.get(b), find2);
        }
      }
      for (int rep = 0; rep < Math.min(coldReps * 3, ids.length); rep++) {
        for (int b = 0; b < 2; b++) {
          cursor[0] = rep;
          cold(coldById[b], counter, backends.get(b), byId);
        }
      }

      System.out.printf("%n%d blocks x %d spans; %d warm / %d cold searches, %d warm / %d cold lookups per backend; "
              + "%.1f candidate blocks per lookup (trace-id range); total %.0f s%n%n",
          blocks, spansPerBlock, warmReps, coldReps, ids.length, Math.min(coldReps * 3, ids.length), candidates,
          (System.nanoTime() - start) / 1e9);
      System.out.println("| query | mode | local ms (median) | S3 ms (median) | S3/local | S3 GETs/query, mean (min–max) | S3 KB fetched/query | S3 HEAD+LIST/query | GETs per block (search: 20 blocks; by id: candidates) |");
      System.out.println("|---|---|---|---|---|---|---|---|---|");
      row("search (issue query, 0 matches)", "warm", warmSearch, metas.size());
      row("search (issue query, 0 matches)", "cold", coldSearch, metas.size());
      row("search (checkout errors)", "warm", warmSearch2, metas.size());
      row("search (checkout errors)", "cold", coldSearch2, metas.size());
      row("trace by id", "warm", warmById, candidates);
      row("trace by id", "cold", coldById, candidates);
    } finally {
      if (server != null) {
        server.stop();
      }
      Workloads.deleteRecursively(dir);
    }
  }

  private static void row(String query, String mode, Series[] s, double candidateBlocks) {
    Series local = s[0];
    Series remote = s[1];
    double gets = remote.mean(0);
    long min = remote.requests.stream().mapToLong(r -> r[0]).min().orElse(0);
    long max = remote.requests.stream().mapToLong(r -> r[0]).max().orElse(0);
    System.out.printf("| %s | %s | %.2f | %.2f | %.2f× | %.1f (%d–%d) | %.0f | %.1f | %.2f |%n", query, mode, local.median(),
        remote.median(), remote.median() / local.median(), gets, min, max, remote.mean(1) / 1024.0,
        remote.mean(2) + remote.mean(3), gets / candidateBlocks);
  }

  private static TraceStore open(ObjectStore store) {
    return TraceStores.builder().objectStore(store).build();
  }

  private static void measure(Series series, RequestCounter counter, Supplier<Object> call) {
    long[] before = counter.snapshot();
    long t0 = System.nanoTime();
    Object result = call.get();
    long t1 = System.nanoTime();
    long[] after = counter.snapshot();
    if (result == null) {
      throw new IllegalStateException();
    }
    series.millis.add((t1 - t0) / 1e6);
    long[] d = new long[after.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = after[i] - before[i];
    }
    series.requests.add(d);
  }

  private static void cold(Series series, RequestCounter counter, Supplier<ObjectStore> objects, Call call)
      throws IOException {
    ObjectStore o = objects.get();
    try (TraceStore st = open(o)) {
      measure(series, counter, () -> call.run(st));
    } finally {
      o.close();
    }
  }

  private static void createBucket(URI endpoint) {
    try (software.amazon.awssdk.services.s3.S3Client admin = software.amazon.awssdk.services.s3.S3Client.builder()
        .endpointOverride(endpoint).forcePathStyle(true).region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(ACCESS, SECRET)))
        .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build()) {
      admin.createBucket(b -> b.bucket("bench"));
    }
  }
}
