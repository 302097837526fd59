package io.tracestore.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Wrong credentials fail with an IOException that, like every log line, never shows the secret. */
class S3CredentialsTest {
  private static final String WRONG_SECRET = "Wr0ngS3cretKeyThatMustNeverAppear+x/y";

  @Test
  void aWrongSecretIsAnIOExceptionThatDoesNotRevealTheSecret() throws Exception {
    String bucket = S3TestServer.newBucket();
    CapturingLogs.clear();
    try (S3ObjectStore store = S3TestServer.storeBuilder(bucket).prefix("creds")
        .credentials(S3TestServer.ACCESS, WRONG_SECRET).maxAttempts(2).build()) {
      for (Throwable t : new Throwable[] {
          catchThrowable(() -> store.put("k", "v".getBytes(StandardCharsets.UTF_8))),
          catchThrowable(() -> store.putIfAbsent("k", "v".getBytes(StandardCharsets.UTF_8))),
          catchThrowable(() -> store.get("k")),
          catchThrowable(() -> store.getRange("k", 0, 1)),
          catchThrowable(() -> store.list("")),
          catchThrowable(() -> store.delete("k"))}) {
        assertThat(t).isInstanceOf(IOException.class);
        assertThat(t.getMessage()).contains(bucket).doesNotContain(WRONG_SECRET);
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(WRONG_SECRET).doesNotContain(S3TestServer.SECRET + "\"");
        assertThat(t.toString()).doesNotContain(WRONG_SECRET);
      }
      // exists/size (HEAD) answer 403 without a body: an IOException too, not "absent"
      assertThat(catchThrowable(() -> store.exists("k"))).isInstanceOf(IOException.class)
          .hasMessageNotContaining(WRONG_SECRET);
    }
    assertThat(CapturingLogs.lines()).as("the SDK's debug logging was captured").isNotEmpty();
    assertThat(CapturingLogs.lines()).noneMatch(line -> line.contains(WRONG_SECRET));
    // the store's own description never includes credentials either
    try (S3ObjectStore store = S3TestServer.storeBuilder(bucket).credentials("AKIDEXAMPLE", WRONG_SECRET).build()) {
      assertThat(store.toString()).doesNotContain(WRONG_SECRET);
    }
  }

  @Test
  void theRightCredentialsWork() throws Exception {
    String bucket = S3TestServer.newBucket();
    try (S3ObjectStore store = S3TestServer.storeBuilder(bucket).build()) {
      store.put("k", new byte[] {1});
      assertThat(store.exists("k")).isTrue();
    }
  }
}
