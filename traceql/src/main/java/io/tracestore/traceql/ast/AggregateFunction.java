package io.tracestore.traceql.ast;

/** Spanset aggregate functions. */
public enum AggregateFunction {
  /** {@code count()}. */
  COUNT("count"),
  /** {@code avg(f)}. */
  AVG("avg"),
  /** {@code min(f)}. */
  MIN("min"),
  /** {@code max(f)}. */
  MAX("max"),
  /** {@code sum(f)}. */
  SUM("sum");

  private final String keyword;

  AggregateFunction(String keyword) {
    this.keyword = keyword;
  }

  /** The function name as written. */
  public String keyword() {
    return keyword;
  }
}
