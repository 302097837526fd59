package io.tracestore.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.Span;
import io.tracestore.api.StorageException;
import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import io.tracestore.core.TraceStores;
import io.tracestore.core.block.BlockCatalog;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.testing.WorkloadGenerator;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The S3 server itself is stopped in the middle of a block upload and started again later.
 *
 * <p>The server is a dedicated in-process S3Proxy on 127.0.0.1 whose Jetty server is really
 * stopped ({@link S3Proxy#stop()}: the listening socket is closed, so new connections are refused,
 * and open connections are closed) and later replaced by a new S3Proxy on the same port over the
 * same in-memory blob store, so the objects written before the outage survive it, as they would on
 * a real S3 endpoint that goes away and comes back. No TCP proxy is involved.
 */
class S3ServerOutageTest {
  private static final String TENANT = "single-tenant";

  @TempDir
  Path tmp;

  private BlobStore blobs;
  private int port;
  private volatile S3Proxy server;
  private S3Client admin;

  @AfterEach
  void stopServer() throws Exception {
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  private URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  private void startServer() throws Exception {
    if (blobs == null) {
      Properties p = new Properties();
      p.setProperty("jclouds.identity", S3TestServer.ACCESS);
      p.setProperty("jclouds.credential", S3TestServer.SECRET);
      blobs = BlobStores.create("transient", p);
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
    }
    S3Proxy s = S3Proxy.builder()
        .blobStore(blobs)
        .endpoint(uri())
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, S3TestServer.ACCESS, S3TestServer.SECRET)
        .ignoreUnknownHeaders(true)
        .stopTimeout(0)
        .build();
    s.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!"STARTED".equals(s.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + s.getState());
      }
      Thread.sleep(10);
    }
    server = s;
  }

  private void stopServerNow() {
    try {
      server.stop();
      server = null;
    } catch (Exception e) {
      throw new IllegalStateException("could not stop S3Proxy", e);
    }
    // the port is closed: a new connection is refused
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
        .isInstanceOf(ConnectException.class);
  }

  private S3Client admin() {
    if (admin == null) {
      admin = S3Client.builder().endpointOverride(uri()).forcePathStyle(true).region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(
              AwsBasicCredentials.create(S3TestServer.ACCESS, S3TestServer.SECRET)))
          .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }
    return admin;
  }

  private S3ObjectStore.Builder storeBuilder(String bucket) {
    return S3ObjectStore.builder().bucket(bucket).endpoint(uri()).pathStyle(true).region("us-east-1")
        .credentials(S3TestServer.ACCESS, S3TestServer.SECRET)
        .prefix("outage")
        .maxAttempts(3)
        .connectionTimeout(Duration.ofSeconds(2))
        .apiCallAttemptTimeout(Duration.ofSeconds(20))
        .apiCallTimeout(Duration.ofSeconds(60));
  }

  /** Stops the server once part {@code stopAfterPart} of a multipart upload has been stored. */
  private final class StopDuringUpload implements ExecutionInterceptor {
    final AtomicInteger stops = new AtomicInteger();
    final AtomicReference<String> multipartKey = new AtomicReference<>();
    final AtomicInteger partsStored = new AtomicInteger();
    volatile boolean armed;
    /** When the server was stopped (System.nanoTime). */
    volatile long stoppedAtNanos;

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      if (context.request() instanceof CreateMultipartUploadRequest r) {
        multipartKey.set(r.key());
      }
      if (armed && context.request() instanceof UploadPartRequest r && r.partNumber() == 1) {
        partsStored.incrementAndGet();
        armed = false;
        stops.incrementAndGet();
        stoppedAtNanos = System.nanoTime();
        stopServerNow(); // part 2 and CompleteMultipartUpload now meet a closed port
      }
    }
  }

  @Test
  void serverStoppedDuringAMultipartBlockUploadLosesNothingAndShowsNoPartialBlock() throws Exception {
    startServer();
    String bucket = "ts-outage";
    admin().createBucket(b -> b.bucket(bucket));

    // One block big enough (> 5 MiB) to be uploaded in two 5 MiB parts. No block is committed
    // before the outage: a lookup that has to read a committed block fails while S3 is down (the
    // data is there, but unreachable), which is not what this test is about.
    List<Span> all = WorkloadGenerator.generate(11, 120_000);
    Map<TraceId, List<Span>> byTrace = new LinkedHashMap<>();
    for (Span s : all) {
      byTrace.computeIfAbsent(s.traceId(), k -> new ArrayList<>()).add(s);
    }

    StopDuringUpload stopper = new StopDuringUpload();
    try (S3ObjectStore s3 = storeBuilder(bucket)
        .multipartThreshold(S3ObjectStore.MIN_PART_SIZE).partSize(S3ObjectStore.MIN_PART_SIZE)
        .addInterceptor(stopper).build();
        TraceStore store = TraceStores.builder().objectStore(s3).walDirectory(tmp.resolve("wal1"))
            .maxBlockBytes(Long.MAX_VALUE).maxBlockAge(Duration.ofDays(1)).build()) {
      store.append(all); // acknowledged: in the WAL and the in-memory head

      // -------- the outage: the server stops after part 1 of the block's data.parquet --------
      stopper.armed = true;
      assertThatThrownBy(store::flush).isInstanceOf(StorageException.class)
          .hasMessageContaining("could not store block").hasMessageContaining("data.parquet failed");
      // measured from the stop, so encoding the block on a loaded machine does not count
      long failedAfterMillis = (System.nanoTime() - stopper.stoppedAtNanos) / 1_000_000;
      assertThat(stopper.stops.get()).as("the server was stopped during the upload").isEqualTo(1);
      assertThat(stopper.partsStored.get()).isEqualTo(1);
      String dataKey = stopper.multipartKey.get();
      assertThat(dataKey).as("the big block was a multipart upload").isNotNull().endsWith("/data.parquet");
      assertThat(failedAfterMillis).as("the flush gave up after its retries, not after the call timeout")
          .isLessThan(30_000);

      // nothing acknowledged is lost: every span is still served (from memory, backed by the WAL)
      for (Map.Entry<TraceId, List<Span>> e : byTrace.entrySet()) {
        assertThat(store.findTrace(e.getKey())).as("trace %s during the outage", e.getKey())
            .contains(new Trace(e.getKey(), e.getValue()));
      }

      // -------- the server comes back --------
      startServer();
      String objectKeyOfData = dataKey.substring("outage/".length());
      try (S3ObjectStore other = storeBuilder(bucket).build()) {
        // a second instance sees no partial block: the half-uploaded data.parquet does not
        // exist, no block object is listed, and no block is committed or even half-written
        assertThat(other.exists(objectKeyOfData)).isFalse();
        assertThat(other.list("").stream().filter(k -> k.contains("/blocks/"))).isEmpty(); // the tenant index exists
        BlockCatalog seen = BlockCatalog.load(other, TENANT);
        assertThat(seen.committed()).isEmpty();
        assertThat(seen.uncommitted()).isEmpty();
        try (TraceStore reader = TraceStores.builder().objectStore(other).walDirectory(tmp.resolve("wal-r1")).build()) {
          assertThat(reader.findTrace(all.get(0).traceId())).as("not yet committed").isEmpty();
          assertThat(reader.search(io.tracestore.api.SearchRequest.of("{ status = error }").withLimit(0)).traces()).isEmpty();
        }
      }
      // the abort could not reach the stopped server: the parts stay as an incomplete upload
      // (a bucket lifecycle rule removes it), invisible to LIST and GET
      assertThat(admin().listMultipartUploads(b -> b.bucket(bucket)).uploads()).hasSizeLessThanOrEqualTo(1);

      // a later flush succeeds (the spans were put back into the head) ...
      store.flush();
      BlockCatalog after = BlockCatalog.load(s3, TENANT);
      assertThat(after.committed()).hasSize(1);
      assertThat(after.uncommitted()).isEmpty();
      assertThat(after.committed().stream().mapToLong(BlockMeta::spanCount).sum()).isEqualTo(all.size());
    }

    // ... and a second instance with an empty WAL sees every span
    try (S3ObjectStore other = storeBuilder(bucket).build();
        TraceStore reader = TraceStores.builder().objectStore(other).walDirectory(tmp.resolve("wal-r2")).build()) {
      BlockCatalog seen = BlockCatalog.load(other, TENANT);
      assertThat(seen.committed().stream().mapToLong(BlockMeta::spanCount).sum()).isEqualTo(all.size());
      int checked = 0;
      int i = 0;
      for (Map.Entry<TraceId, List<Span>> e : byTrace.entrySet()) {
        // every 100th trace (each lookup in this one big block reads megabytes from S3; all of
        // them would take many minutes); the span count and the search below cover every span
        if (i++ % 100 == 0) {
          assertThat(reader.findTrace(e.getKey())).as("trace %s after the outage", e.getKey())
              .contains(new Trace(e.getKey(), e.getValue()));
          checked++;
        }
      }
      assertThat(checked).isGreaterThan(50);
      // every error span is matched by a search
      long errorSpans = all.stream().filter(s -> s.statusCode() == io.tracestore.api.StatusCode.ERROR).count();
      long matched = reader.search(io.tracestore.api.SearchRequest.of("{ status = error }").withLimit(0)).traces()
          .stream().mapToLong(m -> m.spanSets().stream().mapToLong(ss -> ss.matched()).sum()).sum();
      assertThat(matched).isEqualTo(errorSpans);
    }
  }
}
