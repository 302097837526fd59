package io.tracestore.storage.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Connection resets and stalled connections, made by a TCP proxy between the store and S3Proxy. */
class S3NetworkFaultTest {
  private FaultyTcpProxy proxy;
  private S3ObjectStore store;
  private String bucket;

  @BeforeEach
  void open() throws IOException {
    bucket = S3TestServer.newBucket();
    proxy = new FaultyTcpProxy(S3TestServer.uri());
    // a generous attempt timeout, so a slow machine does not add attempts (and connections) the
    // tests count; the stall test builds its own impatient store
    store = storeBuilder().apiCallAttemptTimeout(Duration.ofSeconds(20)).apiCallTimeout(Duration.ofSeconds(60))
        .build();
  }

  private S3ObjectStore.Builder storeBuilder() {
    return S3TestServer.storeBuilder(bucket).endpoint(proxy.uri()).prefix("net")
        .socketTimeout(Duration.ofSeconds(30));
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

  /**
   * Fills the JDK's keep-alive cache with {@code n} idle connections (it keeps at most {@code
   * http.maxConnections}, 5 by default, per server) and then has the server side close them all.
   */
  private void poolOfStaleConnections(int n) throws Exception {
    proxy.gate(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<?>> puts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String key = "warm/" + i;
        puts.add(pool.submit(() -> {
          store.put(key, key.getBytes(UTF_8));
          return null;
        }));
      }
      for (Future<?> f : puts) {
        f.get(20, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(proxy.connections.get()).as("one connection per concurrent request").isEqualTo(n);
    proxy.closeForwarded();
    Thread.sleep(100); // let the FINs arrive (loopback: at once)
  }

  @Test
  void aPutOnKeepAliveConnectionsTheServerClosedWhileIdleSucceedsOnANewConnection() throws Exception {
    poolOfStaleConnections(5);
    byte[] body = new byte[256 * 1024];
    new java.util.Random(7).nextBytes(body);
    store.put("after-idle", body);
    assertThat(store.get("after-idle")).isEqualTo(body);
    assertThat(proxy.connections.get()).as("a new connection was opened").isGreaterThan(5);
  }

  @Test
  void aConditionalPutOnDeadKeepAliveConnectionsReportsItsWinAndTheLoserItsLoss() throws Exception {
    poolOfStaleConnections(5);
    assertThat(store.putIfAbsent("commit", "mine".getBytes(UTF_8))).as("no false loser").isTrue();
    proxy.closeForwarded(); // the connections used so far die too
    assertThat(store.putIfAbsent("commit", "theirs".getBytes(UTF_8))).as("no false winner").isFalse();
    assertThat(store.get("commit")).isEqualTo("mine".getBytes(UTF_8));
  }

  @Test
  void readsListsAndDeletesOnDeadKeepAliveConnectionsSucceed() throws Exception {
    // written around the proxy, so that the only pooled connections to the proxy are the dead ones
    S3TestServer.admin().putObject(b -> b.bucket(bucket).key("net/a/1"),
        software.amazon.awssdk.core.sync.RequestBody.fromString("one"));
    poolOfStaleConnections(5);
    assertThat(store.get("a/1")).isEqualTo("one".getBytes(UTF_8));
    proxy.closeForwarded();
    assertThat(store.getRange("a/1", 1, 2)).isEqualTo("ne".getBytes(UTF_8));
    proxy.closeForwarded();
    assertThat(store.list("a/")).containsExactly("a/1");
    proxy.closeForwarded();
    assertThat(store.exists("a/1")).isTrue();
    proxy.closeForwarded();
    assertThat(store.delete("a/1")).isTrue();
    assertThat(store.exists("a/1")).isFalse();
  }

  @Test
  void aServerThatDropsEveryConnectionFailsTheCallAfterABoundedNumberOfAttempts() throws Exception {
    store.put("k", "v".getBytes(UTF_8)); // one pooled connection, forwarded
    proxy.resetNext(1_000);
    proxy.closeForwarded();
    int before = proxy.connections.get();
    assertThatThrownBy(() -> store.put("k2", "v".getBytes(UTF_8))).isInstanceOf(IOException.class)
        .hasMessageContaining("PutObject");
    int attempts = proxy.connections.get() - before + 1; // the first attempt used the dead pooled connection
    assertThat(attempts).as("sent again only until the dead connections outnumber a pool's")
        .isGreaterThan(4).isLessThanOrEqualTo(4 + S3ObjectStore.POOLED_CONNECTIONS + 4);
  }

  @Test
  void aStalledConnectionIsAbandonedAfterTheAttemptTimeoutAndRetried() throws IOException {
    // the proxy is new, so the first request opens the first connection: that one stalls
    proxy.stallNext(1);
    long start = System.nanoTime();
    try (S3ObjectStore impatient = storeBuilder().apiCallAttemptTimeout(Duration.ofMillis(1500))
        .apiCallTimeout(Duration.ofSeconds(20)).build()) {
      assertThat(impatient.putIfAbsent("c", "x".getBytes(UTF_8))).as("no false loser after the retry").isTrue();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(proxy.connections.get()).as("the retry used a new connection").isGreaterThanOrEqualTo(2);
    assertThat(millis).as("waited for the 1.5 s attempt timeout").isGreaterThanOrEqualTo(1_400);
    assertThat(millis).as("abandoned after the attempt timeout, not the 30 s socket timeout").isLessThan(15_000);
    assertThat(store.get("c")).isEqualTo("x".getBytes(UTF_8));
  }
}
