package io.tracestore.storage.s3;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.junit.S3ProxyJunitCore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** One in-process S3Proxy (transient, in-memory blob store) on 127.0.0.1 for the whole test JVM. */
final class S3TestServer {
  static final String ACCESS = "access";
  static final String SECRET = "secret";

  private static S3ProxyJunitCore proxy;
  private static S3Client admin;
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private S3TestServer() {}

  static synchronized URI uri() {
    if (proxy == null) {
      try {
        S3ProxyJunitCore p = new S3ProxyJunitCore.Builder()
            .withBlobStoreProvider("transient")
            .withCredentials(ACCESS, SECRET)
            .build();
        p.beforeEach();
        proxy = p;
        Runtime.getRuntime().addShutdownHook(new Thread(p::afterEach));
      } catch (Exception e) {
        throw new IllegalStateException("could not start S3Proxy", e);
      }
    }
    return proxy.getUri();
  }

  /**
   * A plain client with the right credentials, for setup and inspection. It shares the JDK's pool of
   * keep-alive connections, which S3Proxy may have closed: more attempts than the pool holds (5) so
   * a call that meets only dead connections still gets a fresh one (as S3ObjectStore does itself).
   * Plain request bodies, for the reason given at {@link #storeBuilder}.
   */
  static synchronized S3Client admin() {
    if (admin == null) {
      admin = S3Client.builder()
          .endpointOverride(uri())
          .forcePathStyle(true)
          .region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
          .httpClientBuilder(UrlConnectionHttpClient.builder())
          .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
          .overrideConfiguration(o -> o.retryStrategy(
              software.amazon.awssdk.awscore.retry.AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(8).build()))
          .build();
    }
    return admin;
  }

  /** Creates a new, empty bucket and returns its name. */
  static String newBucket() {
    String name = "ts-test-" + BUCKETS.incrementAndGet();
    admin().createBucket(b -> b.bucket(name));
    return name;
  }

  /**
   * A builder pointed at the test server with the right credentials and short timeouts, sending
   * plain (not {@code aws-chunked}) request bodies, which S3Proxy does not answer early (see
   * {@code S3ObjectStore.Builder.chunkedEncoding}; seen on slow CI machines as a put-if-absent sent
   * again into its own object: 412 and a HEAD).
   */
  static S3ObjectStore.Builder storeBuilder(String bucket) {
    return S3ObjectStore.builder()
        .bucket(bucket)
        .endpoint(uri())
        .pathStyle(true)
        .region("us-east-1")
        .credentials(ACCESS, SECRET)
        .chunkedEncoding(false)
        .apiCallAttemptTimeout(java.time.Duration.ofSeconds(20))
        .apiCallTimeout(java.time.Duration.ofSeconds(60));
  }
}
