package io.tracestore.traceql.ast;

import java.util.Objects;

/**
 * {@code compare({selection}, topN, start, end)}: compares the attributes of the selected spans
 * against the rest. Omitted arguments take Tempo's defaults (topN 10, start/end 0).
 *
 * @param selection the filter selecting the spans to compare
 * @param topN how many attribute values to return per attribute
 * @param startNanos start of the selection window in unix nanoseconds, 0 for the whole range
 * @param endNanos end of the selection window in unix nanoseconds, 0 for the whole range
 * @param position the {@code compare} keyword
 */
public record Compare(
    SpansetFilter selection, long topN, long startNanos, long endNanos, Position position)
    implements FirstStage {
  /** Tempo's default for {@code topN}. */
  public static final long DEFAULT_TOP_N = 10;

  /** Checks for nulls. */
  public Compare {
    Objects.requireNonNull(selection, "selection");
    Objects.requireNonNull(position, "position");
  }
}
