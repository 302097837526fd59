package io.tracestore.storage.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Connection resets and stalled connections, made by a TCP proxy between the store and S3Proxy. */
class S3NetworkFaultTest {
  private FaultyTcpProxy proxy;
  private S3ObjectStore store;

  @BeforeEach
  void open() throws IOException {
    String bucket = S3TestServer.newBucket();
    proxy = new FaultyTcpProxy(S3TestServer.uri());
    store = S3TestServer.storeBuilder(bucket).endpoint(proxy.uri()).prefix("net")
        .apiCallAttemptTimeout(Duration.ofMillis(1500))
        .socketTimeout(Duration.ofSeconds(30))
        .apiCallTimeout(Duration.ofSeconds(20))
        .build();
  }

  @AfterEach
  void close() throws IOException {
    store.close();
    proxy.close();
  }

  @Test
  void resetConnectionsAreRetried() throws IOException {
    // the proxy is new, so the first requests open the first connections: two are reset
    proxy.resetNext(2);
    store.put("k", "value".getBytes(UTF_8));
    assertThat(proxy.connections.get()).isEqualTo(3);
    assertThat(store.get("k")).isEqualTo("value".getBytes(UTF_8));
  }

  @Test
  void aStalledConnectionIsAbandonedAfterTheAttemptTimeoutAndRetried() throws IOException {
    // the proxy is new, so the first request opens the first connection: that one stalls
    proxy.stallNext(1);
    long start = System.nanoTime();
    assertThat(store.putIfAbsent("c", "x".getBytes(UTF_8))).as("no false loser after the retry").isTrue();
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(proxy.connections.get()).as("the retry used a new connection").isEqualTo(2);
    assertThat(millis).as("waited for the 1.5 s attempt timeout").isGreaterThanOrEqualTo(1_400);
    assertThat(millis).as("abandoned after the attempt timeout, not the 30 s socket timeout").isLessThan(15_000);
    assertThat(store.get("c")).isEqualTo("x".getBytes(UTF_8));
  }
}
