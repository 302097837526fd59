package io.tracestore.traceql.ast;

/** The {@code *_over_time} family and {@code rate}. */
public enum MetricsFunction {
  /** {@code rate()}: spans per second. */
  RATE("rate", false),
  /** {@code count_over_time()}. */
  COUNT_OVER_TIME("count_over_time", false),
  /** {@code min_over_time(f)}. */
  MIN_OVER_TIME("min_over_time", true),
  /** {@code max_over_time(f)}. */
  MAX_OVER_TIME("max_over_time", true),
  /** {@code avg_over_time(f)}. */
  AVG_OVER_TIME("avg_over_time", true),
  /** {@code sum_over_time(f)}. */
  SUM_OVER_TIME("sum_over_time", true),
  /** {@code quantile_over_time(f, q...)}. */
  QUANTILE_OVER_TIME("quantile_over_time", true),
  /** {@code histogram_over_time(f)}. */
  HISTOGRAM_OVER_TIME("histogram_over_time", true);

  private final String keyword;
  private final boolean takesField;

  MetricsFunction(String keyword, boolean takesField) {
    this.keyword = keyword;
    this.takesField = takesField;
  }

  /** The function name as written. */
  public String keyword() {
    return keyword;
  }

  /** True if the function takes a field argument. */
  public boolean takesField() {
    return takesField;
  }
}
