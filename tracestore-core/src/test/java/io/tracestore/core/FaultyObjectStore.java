package io.tracestore.core;

import io.tracestore.spi.ObjectStore;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A test {@link ObjectStore} that forwards every call to another store and, on request, fails or
 * stalls chosen calls: the N-th call of given kinds (optionally only for keys matching a
 * predicate), or every call a predicate picks.
 *
 * <p>Guarantees: a call that is not picked is forwarded unchanged, in the caller's thread; a
 * failed call throws {@link IOException} without touching the delegate; a stalled call blocks
 * <em>before</em> reaching the delegate until {@link Stall#release()} or its time limit, then is
 * forwarded (or, if interrupted while blocked, throws {@link InterruptedIOException} with the
 * interrupt flag set). Counting of a rule starts when the rule is added and counts only calls of
 * its kinds whose key matches; each rule fires at most once. Thread-safe.
 */
final class FaultyObjectStore implements ObjectStore {

  /** The kinds of calls, one per {@link ObjectStore} method. */
  enum Op {
    PUT, PUT_IF_ABSENT, GET, GET_RANGE, SIZE, EXISTS, LIST, DELETE;

    /** Every kind. */
    static final Set<Op> ALL = Collections.unmodifiableSet(EnumSet.allOf(Op.class));
    /** The calls that change storage. */
    static final Set<Op> WRITES = Collections.unmodifiableSet(EnumSet.of(PUT, PUT_IF_ABSENT, DELETE));
  }

  /** One call: its kind and key (the prefix for {@link Op#LIST}). */
  record Call(Op op, String key) {
    @Override
    public String toString() {
      return op + " " + key;
    }
  }

  /**
   * A stalled call's handle. {@link #awaitStalled} waits until the picked call has arrived and is
   * blocked; {@link #release} lets it (and any later arrival) through at once.
   */
  static final class Stall {
    private final Duration limit;
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Call call;
    private volatile Thread thread;
    private final CountDownLatch finished = new CountDownLatch(1);

    private Stall(Duration limit) {
      this.limit = limit;
    }

    /** True once the picked call is blocked; waits up to {@code timeout} for it. */
    boolean awaitStalled(Duration timeout) throws InterruptedException {
      return arrived.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** True once the stalled call has returned or thrown (after release); waits up to {@code timeout}. */
    boolean awaitFinished(Duration timeout) throws InterruptedException {
      return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The call that stalled, or null if none has yet. */
    Call call() {
      return call;
    }

    /** The thread blocked in the stalled call, or null if none has arrived. */
    Thread thread() {
      return thread;
    }

    /** Lets the stalled call go on to the delegate. Idempotent. */
    void release() {
      released.countDown();
    }

    private void block(Call c) throws IOException {
      call = c;
      thread = Thread.currentThread();
      arrived.countDown();
      try {
        if (!released.await(limit.toNanos(), TimeUnit.NANOSECONDS)) {
          released.countDown(); // the time limit passed: the call goes on
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        finished.countDown();
        throw new InterruptedIOException("interrupted while stalled in " + c);
      }
    }
  }

  private final class Rule {
    final Set<Op> ops;
    final Predicate<String> keys;
    final int nth;
    final Stall stall; // null: fail
    final AtomicInteger seen = new AtomicInteger();

    Rule(Set<Op> ops, Predicate<String> keys, int nth, Stall stall) {
      if (nth < 1) {
        throw new IllegalArgumentException("calls are counted from 1, got " + nth);
      }
      this.ops = EnumSet.copyOf(ops);
      this.keys = keys;
      this.nth = nth;
      this.stall = stall;
    }

    boolean fires(Call c) {
      return ops.contains(c.op()) && keys.test(c.key()) && seen.incrementAndGet() == nth;
    }
  }

  private final ObjectStore delegate;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<Call> log = Collections.synchronizedList(new ArrayList<>());
  private final Map<Op, AtomicInteger> counts = new EnumMap<>(Op.class);
  private final Set<Op> forbidden = Collections.synchronizedSet(EnumSet.noneOf(Op.class));
  private volatile Predicate<Call> failWhen = c -> false;

  FaultyObjectStore(ObjectStore delegate) {
    this.delegate = delegate;
    for (Op op : Op.values()) {
      counts.put(op, new AtomicInteger());
    }
  }

  /** Fails the {@code nth} (from 1) call, counted from now, whose kind is in {@code ops}. */
  FaultyObjectStore failNth(int nth, Set<Op> ops) {
    rules.add(new Rule(ops, k -> true, nth, null));
    return this;
  }

  /** Fails the {@code nth} (from 1) call, counted from now, of kind {@code op} on a key that {@code keys} accepts. */
  FaultyObjectStore failNth(int nth, Op op, Predicate<String> keys) {
    rules.add(new Rule(EnumSet.of(op), keys, nth, null));
    return this;
  }

  /** Fails every call {@code p} picks, until replaced or {@link #heal}. */
  FaultyObjectStore failWhen(Predicate<Call> p) {
    failWhen = p;
    return this;
  }

  /** Stalls the {@code nth} (from 1) call, counted from now, of kind {@code op} on a key {@code keys} accepts, until released. */
  Stall stallNth(int nth, Op op, Predicate<String> keys) {
    return stallNth(nth, op, keys, Duration.ofDays(1));
  }

  /** Like {@link #stallNth(int, Op, Predicate)} but the call goes on by itself after {@code limit}. */
  Stall stallNth(int nth, Op op, Predicate<String> keys, Duration limit) {
    Stall s = new Stall(limit);
    rules.add(new Rule(EnumSet.of(op), keys, nth, s));
    return s;
  }

  /** Makes any call of kind {@code op} throw {@link AssertionError} (a call the test says must not happen). */
  FaultyObjectStore forbid(Op op) {
    forbidden.add(op);
    return this;
  }

  /** Removes every rule and predicate and releases every stall: from now on every call is forwarded. */
  FaultyObjectStore heal() {
    for (Rule r : rules) {
      if (r.stall != null) {
        r.stall.release();
      }
    }
    rules.clear();
    failWhen = c -> false;
    forbidden.clear();
    return this;
  }

  /** How many calls of the given kinds were made (picked or not). */
  int calls(Set<Op> ops) {
    return ops.stream().mapToInt(op -> counts.get(op).get()).sum();
  }

  /** Every call made so far, in order. */
  List<Call> log() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  /** The wrapped store. */
  ObjectStore delegate() {
    return delegate;
  }

  /** Records the call and applies the rules; returns the stall the call waited out, or null. */
  private Stall before(Op op, String key) throws IOException {
    Call c = new Call(op, key);
    log.add(c);
    counts.get(op).incrementAndGet();
    if (forbidden.contains(op)) {
      throw new AssertionError("a call the test forbids: " + c);
    }
    if (failWhen.test(c)) {
      throw new IOException("injected failure: " + c);
    }
    Stall waited = null;
    for (Rule r : rules) {
      if (r.fires(c)) {
        if (r.stall == null) {
          throw new IOException("injected failure of call " + r.nth + " of " + r.ops + ": " + c);
        }
        waited = r.stall;
        r.stall.block(c);
      }
    }
    return waited;
  }

  private interface IoCall<T> {
    T run() throws IOException;
  }

  private <T> T call(Op op, String key, IoCall<T> body) throws IOException {
    Stall stall = before(op, key);
    try {
      return body.run();
    } finally {
      if (stall != null) {
        stall.finished.countDown();
      }
    }
  }

  @Override
  public void put(String key, byte[] data) throws IOException {
    call(Op.PUT, key, () -> {
      delegate.put(key, data);
      return null;
    });
  }

  @Override
  public boolean putIfAbsent(String key, byte[] data) throws IOException {
    return call(Op.PUT_IF_ABSENT, key, () -> delegate.putIfAbsent(key, data));
  }

  @Override
  public byte[] get(String key) throws IOException {
    return call(Op.GET, key, () -> delegate.get(key));
  }

  @Override
  public byte[] getRange(String key, long offset, int length) throws IOException {
    return call(Op.GET_RANGE, key, () -> delegate.getRange(key, offset, length));
  }

  @Override
  public long size(String key) throws IOException {
    return call(Op.SIZE, key, () -> delegate.size(key));
  }

  @Override
  public boolean exists(String key) throws IOException {
    return call(Op.EXISTS, key, () -> delegate.exists(key));
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    return call(Op.LIST, prefix, () -> delegate.list(prefix));
  }

  @Override
  public boolean delete(String key) throws IOException {
    return call(Op.DELETE, key, () -> delegate.delete(key));
  }

  /** Closes nothing: the delegate belongs to the test, which may reopen it after a simulated crash. */
  @Override
  public void close() {}
}
