package io.tracestore.storage.s3;

import io.tracestore.spi.Keys;
import io.tracestore.spi.ObjectNotFoundException;
import io.tracestore.spi.ObjectStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * An {@link ObjectStore} on an Amazon S3 bucket, or on any S3-compatible store (MinIO, Ceph RGW,
 * S3Proxy, ...), with the AWS SDK for Java v2.
 *
 * <h2>Layout</h2>
 *
 * <p>Key {@code k} is the S3 object {@code s3://<bucket>/<prefix>k}. The prefix is empty or ends
 * with {@code /} (one is appended if missing), so several stores, tenants or environments can share
 * a bucket without seeing each other's objects. S3 objects under the prefix whose remaining name is
 * not a valid {@link Keys key} (for example "directory markers" ending in {@code /}) are ignored by
 * {@link #list}.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>Atomic visibility and durability</b> come from S3 itself: a PUT (or the completion of a
 *       multipart upload) makes the whole object visible at once, and S3 acknowledges a write only
 *       after storing it redundantly. Since December 2020 S3 is strongly consistent: a GET, HEAD
 *       or LIST after a successful write sees it. S3-compatible stores may be weaker; check yours.
 *   <li><b>Put-if-absent</b> is a PutObject with {@code If-None-Match: *}: S3 answers 412 when an
 *       object exists, so of concurrent callers exactly one wins. Each call also stores a random
 *       token in the object's user metadata ({@code x-amz-meta-ts-writer}); when a call gets 412 it
 *       reads the token back with one HEAD, so a call whose first attempt created the object but
 *       whose response was lost (and whose retry therefore got 412) still correctly reports
 *       {@code true}, and no call ever reports a win it did not have. For stores without
 *       conditional writes, {@link Builder#conditionalWrites(boolean) conditionalWrites(false)}
 *       switches to HEAD-then-PUT, which is <em>not atomic</em>: two racing writers may both win.
 *       Use that only with a single writer per key.
 *   <li><b>Ranges</b> past the end of an object are an {@link IOException}: the length of every
 *       ranged answer is checked, so a short read is never returned.
 *   <li><b>Errors:</b> a missing object (S3 {@code NoSuchKey} or HTTP 404) is {@link
 *       ObjectNotFoundException}; every other SDK failure is an {@link IOException} whose message
 *       names the operation, bucket, key, HTTP status and S3 error code. Messages never contain
 *       credentials, and the store logs nothing that does.
 * </ul>
 *
 * <h2>Retries and timeouts</h2>
 *
 * <p>A client built by {@link Builder#build()} uses the SDK's standard retry strategy (exponential
 * backoff with full jitter, retrying 5xx answers, throttling errors, connection failures and
 * attempt timeouts; by default 4 attempts), a timeout per attempt and one for the whole call,
 * including retries. All requests this store sends are idempotent, so every one is safe to retry:
 * GET, HEAD, LIST and DELETE trivially, PUT because it stores the same bytes again, UploadPart
 * because it replaces the part of the same number, and the conditional PUT of {@link #putIfAbsent}
 * because the server decides (see above). CreateMultipartUpload, if retried after a lost answer,
 * leaves an empty upload behind that a bucket lifecycle rule for incomplete uploads removes.
 *
 * <p>Dead keep-alive connections: attempts that fail at once because the pooled connection they
 * were sent on had been closed by the server (or a load balancer or NAT) while idle are not
 * counted against the attempts: a call whose every attempt failed that way is sent again, until
 * it has met more dead connections than a pool holds (see {@code retryingDeadConnections}). So a
 * put after an idle period succeeds on a healthy server however many dead connections the JDK has
 * pooled.
 *
 * <h2>Requests per operation</h2>
 *
 * <ul>
 *   <li>{@link #put}: 1 PutObject; above the multipart threshold (default 16 MiB) 1
 *       CreateMultipartUpload, one UploadPart per part (default 8 MiB), 1 CompleteMultipartUpload,
 *       and 1 AbortMultipartUpload if any of them fails, so no orphaned parts are left behind.
 *   <li>{@link #putIfAbsent}: 1 PutObject; plus 1 HeadObject if the key existed.
 *   <li>{@link #get}: 1 GetObject. {@link #getRange}: 1 ranged GetObject ({@code bytes=a-b}); a
 *       zero-length range is 1 HeadObject instead.
 *   <li>{@link #size}, {@link #exists}: 1 HeadObject.
 *   <li>{@link #list}: 1 ListObjectsV2 per 1000 keys.
 *   <li>{@link #delete}: 1 HeadObject and, if the object exists, 1 DeleteObject. The answer is
 *       racy: if another caller deletes the same key between the two requests, both may report
 *       {@code true}; the object is gone either way.
 * </ul>
 *
 * <p>Each retry is one more request of the same kind.
 *
 * <h2>Thread safety</h2>
 *
 * <p>Every method may be called from any number of threads; the store holds no mutable state
 * besides the SDK client, which is thread-safe. Any number of instances, in any number of
 * processes, may share a bucket and prefix. After {@link #close()} every other method throws
 * {@link IllegalStateException}. Closing a store closes the S3 client only if the store built it.
 *
 * <h2>Limitations</h2>
 *
 * <ul>
 *   <li>Objects are read into memory whole or by range; objects above about 2 GiB can only be read
 *       with {@link #getRange}.
 *   <li>{@link #putIfAbsent} always uses a single PutObject (at most 5 GiB, more than a {@code
 *       byte[]} holds).
 *   <li>A HEAD answer has no error body, so on a missing <em>bucket</em> {@link #exists} returns
 *       false and {@link #size} throws {@link ObjectNotFoundException}; {@link #get}, {@link
 *       #list} and puts fail with an {@link IOException} naming {@code NoSuchBucket}.
 *   <li>Bucket versioning should be off: with it on, overwritten and deleted objects keep costing
 *       storage.
 * </ul>
 */
public final class S3ObjectStore implements ObjectStore {

  private static final Logger LOG = LoggerFactory.getLogger(S3ObjectStore.class);

  /** Default size above which {@link #put} uses a multipart upload: 16 MiB. */
  public static final long DEFAULT_MULTIPART_THRESHOLD = 16L * 1024 * 1024;

  /** Default multipart part size: 8 MiB. */
  public static final long DEFAULT_PART_SIZE = 8L * 1024 * 1024;

  /** The smallest part S3 accepts (except the last): 5 MiB. */
  public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

  private static final int CONFLICT_RETRIES = 5;

  /** The user-metadata name under which {@link #putIfAbsent} records its writer token. */
  static final String WRITER_META = "ts-writer";

  private final S3Client client;
  private final boolean ownsClient;
  private final String bucket;
  private final String prefix;
  private final long multipartThreshold;
  private final long partSize;
  private final boolean conditionalWrites;
  private final List<String> secrets;
  private final AutoCloseable ownedCredentials;
  private volatile boolean closed;

  private S3ObjectStore(S3Client client, boolean ownsClient, String bucket, String prefix,
      long multipartThreshold, long partSize, boolean conditionalWrites, List<String> secrets,
      AutoCloseable ownedCredentials) {
    this.ownedCredentials = ownedCredentials;
    this.client = client;
    this.ownsClient = ownsClient;
    this.bucket = bucket;
    this.prefix = prefix;
    this.multipartThreshold = multipartThreshold;
    this.partSize = partSize;
    this.conditionalWrites = conditionalWrites;
    this.secrets = secrets;
  }

  /** A builder with the default settings; {@link Builder#bucket} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The bucket objects are stored in. */
  public String bucket() {
    return bucket;
  }

  /** The prefix prepended to every key: empty or ending with {@code /}. */
  public String prefix() {
    return prefix;
  }

  @Override
  public void put(String key, byte[] data) throws IOException {
    String k = objectKey(key);
    Objects.requireNonNull(data, "data");
    if (data.length > multipartThreshold) {
      putMultipart(key, k, data);
      return;
    }
    try {
      PutObjectRequest request = PutObjectRequest.builder().bucket(bucket).key(k).contentLength((long) data.length).build();
      retryingDeadConnections(() -> client.putObject(request, RequestBody.fromBytes(data)));
    } catch (SdkException e) {
      throw failure("PutObject", key, e);
    }
  }

  private void putMultipart(String key, String k, byte[] data) throws IOException {
    String uploadId;
    try {
      CreateMultipartUploadRequest create = CreateMultipartUploadRequest.builder().bucket(bucket).key(k).build();
      uploadId = retryingDeadConnections(() -> client.createMultipartUpload(create)).uploadId();
    } catch (SdkException e) {
      throw failure("CreateMultipartUpload", key, e);
    }
    String step = "UploadPart";
    try {
      List<CompletedPart> parts = new ArrayList<>();
      int partNumber = 1;
      for (long offset = 0; offset < data.length; offset += partSize, partNumber++) {
        int len = (int) Math.min(partSize, data.length - offset);
        UploadPartRequest part = UploadPartRequest.builder().bucket(bucket).key(k).uploadId(uploadId)
            .partNumber(partNumber).contentLength((long) len).build();
        int from = (int) offset;
        String etag = retryingDeadConnections(() -> client.uploadPart(part,
            RequestBody.fromBytes(Arrays.copyOfRange(data, from, from + len)))).eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
      }
      step = "CompleteMultipartUpload";
      CompleteMultipartUploadRequest complete = CompleteMultipartUploadRequest.builder().bucket(bucket).key(k).uploadId(uploadId)
          .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()).build();
      retryingDeadConnections(() -> client.completeMultipartUpload(complete));
    } catch (RuntimeException | Error e) {
      abort(key, k, uploadId);
      if (e instanceof SdkException) {
        throw failure(step, key, (SdkException) e);
      }
      throw e;
    }
  }

  private void abort(String key, String k, String uploadId) {
    try {
      AbortMultipartUploadRequest abort = AbortMultipartUploadRequest.builder().bucket(bucket).key(k).uploadId(uploadId).build();
      retryingDeadConnections(() -> client.abortMultipartUpload(abort));
    } catch (SdkException e) {
      LOG.warn("could not abort multipart upload of s3://{}/{}; a lifecycle rule for incomplete uploads removes it: {}",
          bucket, k, describe(e));
    }
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) throws IOException {
    String k = objectKey(key);
    Objects.requireNonNull(data, "data");
    if (!conditionalWrites) {
      // Not atomic: documented fallback for stores without If-None-Match.
      if (head(key, k, "HeadObject") != null) {
        return false;
      }
      put(key, data);
      return true;
    }
    String token = UUID.randomUUID().toString();
    PutObjectRequest request = PutObjectRequest.builder().bucket(bucket).key(k).ifNoneMatch("*")
        .contentLength((long) data.length).metadata(Map.of(WRITER_META, token)).build();
    for (int conflicts = 0; ; conflicts++) {
      try {
        retryingDeadConnections(() -> client.putObject(request, RequestBody.fromBytes(data))); // same token: see above
        return true;
      } catch (SdkException e) {
        int status = status(e);
        if (status == 412) {
          break;
        }
        if (status == 409 && conflicts < CONFLICT_RETRIES) {
          // 409 ConditionalRequestConflict: a concurrent conditional write to the same key is in
          // flight and S3 asks the caller to try again.
          LOG.debug("conditional put of s3://{}/{} conflicted; trying again", bucket, k);
          pause(conflicts);
          continue;
        }
        throw failure("PutObject (If-None-Match)", key, e);
      }
    }
    // The key exists: ours only if a lost answer hid our own successful attempt.
    HeadObjectResponse head = head(key, k, "HeadObject");
    return head != null && token.equals(head.metadata().get(WRITER_META));
  }

  @Override
  public byte[] get(String key) throws IOException {
    String k = objectKey(key);
    try {
      GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(k).build();
      ResponseBytes<GetObjectResponse> bytes = retryingDeadConnections(() -> client.getObjectAsBytes(request));
      return bytes.asByteArray();
    } catch (SdkException e) {
      throw failure("GetObject", key, e);
    }
  }

  @Override
  public byte[] getRange(String key, long offset, int length) throws IOException {
    String k = objectKey(key);
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length: " + offset + ", " + length);
    }
    if (length == 0) {
      long size = size(key);
      if (offset > size) {
        throw new IOException("range " + offset + "+0 is past the end of \"" + key + "\" (" + size + " bytes)");
      }
      return new byte[0];
    }
    long last = offset + length - 1;
    byte[] data;
    try {
      GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(k).range("bytes=" + offset + "-" + last).build();
      data = retryingDeadConnections(() -> client.getObjectAsBytes(request)).asByteArray();
    } catch (SdkException e) {
      if (status(e) == 416) {
        throw new IOException("range " + offset + "+" + length + " is past the end of \"" + key + "\"");
      }
      throw failure("GetObject (range)", key, e);
    }
    if (data.length != length) {
      throw new IOException("range " + offset + "+" + length + " reaches past the end of \"" + key
          + "\": got " + data.length + " bytes");
    }
    return data;
  }

  @Override
  public long size(String key) throws IOException {
    String k = objectKey(key);
    HeadObjectResponse head = head(key, k, "HeadObject");
    if (head == null) {
      throw new ObjectNotFoundException(key);
    }
    return head.contentLength();
  }

  @Override
  public boolean exists(String key) throws IOException {
    return head(key, objectKey(key), "HeadObject") != null;
  }

  @Override
  public List<String> list(String keyPrefix) throws IOException {
    Objects.requireNonNull(keyPrefix, "prefix");
    checkOpen();
    String full = prefix + keyPrefix;
    List<String> keys = new ArrayList<>();
    try {
      ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket);
      if (!full.isEmpty()) {
        request.prefix(full);
      }
      List<ListObjectsV2Response> pages = new ArrayList<>();
      String token = null;
      do { // page by page, so that a page failed on dead connections is fetched again alone
        ListObjectsV2Request pageRequest = request.continuationToken(token).build();
        ListObjectsV2Response page = retryingDeadConnections(() -> client.listObjectsV2(pageRequest));
        pages.add(page);
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
      for (ListObjectsV2Response page : pages) {
        for (S3Object o : page.contents()) {
          String name = o.key();
          if (!name.startsWith(full)) {
            continue;
          }
          String key = name.substring(prefix.length());
          if (isValidKey(key)) {
            keys.add(key);
          } else {
            LOG.debug("ignoring s3://{}/{}: not a valid object key", bucket, name);
          }
        }
      }
    } catch (SdkException e) {
      throw failure("ListObjectsV2", keyPrefix, e);
    }
    Collections.sort(keys);
    return keys;
  }

  @Override
  public boolean delete(String key) throws IOException {
    String k = objectKey(key);
    if (head(key, k, "HeadObject") == null) {
      return false;
    }
    try {
      DeleteObjectRequest request = DeleteObjectRequest.builder().bucket(bucket).key(k).build();
      retryingDeadConnections(() -> client.deleteObject(request));
      return true;
    } catch (SdkException e) {
      throw failure("DeleteObject", key, e);
    }
  }

  /** Closes the S3 client if this store built it. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (ownsClient) {
      client.close();
    }
    if (ownedCredentials != null) {
      try {
        ownedCredentials.close();
      } catch (Exception e) {
        LOG.debug("closing the default credentials provider failed: {}", e.getClass().getName());
      }
    }
  }

  @Override
  public String toString() {
    return "S3ObjectStore[s3://" + bucket + "/" + prefix + "]";
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Runs an SDK call and, if it failed only because the keep-alive connections its attempts were
   * sent on were dead, runs it again, until the dead connections it met outnumber the ones a pool
   * can hold ({@link #POOLED_CONNECTIONS}).
   *
   * <p>Why: the JDK's HTTP client (used by the SDK's URLConnection client) keeps idle connections
   * per server in a JVM-wide pool and does not check them before reusing them for a PUT. A server,
   * load balancer or NAT that closed them while idle makes every attempt that picks one fail at once
   * ("Error writing request body to server", "Unexpected end of file from server", connection
   * reset), and each such failure uses one of the SDK's attempts: with as many dead connections
   * pooled as there are attempts, a call failed although the server was healthy. Each failure
   * discards its connection, so after at most {@link #POOLED_CONNECTIONS} of them the pool is clean
   * and any further failure is the server's own; it is then reported.
   *
   * <p>Safe: only calls that received no answer at all are run again, and every request this store
   * sends is safe to send again (see "Retries and timeouts" above). A PUT whose body was not fully
   * sent is normally not applied (AWS S3 reads the whole body, checksum trailer included, before it
   * stores anything), but a server that answers early may have applied it (S3Proxy does, see
   * {@code Builder.chunkedEncoding}); either way sending it again is safe: a plain PUT stores the
   * same bytes again, and a conditional PUT is sent again with the same writer token, so the 412
   * that its own earlier success causes still resolves to {@code true}.
   */
  private <T> T retryingDeadConnections(java.util.function.Supplier<T> call) {
    int dead = 0;
    while (true) {
      try {
        return call.get();
      } catch (SdkClientException e) {
        int attempts = deadConnectionAttempts(e);
        if (attempts == 0 || closed || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        dead += attempts;
        if (dead > POOLED_CONNECTIONS) {
          throw e;
        }
        LOG.debug("{} attempt(s) of an S3 request to s3://{}/{} failed on keep-alive connections the server had closed;"
            + " sending it again on new ones", attempts, bucket, prefix);
      }
    }
  }

  /**
   * The number of attempts of the failed call {@code e} if every one failed on a connection that
   * was dead before any answer came (connection reset or closed while sending or before the status
   * line); 0 if any attempt got an answer, timed out, could not connect or was interrupted.
   */
  static int deadConnectionAttempts(SdkClientException e) {
    List<Throwable> attempts = new ArrayList<>();
    attempts.add(e);
    attempts.addAll(Arrays.asList(e.getSuppressed())); // the SDK adds one per earlier attempt
    for (Throwable attempt : attempts) {
      if (!isDeadConnection(attempt)) {
        return 0;
      }
    }
    return attempts.size();
  }

  private static boolean isDeadConnection(Throwable attempt) {
    boolean dead = false;
    for (Throwable t = attempt; t != null; t = t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException || t instanceof java.net.ConnectException
          || t instanceof AbortedException || t instanceof InterruptedException
          || t instanceof software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException
          || t instanceof software.amazon.awssdk.core.exception.ApiCallTimeoutException
          || t instanceof AwsServiceException) {
        return false; // an answer, a timeout, no server, or an abort: not a dead pooled connection
      }
      String m = String.valueOf(t.getMessage());
      if (m.contains("Error writing request body to server") || m.contains("Unexpected end of file from server")
          || m.contains("Connection reset") || m.contains("Broken pipe")) {
        dead = true;
      }
    }
    return dead;
  }

  /**
   * How many dead keep-alive connections one call may meet before its failure is reported: the
   * JDK keeps at most {@code http.maxConnections} (default 5) idle connections per server.
   */
  static final int POOLED_CONNECTIONS = Math.max(1, Integer.getInteger("http.maxConnections", 5));

  private static void pause(int attempt) throws InterruptedIOException {
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(10L << Math.min(attempt, 6)) + 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while retrying a conditional put");
    }
  }

  private HeadObjectResponse head(String key, String k, String op) throws IOException {
    try {
      HeadObjectRequest request = HeadObjectRequest.builder().bucket(bucket).key(k).build();
      return retryingDeadConnections(() -> client.headObject(request));
    } catch (SdkException e) {
      if (status(e) == 404) {
        return null;
      }
      throw failure(op, key, e);
    }
  }

  private String objectKey(String key) {
    Keys.check(key);
    checkOpen();
    return prefix + key;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store is closed: " + this);
    }
  }

  private static boolean isValidKey(String key) {
    try {
      Keys.check(key);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static int status(SdkException e) {
    if (e instanceof AwsServiceException) {
      return ((AwsServiceException) e).statusCode();
    }
    return -1;
  }

  /** Maps an SDK failure to the SPI's exceptions, keeping credentials out of the result. */
  private IOException failure(String op, String key, SdkException e) {
    if (status(e) == 404 && !op.startsWith("ListObjects")) {
      String code = e instanceof AwsServiceException && ((AwsServiceException) e).awsErrorDetails() != null
          ? ((AwsServiceException) e).awsErrorDetails().errorCode() : null;
      if (code == null || code.equals("NoSuchKey") || code.equals("NotFound")) {
        ObjectNotFoundException nf = new ObjectNotFoundException(key);
        attachCause(nf, e);
        return nf;
      }
    }
    String message = redact(op + " s3://" + bucket + "/" + prefix + key + " failed: " + describe(e));
    IOException io = e instanceof AbortedException || Thread.currentThread().isInterrupted()
        ? new InterruptedIOException(message) : new IOException(message);
    attachCause(io, e);
    return io;
  }

  /** Attaches {@code cause} unless its text (message, stack, causes) would reveal a secret. */
  private void attachCause(IOException io, SdkException cause) {
    if (secrets.isEmpty()) {
      io.initCause(cause);
      return;
    }
    StringWriter text = new StringWriter();
    cause.printStackTrace(new PrintWriter(text));
    String s = text.toString();
    for (String secret : secrets) {
      if (s.contains(secret)) {
        return;
      }
    }
    io.initCause(cause);
  }

  private String redact(String s) {
    for (String secret : secrets) {
      s = s.replace(secret, "****");
    }
    return s;
  }

  private String describe(SdkException e) {
    if (e instanceof AwsServiceException) {
      AwsServiceException se = (AwsServiceException) e;
      StringBuilder b = new StringBuilder("HTTP ").append(se.statusCode());
      if (se.awsErrorDetails() != null) {
        if (se.awsErrorDetails().errorCode() != null) {
          b.append(' ').append(se.awsErrorDetails().errorCode());
        }
        if (se.awsErrorDetails().errorMessage() != null) {
          b.append(": ").append(se.awsErrorDetails().errorMessage());
        }
      }
      if (se.requestId() != null) {
        b.append(" (request id ").append(se.requestId()).append(')');
      }
      return redact(b.toString());
    }
    return redact(e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Configures an {@link S3ObjectStore}: either an S3 client it builds itself (endpoint, region,
   * credentials, timeouts, retries) or an existing {@link S3Client} via {@link #client}. Not
   * thread-safe.
   */
  public static final class Builder {
    private String bucket;
    private String prefix = "";
    private Region region;
    private URI endpoint;
    private boolean pathStyle;
    private AwsCredentialsProvider credentialsProvider;
    private String secretKey;
    private Duration apiCallTimeout = Duration.ofMinutes(5);
    private Duration apiCallAttemptTimeout = Duration.ofSeconds(60);
    private Duration connectionTimeout = Duration.ofSeconds(5);
    private Duration socketTimeout = Duration.ofSeconds(60);
    private int maxAttempts = 4;
    private long multipartThreshold = DEFAULT_MULTIPART_THRESHOLD;
    private long partSize = DEFAULT_PART_SIZE;
    private boolean conditionalWrites = true;
    private boolean chunkedEncoding = true;
    private final List<ExecutionInterceptor> interceptors = new ArrayList<>();
    private S3Client client;

    private Builder() {}

    /** The bucket (required); it must exist. */
    public Builder bucket(String bucket) {
      if (bucket == null || bucket.length() < 3) {
        throw new IllegalArgumentException("a bucket name has at least 3 characters: " + bucket);
      }
      this.bucket = bucket;
      return this;
    }

    /**
     * The prefix every key is stored under, for example {@code "tracestore/prod/"}; default empty.
     * A missing trailing {@code /} is added. Without the slash the prefix must be a valid key.
     */
    public Builder prefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (prefix.isEmpty()) {
        this.prefix = "";
        return this;
      }
      String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
      Keys.check(p);
      this.prefix = p + "/";
      return this;
    }

    /** The region, for example {@code "eu-west-1"}; default: the SDK's region provider chain. */
    public Builder region(String region) {
      this.region = Region.of(Objects.requireNonNull(region, "region"));
      return this;
    }

    /** An endpoint for S3-compatible stores or VPC endpoints, e.g. {@code http://127.0.0.1:9000}. */
    public Builder endpoint(URI endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /** Path-style addressing ({@code host/bucket/key}), needed by most S3-compatible stores. */
    public Builder pathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
      return this;
    }

    /**
     * Static credentials. The secret is kept only inside the SDK's credentials provider and used
     * here to make sure no exception message of this store ever contains it.
     */
    public Builder credentials(String accessKeyId, String secretAccessKey) {
      this.credentialsProvider = StaticCredentialsProvider.create(AwsBasicCredentials.create(
          Objects.requireNonNull(accessKeyId, "accessKeyId"), Objects.requireNonNull(secretAccessKey, "secretAccessKey")));
      this.secretKey = secretAccessKey;
      return this;
    }

    /** Any credentials provider; default: the SDK's default provider chain (environment, profile, IMDS, ...). */
    public Builder credentialsProvider(AwsCredentialsProvider provider) {
      this.credentialsProvider = Objects.requireNonNull(provider, "provider");
      this.secretKey = null;
      return this;
    }

    /** Limit for one call including all retries; default 5 minutes. */
    public Builder apiCallTimeout(Duration timeout) {
      this.apiCallTimeout = positive(timeout);
      return this;
    }

    /** Limit for one attempt (one HTTP request and its answer); default 60 seconds. */
    public Builder apiCallAttemptTimeout(Duration timeout) {
      this.apiCallAttemptTimeout = positive(timeout);
      return this;
    }

    /** TCP connect timeout; default 5 seconds. */
    public Builder connectionTimeout(Duration timeout) {
      this.connectionTimeout = positive(timeout);
      return this;
    }

    /** Socket read timeout; default 60 seconds. */
    public Builder socketTimeout(Duration timeout) {
      this.socketTimeout = positive(timeout);
      return this;
    }

    /** Attempts per call, the first included (1 disables retries); default 4. */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1: " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /** Objects larger than this are uploaded in parts; default 16 MiB, at least the part size. */
    public Builder multipartThreshold(long bytes) {
      this.multipartThreshold = bytes;
      return this;
    }

    /** Part size of multipart uploads; default 8 MiB, at least 5 MiB (S3's minimum). */
    public Builder partSize(long bytes) {
      if (bytes < MIN_PART_SIZE || bytes > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("part size must be between 5 MiB and 2 GiB: " + bytes);
      }
      this.partSize = bytes;
      return this;
    }

    /**
     * Whether the store supports {@code If-None-Match: *} on PutObject (default true: AWS S3,
     * S3Proxy, recent MinIO). With false, {@link S3ObjectStore#putIfAbsent} is HEAD then PUT,
     * which is not atomic: use only with a single writer per key.
     */
    public Builder conditionalWrites(boolean supported) {
      this.conditionalWrites = supported;
      return this;
    }

    /**
     * Whether the built client sends PutObject and UploadPart bodies {@code aws-chunked} (the SDK's
     * default: chunk signatures over HTTP, a trailing checksum). Off: a plain body of exactly
     * {@code Content-Length} bytes (checksum in a header). For the tests only: S3Proxy stores the
     * object as soon as it has read {@code x-amz-decoded-content-length} bytes and answers before
     * the final chunk and the trailer have arrived; when they arrive late its server drops the
     * connection, the SDK's write of the rest fails ("Error writing request body to server") and
     * the SDK sends the request again, although the first one was applied. AWS S3 reads the whole
     * body (it checks the trailer) before it answers.
     */
    Builder chunkedEncoding(boolean enabled) {
      this.chunkedEncoding = enabled;
      return this;
    }

    /** Adds an SDK interceptor to the built client (metrics, tracing, fault injection in tests). */
    public Builder addInterceptor(ExecutionInterceptor interceptor) {
      this.interceptors.add(Objects.requireNonNull(interceptor));
      return this;
    }

    /**
     * Uses an existing client instead of building one; endpoint, region, credentials, timeout,
     * retry and interceptor settings are then ignored, and closing the store does not close the
     * client.
     */
    public Builder client(S3Client client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Builds the store. Sends no request: a wrong bucket or credentials show on first use. */
    public S3ObjectStore build() {
      if (bucket == null) {
        throw new IllegalStateException("bucket is required");
      }
      if (multipartThreshold < partSize) {
        throw new IllegalStateException("multipartThreshold (" + multipartThreshold + ") is below the part size ("
            + partSize + ")");
      }
      List<String> secrets = secretKey == null || secretKey.isEmpty() ? List.of() : List.of(secretKey);
      if (client != null) {
        return new S3ObjectStore(client, false, bucket, prefix, multipartThreshold, partSize, conditionalWrites, secrets,
            null);
      }
      AwsCredentialsProvider credentials = credentialsProvider;
      AutoCloseable ownedCredentials = null;
      if (credentials == null) {
        DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
        credentials = chain;
        ownedCredentials = chain;
      }
      S3ClientBuilder b = S3Client.builder()
          .httpClientBuilder(UrlConnectionHttpClient.builder()
              .connectionTimeout(connectionTimeout)
              .socketTimeout(socketTimeout))
          .overrideConfiguration(ClientOverrideConfiguration.builder()
              .apiCallTimeout(apiCallTimeout)
              .apiCallAttemptTimeout(apiCallAttemptTimeout)
              .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxAttempts).build())
              .executionInterceptors(new ArrayList<>(interceptors))
              .build())
          .forcePathStyle(pathStyle)
          .credentialsProvider(credentials);
      if (!chunkedEncoding) {
        b.serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build());
      }
      if (region != null) {
        b.region(region);
      } else if (endpoint != null) {
        b.region(Region.US_EAST_1);
      }
      if (endpoint != null) {
        b.endpointOverride(endpoint);
      }
      S3Client built = b.build();
      LOG.debug("S3 object store on s3://{}/{} (endpoint {}, {} attempts)", bucket, prefix,
          endpoint == null ? "default" : endpoint, maxAttempts);
      return new S3ObjectStore(built, true, bucket, prefix, multipartThreshold, partSize, conditionalWrites, secrets,
          ownedCredentials);
    }

    private static Duration positive(Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + d);
      }
      return d;
    }
  }
}
