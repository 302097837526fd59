package io.tracestore.testing;

/**
 * A small SplitMix64 random generator. Its output depends only on the seed, never on the JDK
 * version (unlike {@code java.util.Random#nextGaussian} or {@code SplittableRandom}'s newer
 * methods), so generated workloads are reproducible everywhere. Not thread-safe.
 */
final class Rng {
  private static final long GOLDEN = 0x9e3779b97f4a7c15L;

  private long state;
  private double spareGaussian;
  private boolean haveSpare;

  Rng(long seed) {
    this.state = mix(seed ^ 0x5DEECE66DL);
  }

  /** The SplitMix64 finalizer: a bijection on 64-bit values. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  long nextLong() {
    return mix(state += GOLDEN);
  }

  /** Uniform in [0, 1). */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound); {@code bound > 0}. */
  int nextInt(int bound) {
    return (int) (((nextLong() >>> 32) * bound) >>> 32);
  }

  /** Uniform in [lo, hi] inclusive. */
  int between(int lo, int hi) {
    return lo + nextInt(hi - lo + 1);
  }

  boolean chance(double p) {
    return nextDouble() < p;
  }

  <T> T pick(T[] values) {
    return values[nextInt(values.length)];
  }

  /** Standard normal, by Marsaglia's polar method with {@link StrictMath} (platform-independent). */
  double gaussian() {
    if (haveSpare) {
      haveSpare = false;
      return spareGaussian;
    }
    double u;
    double v;
    double s;
    do {
      u = 2 * nextDouble() - 1;
      v = 2 * nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double m = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
    spareGaussian = v * m;
    haveSpare = true;
    return u * m;
  }

  /** A log-normal duration in nanoseconds with the given median and shape; at least 1. */
  long lognormal(double medianNanos, double sigma) {
    double g = gaussian();
    if (g > 6) {
      g = 6; // keep the tail realistic but bounded
    }
    long v = (long) (medianNanos * StrictMath.exp(sigma * g));
    return v < 1 ? 1 : v;
  }

  /** Exponentially distributed with the given mean. */
  double exponential(double mean) {
    return -mean * StrictMath.log(1 - nextDouble());
  }
}
