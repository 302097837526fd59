package io.tracestore.core;

import io.tracestore.core.block.Checkpoint;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Lets searches go before background block work. Searches run through {@link #run}; cuts and
 * compactions call {@link #reached()} at their checkpoints, and while a search is in flight they
 * wait there until no search is, but at most {@code maxPause} per wait. After a wait cut short by
 * that bound, the work runs at least {@code maxPause} before it waits again, so searches back to
 * back still leave it half the time (and appends are never starved of cuts for long).
 *
 * <p>Thread-safe. A waiting thread that is interrupted stops waiting and keeps its interrupt.
 */
final class SearchesFirst implements Checkpoint {
  private final long maxPauseNanos;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object lock = new Object();
  /** {@link System#nanoTime} before which {@link #reached} does not wait (after a wait that hit the bound). */
  private volatile long noWaitBefore = System.nanoTime();
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
    if (maxPauseNanos == 0 || inFlight.get() == 0 || System.nanoTime() - noWaitBefore < 0) {
      return;
    }
    waits.incrementAndGet();
    long deadline = System.nanoTime() + maxPauseNanos;
    synchronized (lock) {
      while (inFlight.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          noWaitBefore = System.nanoTime() + maxPauseNanos;
          return;
        }
        try {
          lock.wait(left / 1_000_000, (int) (left % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Times background work has waited for searches so far. */
  int waits() {
    return waits.get();
  }
}
