package io.tracestore.storage.s3;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Turns real answers from the server into failures, after the server has acted on the request (so
 * a "failed" PUT has in fact stored the object, as when a response is lost on the network):
 * <ul>
 *   <li>{@link #failNext}: the next N matching answers become HTTP 503 ServiceUnavailable;
 *   <li>{@link #failRandomly}: each matching answer becomes 503 with a probability;
 *   <li>{@link #stallNext}: the next N matching answers are held back for a while, past the
 *       attempt timeout.
 * </ul>
 */
final class FaultInjector implements ExecutionInterceptor {
  private static final ExecutionAttribute<Boolean> FAILED = new ExecutionAttribute<>("ts-fault-failed");

  private volatile Predicate<SdkRequest> matching = r -> true;
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger stallsLeft = new AtomicInteger();
  private volatile double failureProbability;
  private volatile long stallMillis;
  final AtomicInteger attempts = new AtomicInteger();
  /** Attempts sent, answered or not (an attempt abandoned by its timeout has no answer). */
  final AtomicInteger sent = new AtomicInteger();
  final AtomicInteger injectedFailures = new AtomicInteger();
  final AtomicInteger injectedStalls = new AtomicInteger();
  /** Answers the server itself gave that the SDK retries (5xx, 408, 429): hiccups of the test server, not injected. */
  final AtomicInteger serverRetryables = new AtomicInteger();
  /** Request kind and status of every answer since the last reset, for failure messages. */
  final java.util.List<String> answers = new java.util.concurrent.CopyOnWriteArrayList<>();

  FaultInjector matching(Predicate<SdkRequest> predicate) {
    this.matching = predicate;
    return this;
  }

  FaultInjector failNext(int n) {
    failuresLeft.set(n);
    return this;
  }

  FaultInjector failRandomly(double probability) {
    failureProbability = probability;
    return this;
  }

  FaultInjector stallNext(int n, long millis) {
    stallMillis = millis;
    stallsLeft.set(n);
    return this;
  }

  void reset() {
    matching = r -> true;
    failuresLeft.set(0);
    stallsLeft.set(0);
    failureProbability = 0;
    attempts.set(0);
    sent.set(0);
    injectedFailures.set(0);
    injectedStalls.set(0);
    serverRetryables.set(0);
    answers.clear();
  }

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    if (matching.test(context.request())) {
      sent.incrementAndGet();
    }
  }

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
    if (!matching.test(context.request())) {
      return;
    }
    attempts.incrementAndGet();
    if (stallsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      injectedStalls.incrementAndGet();
      try {
        Thread.sleep(stallMillis);
      } catch (InterruptedException e) {
        // what a blocked socket read does when the SDK's attempt timer aborts it
        Thread.currentThread().interrupt();
        throw software.amazon.awssdk.core.exception.AbortedException.builder()
            .message("stall interrupted by the attempt timeout").cause(e).build();
      }
    }
  }

  @Override
  public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    if (!matching.test(context.request())) {
      return context.httpResponse();
    }
    boolean fail = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0
        || (failureProbability > 0 && ThreadLocalRandom.current().nextDouble() < failureProbability);
    if (!fail) {
      attributes.putAttribute(FAILED, false);
      int status = context.httpResponse().statusCode();
      answers.add(context.request().getClass().getSimpleName() + " " + status);
      // answers the server means to be retried (409: a conditional write's conflict)
      if (status >= 500 || status == 408 || status == 429 || status == 409) {
        serverRetryables.incrementAndGet();
      }
      return context.httpResponse();
    }
    injectedFailures.incrementAndGet();
    attributes.putAttribute(FAILED, true);
    return context.httpResponse().toBuilder().statusCode(503).statusText("Service Unavailable")
        .removeHeader("Content-Length").removeHeader("ETag").build();
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
      ExecutionAttributes attributes) {
    if (Boolean.TRUE.equals(attributes.getAttribute(FAILED))) {
      String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>ServiceUnavailable</Code>"
          + "<Message>injected by the test</Message><RequestId>fault</RequestId></Error>";
      return Optional.of(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }
    return context.responseBody();
  }
}
