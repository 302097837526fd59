package io.tracestore.storage.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** Retries, timeouts and conditional puts when the server answers 503 or stalls. */
class S3FaultTest {
  private final FaultInjector faults = new FaultInjector();
  private String bucket;
  private S3ObjectStore store;

  @BeforeEach
  void open() {
    bucket = S3TestServer.newBucket();
    // A generous attempt timeout: an attempt abandoned on a slow machine is sent again, and the
    // server may have acted on it (a put-if-absent retried that way meets its own object).
    store = S3TestServer.storeBuilder(bucket).prefix("faults")
        .addInterceptor(faults)
        .maxAttempts(4)
        .apiCallAttemptTimeout(Duration.ofSeconds(20))
        .apiCallTimeout(Duration.ofSeconds(60))
        .build();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  /** Requests {@code action} sends, less those the SDK sent again after the test server itself answered 5xx (a hiccup of S3Proxy, seen once in a full build). */
  private int requests(IoAction action) throws IOException {
    faults.reset();
    action.run();
    return faults.attempts.get() - faults.serverRetryables.get();
  }

  private interface IoAction {
    void run() throws IOException;
  }

  @Test
  void requestCountsAreTheDocumentedOnes() throws IOException {
    expectRequests(1, () -> store.put("k", bytes("0123456789")));
    expectRequests(1, () -> store.putIfAbsent("new", bytes("x")));
    expectRequests(2, () -> store.putIfAbsent("new", bytes("y"))); // 412, then HEAD
    expectRequests(1, () -> store.get("k"));
    expectRequests(1, () -> store.getRange("k", 2, 3));
    expectRequests(1, () -> store.getRange("k", 10, 0));
    expectRequests(1, () -> store.size("k"));
    expectRequests(1, () -> store.exists("k"));
    expectRequests(1, () -> store.list(""));
    expectRequests(2, () -> store.delete("k"));
    expectRequests(1, () -> store.delete("k"));
  }

  /** Asserts the requests {@code action} takes, naming every answer seen if they differ. */
  private void expectRequests(int expected, IoAction action) throws IOException {
    int n = requests(action);
    // Exact: the tests' stores send plain bodies (S3TestServer.storeBuilder), so S3Proxy no longer answers
    // a PUT before its body has arrived and no attempt is left without an answer and sent again.
    assertThat(n).as("requests; %s sent, %s transmitted, answers seen: %s", faults.sent, faults.attempts, faults.answers)
        .isEqualTo(expected);
    assertThat(faults.sent.get()).as("attempts sent (every one answered); answers seen: %s", faults.answers)
        .isEqualTo(faults.attempts.get());
  }

  @Test
  void intermittent503sAreRetriedAndPutAndGetSucceed() throws IOException {
    faults.matching(r -> r instanceof PutObjectRequest).failNext(2);
    store.put("k", bytes("value"));
    assertThat(faults.injectedFailures.get()).isEqualTo(2);
    assertThat(faults.attempts.get()).isEqualTo(3);

    faults.reset();
    faults.matching(r -> r instanceof GetObjectRequest).failNext(3);
    assertThat(store.get("k")).isEqualTo(bytes("value"));
    assertThat(faults.attempts.get()).isEqualTo(4);
    faults.reset();
    faults.matching(r -> r instanceof GetObjectRequest).failNext(1);
    assertThat(store.getRange("k", 1, 3)).isEqualTo(bytes("alu"));
  }

  @Test
  void whenRetriesRunOutTheErrorIsAnIOExceptionNamingTheStatus() {
    faults.failNext(100);
    assertThatThrownBy(() -> store.get("k")).isInstanceOf(IOException.class)
        .hasMessageContaining("503").hasMessageContaining("ServiceUnavailable").hasMessageContaining(bucket);
    assertThat(faults.attempts.get()).isEqualTo(4);
  }

  @Test
  void aStalledResponsePastTheAttemptTimeoutIsRetried() throws IOException {
    store.put("k", bytes("value"));
    faults.reset();
    faults.matching(r -> r instanceof GetObjectRequest).stallNext(1, 10_000);
    try (S3ObjectStore impatient = S3TestServer.storeBuilder(bucket).prefix("faults").addInterceptor(faults)
        .maxAttempts(4).apiCallAttemptTimeout(Duration.ofMillis(1500)).apiCallTimeout(Duration.ofSeconds(20))
        .build()) {
      long start = System.nanoTime();
      assertThat(impatient.get("k")).isEqualTo(bytes("value"));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(faults.injectedStalls.get()).isEqualTo(1);
      assertThat(faults.attempts.get()).isGreaterThanOrEqualTo(2);
      assertThat(millis).as("abandoned after the 1.5 s attempt timeout, not the 10 s stall").isLessThan(8_000);
    }
  }

  @Test
  void putIfAbsentWhoseAnswerWasLostStillReportsItsOwnWin() throws IOException {
    // The first attempt stores the object, but its answer becomes a 503; the retry gets 412.
    faults.matching(r -> r instanceof PutObjectRequest).failNext(1);
    assertThat(store.putIfAbsent("commit", bytes("mine"))).isTrue();
    assertThat(faults.injectedFailures.get()).isEqualTo(1);
    assertThat(faults.attempts.get()).isEqualTo(2);
    // A second writer whose answers are also disturbed must not be reported a winner.
    faults.reset();
    faults.matching(r -> r instanceof PutObjectRequest).failNext(1);
    assertThat(store.putIfAbsent("commit", bytes("theirs"))).isFalse();
    assertThat(store.get("commit")).isEqualTo(bytes("mine"));
  }

  @Test
  void concurrentPutIfAbsentUnderRandomFailuresHasExactlyOneWinner() throws Exception {
    faults.matching(r -> r instanceof PutObjectRequest).failRandomly(0.3);
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 8; round++) {
        String key = "race/" + round;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          byte[] payload = bytes("writer-" + t);
          results.add(pool.submit(() -> {
            start.await();
            return store.putIfAbsent(key, payload);
          }));
        }
        start.countDown();
        int winners = 0;
        String winner = null;
        for (int t = 0; t < threads; t++) {
          try {
            if (results.get(t).get()) {
              winners++;
              winner = "writer-" + t;
            }
          } catch (java.util.concurrent.ExecutionException e) {
            // retries exhausted for this caller: acceptable (it reports neither win nor loss)
            assertThat(e.getCause()).isInstanceOf(IOException.class);
          }
        }
        assertThat(winners).as("winners for %s", key).isLessThanOrEqualTo(1);
        String stored = new String(store.get(key), UTF_8);
        if (winners == 1) {
          assertThat(stored).as("the reported winner's bytes are stored").isEqualTo(winner);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(faults.injectedFailures.get()).isPositive();
  }

  @Test
  void aFailedMultipartUploadIsAbortedAndLeavesNoParts() throws IOException {
    byte[] big = new byte[11 * 1024 * 1024];
    new Random(1).nextBytes(big);
    try (S3ObjectStore mp = S3TestServer.storeBuilder(bucket).prefix("mp").addInterceptor(faults).maxAttempts(2)
        .partSize(S3ObjectStore.MIN_PART_SIZE).multipartThreshold(S3ObjectStore.MIN_PART_SIZE).build()) {
      // the first part goes through, every later attempt of a part fails
      faults.matching(r -> r instanceof UploadPartRequest && ((UploadPartRequest) r).partNumber() > 1).failNext(100);
      assertThatThrownBy(() -> mp.put("big", big)).isInstanceOf(IOException.class).hasMessageContaining("UploadPart");
      assertThat(mp.exists("big")).isFalse();
      faults.reset();
      mp.put("big", big);
      assertThat(mp.get("big")).isEqualTo(big);
    }
    assertThat(S3TestServer.admin().listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
  }
}
