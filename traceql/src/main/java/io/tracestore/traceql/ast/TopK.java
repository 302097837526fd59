package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * {@code topk(k)} or {@code bottomk(k)}: keeps the k series with the highest (lowest) values.
 *
 * @param bottom true for {@code bottomk}
 * @param k how many series; validation requires {@code k > 0}
 * @param position the function name
 */
public record TopK(boolean bottom, long k, Position position) implements SecondStage {
  /** Checks for nulls. */
  public TopK {
    Objects.requireNonNull(position, "position");
  }

  /** {@code "topk"} or {@code "bottomk"}. */
  public String keyword() {
    return bottom ? "bottomk" : "topk";
  }
}
