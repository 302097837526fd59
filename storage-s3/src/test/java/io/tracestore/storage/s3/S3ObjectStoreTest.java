package io.tracestore.storage.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.spi.ObjectNotFoundException;
import io.tracestore.spi.ObjectStore;
import io.tracestore.spi.ObjectStoreContractTest;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** The ObjectStore contract, plus S3-specific behaviour, against S3Proxy on 127.0.0.1. */
class S3ObjectStoreTest extends ObjectStoreContractTest {

  private String bucket;

  @Override
  protected ObjectStore newStore() {
    bucket = S3TestServer.newBucket();
    return S3TestServer.storeBuilder(bucket).prefix("tracestore/test").build();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void keysAreStoredUnderThePrefix() throws IOException {
    store.put("t/x", bytes("1"));
    assertThat(S3TestServer.admin().getObjectAsBytes(b -> b.bucket(bucket).key("tracestore/test/t/x")).asUtf8String())
        .isEqualTo("1");
    assertThat(((S3ObjectStore) store).prefix()).isEqualTo("tracestore/test/");
  }

  @Test
  void storesWithDifferentPrefixesOnOneBucketAreIsolated() throws IOException {
    try (S3ObjectStore a = S3TestServer.storeBuilder(bucket).prefix("a/").build();
        S3ObjectStore b = S3TestServer.storeBuilder(bucket).prefix("b/").build()) {
      a.put("k", bytes("from a"));
      b.put("k", bytes("from b"));
      a.put("only-a/1", bytes("x"));
      assertThat(a.get("k")).isEqualTo(bytes("from a"));
      assertThat(b.get("k")).isEqualTo(bytes("from b"));
      assertThat(a.list("")).containsExactly("k", "only-a/1");
      assertThat(b.list("")).containsExactly("k");
      assertThat(b.exists("only-a/1")).isFalse();
      assertThatThrownBy(() -> b.get("only-a/1")).isInstanceOf(ObjectNotFoundException.class);
      assertThat(b.putIfAbsent("only-a/1", bytes("y"))).isTrue();
      assertThat(b.delete("k")).isTrue();
      assertThat(a.get("k")).isEqualTo(bytes("from a"));
      assertThat(a.get("only-a/1")).isEqualTo(bytes("x"));
      assertThat(store.list("")).as("the contract store's own prefix sees neither").isEmpty();
    }
  }

  @Test
  void listSkipsForeignObjectsThatAreNotValidKeys() throws IOException {
    store.put("dir/ok", bytes("1"));
    S3TestServer.admin().putObject(b -> b.bucket(bucket).key("tracestore/test/dir/"), RequestBody.fromString(""));
    S3TestServer.admin().putObject(b -> b.bucket(bucket).key("tracestore/testdir/x"), RequestBody.fromString(""));
    assertThat(store.list("")).containsExactly("dir/ok");
  }

  @Test
  void largePutsUseMultipartUploadAndLeaveNoUploadBehind() throws IOException {
    byte[] big = new byte[11 * 1024 * 1024 + 3];
    new Random(7).nextBytes(big);
    try (S3ObjectStore s = S3TestServer.storeBuilder(bucket).prefix("mp")
        .partSize(S3ObjectStore.MIN_PART_SIZE).multipartThreshold(S3ObjectStore.MIN_PART_SIZE).build()) {
      s.put("big", big);
      assertThat(s.size("big")).isEqualTo(big.length);
      assertThat(s.get("big")).isEqualTo(big);
      assertThat(s.getRange("big", 5L * 1024 * 1024 - 2, 4))
          .isEqualTo(Arrays.copyOfRange(big, 5 * 1024 * 1024 - 2, 5 * 1024 * 1024 + 2));
    }
    assertThat(S3TestServer.admin().listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
  }

  @Test
  void putIfAbsentFallbackWithoutConditionalWritesWorksForOneWriter() throws IOException {
    try (S3ObjectStore s = S3TestServer.storeBuilder(bucket).prefix("nocond").conditionalWrites(false).build()) {
      assertThat(s.putIfAbsent("c", bytes("a"))).isTrue();
      assertThat(s.putIfAbsent("c", bytes("b"))).isFalse();
      assertThat(s.get("c")).isEqualTo(bytes("a"));
    }
  }

  @Test
  void aClosedStoreRefusesWorkAndCloseIsIdempotent() throws IOException {
    S3ObjectStore s = S3TestServer.storeBuilder(bucket).build();
    s.close();
    s.close();
    assertThatThrownBy(() -> s.get("k")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aMissingBucketIsAnIOExceptionNotObjectNotFound() {
    try (S3ObjectStore s = S3TestServer.storeBuilder("no-such-bucket-here").build()) {
      assertThatThrownBy(() -> s.get("k")).isInstanceOf(IOException.class)
          .isNotInstanceOf(ObjectNotFoundException.class);
      assertThatThrownBy(() -> s.list("")).isInstanceOf(IOException.class);
    }
  }

  @Test
  void anExistingClientIsUsedAndNotClosed() throws IOException {
    try (S3ObjectStore s = S3ObjectStore.builder().bucket(bucket).prefix("shared").client(S3TestServer.admin()).build()) {
      s.put("k", bytes("v"));
    }
    assertThat(S3TestServer.admin().getObjectAsBytes(b -> b.bucket(bucket).key("shared/k")).asUtf8String()).isEqualTo("v");
  }

  @Test
  void builderRejectsBadSettings() {
    assertThatThrownBy(() -> S3ObjectStore.builder().bucket("ab")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> S3ObjectStore.builder().prefix("../x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> S3ObjectStore.builder().partSize(1024)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> S3ObjectStore.builder().build()).isInstanceOf(IllegalStateException.class);
  }
}
