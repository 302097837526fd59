package io.tracestore.testing;

import java.time.Instant;

/**
 * Settings of a {@link WorkloadGenerator}. Immutable; change one setting with the {@code with...}
 * methods, e.g. {@code WorkloadConfig.defaults().withSeed(7).withErrorRate(0.05)}.
 *
 * @param seed seed of every random choice; equal configs give identical spans
 * @param startUnixNano simulated time of the first trace arrival, unix nanoseconds
 * @param tracesPerSecond mean front-end request rate in simulated time; arrivals are a Poisson
 *     process, so trace start times spread over {@code traces / tracesPerSecond} seconds
 * @param errorRate probability that a trace contains a failure (an {@code ERROR} span whose status
 *     propagates up some of its ancestors), in [0, 1]
 * @param hugeTraceProbability probability that an arriving request is a huge batch request
 *     ({@code GET /admin/inventory-report}) of at least {@code hugeTraceMinSpans} spans, in [0, 1]
 * @param hugeTraceMinSpans minimum span count of a huge trace (they range up to about 4x this), at
 *     least 10
 * @param instancesPerService number of instances (pods, each with its own shared {@code Resource})
 *     of every service, at least 1
 * @param topology which routes arrive
 */
public record WorkloadConfig(
    long seed,
    long startUnixNano,
    double tracesPerSecond,
    double errorRate,
    double hugeTraceProbability,
    int hugeTraceMinSpans,
    int instancesPerService,
    Topology topology) {

  /** Default seed: {@value}. */
  public static final long DEFAULT_SEED = 42L;
  /** Default start: 2026-11-01T00:00:00Z in unix nanoseconds. */
  public static final long DEFAULT_START_UNIX_NANO =
      Instant.parse("2026-11-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
  /** Default arrival rate: {@value} traces per simulated second. */
  public static final double DEFAULT_TRACES_PER_SECOND = 100.0;
  /** Default share of traces with an error: {@value}. */
  public static final double DEFAULT_ERROR_RATE = 0.02;
  /** Default share of huge traces: {@value} (one in 2,000). */
  public static final double DEFAULT_HUGE_TRACE_PROBABILITY = 1.0 / 2000;
  /** Default minimum size of a huge trace: {@value} spans. */
  public static final int DEFAULT_HUGE_TRACE_MIN_SPANS = 1000;
  /** Default number of instances per service: {@value}. */
  public static final int DEFAULT_INSTANCES_PER_SERVICE = 3;

  /**
   * Checks the ranges.
   *
   * @throws IllegalArgumentException if a value is out of range
   * @throws NullPointerException if {@code topology} is null
   */
  public WorkloadConfig {
    if (!(tracesPerSecond > 0) || Double.isInfinite(tracesPerSecond)) {
      throw new IllegalArgumentException("tracesPerSecond must be positive and finite, got " + tracesPerSecond);
    }
    checkProbability("errorRate", errorRate);
    checkProbability("hugeTraceProbability", hugeTraceProbability);
    if (hugeTraceMinSpans < 10) {
      throw new IllegalArgumentException("hugeTraceMinSpans must be at least 10, got " + hugeTraceMinSpans);
    }
    if (instancesPerService < 1) {
      throw new IllegalArgumentException("instancesPerService must be at least 1, got " + instancesPerService);
    }
    if (topology == null) {
      throw new NullPointerException("topology");
    }
  }

  private static void checkProbability(String name, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + p);
    }
  }

  /** The defaults: seed 42, 2026-11-01T00:00:00Z, 100 traces/s, 2% errors, 1 in 2,000 huge traces. */
  public static WorkloadConfig defaults() {
    return new WorkloadConfig(
        DEFAULT_SEED,
        DEFAULT_START_UNIX_NANO,
        DEFAULT_TRACES_PER_SECOND,
        DEFAULT_ERROR_RATE,
        DEFAULT_HUGE_TRACE_PROBABILITY,
        DEFAULT_HUGE_TRACE_MIN_SPANS,
        DEFAULT_INSTANCES_PER_SERVICE,
        Topology.ONLINE_SHOP);
  }

  /** The defaults with another seed. */
  public static WorkloadConfig ofSeed(long seed) {
    return defaults().withSeed(seed);
  }

  /** A copy with another seed. */
  public WorkloadConfig withSeed(long seed) {
    return new WorkloadConfig(seed, startUnixNano, tracesPerSecond, errorRate, hugeTraceProbability,
        hugeTraceMinSpans, instancesPerService, topology);
  }

  /** A copy with another start time (unix nanoseconds). */
  public WorkloadConfig withStartUnixNano(long startUnixNano) {
    return new WorkloadConfig(seed, startUnixNano, tracesPerSecond, errorRate, hugeTraceProbability,
        hugeTraceMinSpans, instancesPerService, topology);
  }

  /** A copy with another start time. */
  public WorkloadConfig withStart(Instant start) {
    return withStartUnixNano(start.getEpochSecond() * 1_000_000_000L + start.getNano());
  }

  /** A copy with another arrival rate (traces per simulated second). */
  public WorkloadConfig withTracesPerSecond(double tracesPerSecond) {
    return new WorkloadConfig(seed, startUnixNano, tracesPerSecond, errorRate, hugeTraceProbability,
        hugeTraceMinSpans, instancesPerService, topology);
  }

  /** A copy with another error rate (share of traces with a failure). */
  public WorkloadConfig withErrorRate(double errorRate) {
    return new WorkloadConfig(seed, startUnixNano, tracesPerSecond, errorRate, hugeTraceProbability,
        hugeTraceMinSpans, instancesPerService, topology);
  }

  /** A copy with another probability of huge traces. */
  public WorkloadConfig withHugeTraceProbability(double hugeTraceProbability) {
    return new WorkloadConfig(seed, startUnixNano, tracesPerSecond, errorRate, hugeTraceProbability,
        hugeTraceMinSpans, instancesPerService, topology);
  }

  /** A copy with another minimum size of huge traces. */
  public WorkloadConfig withHugeTraceMinSpans(int hugeTraceMinSpans) {
    return new WorkloadConfig(seed, startUnixNano, tracesPerSecond, errorRate, hugeTraceProbability,
        hugeTraceMinSpans, instancesPerService, topology);
  }

  /** A copy with another number of instances per service. */
  public WorkloadConfig withInstancesPerService(int instancesPerService) {
    return new WorkloadConfig(seed, startUnixNano, tracesPerSecond, errorRate, hugeTraceProbability,
        hugeTraceMinSpans, instancesPerService, topology);
  }

  /** A copy with another topology. */
  public WorkloadConfig withTopology(Topology topology) {
    return new WorkloadConfig(seed, startUnixNano, tracesPerSecond, errorRate, hugeTraceProbability,
        hugeTraceMinSpans, instancesPerService, topology);
  }
}
