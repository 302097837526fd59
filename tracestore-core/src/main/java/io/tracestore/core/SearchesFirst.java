package io.tracestore.core;

import io.tracestore.core.block.Checkpoint;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Lets searches go before background block work. Searches run through {@link #run}; cuts and
 * compactions call {@link #reached()} at their checkpoints, and while a search is in flight they
 * wait there until no search is, but at most {@code maxPause} per wait. After a wait of any
 * length, the work runs at least as long before it waits again, so however searches follow one
 * another it keeps at least half the time (and appends are never starved of cuts).
 *
 * <p>Thread-safe. A waiting thread that is interrupted stops waiting and keeps its interrupt.
 * After {@link #stop} nothing waits.
 */
final class SearchesFirst implements Checkpoint {
  private final long maxPauseNanos;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object lock = new Object();
  /** {@link System#nanoTime} before which {@link #reached} does not wait: as long after a wait as it lasted. */
  private volatile long noWaitBefore = System.nanoTime();
  private volatile boolean stopped;
  private final AtomicInteger waits = new AtomicInteger();

  /** {@code maxPause} zero: background work never waits. */
  SearchesFirst(Duration maxPause) {
    if (maxPause.isNegative()) {
      throw new IllegalArgumentException("maxPause must not be negative, got " + maxPause);
    }
    this.maxPauseNanos = maxPause.toNanos();
  }

  /** Runs a search, counted as in flight while it runs. */
  <T> T run(Supplier<T> search) {
    inFlight.incrementAndGet();
    try {
      return search.get();
    } finally {
      if (inFlight.decrementAndGet() == 0) {
        synchronized (lock) {
          lock.notifyAll();
        }
      }
    }
  }

  @Override
  public void reached() {
    if (maxPauseNanos == 0 || stopped || inFlight.get() == 0 || System.nanoTime() - noWaitBefore < 0) {
      return;
    }
    waits.incrementAndGet();
    long start = System.nanoTime();
    long deadline = start + maxPauseNanos;
    try {
      synchronized (lock) {
        while (inFlight.get() > 0 && !stopped) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return;
          }
          lock.wait(left / 1_000_000, (int) (left % 1_000_000));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      long end = System.nanoTime();
      noWaitBefore = end + (end - start);
    }
  }

  /** Ends every wait and lets nothing wait again (the store is closing). */
  void stop() {
    stopped = true;
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  /** Times background work has waited for searches so far. */
  int waits() {
    return waits.get();
  }
}
