package io.tracestore.traceql.ast;

/** Comparisons allowed in scalar filters and metrics filters. */
public enum CompareOp {
  /** {@code =}. */
  EQ("="),
  /** {@code !=}. */
  NEQ("!="),
  /** {@code <}. */
  LT("<"),
  /** {@code <=}. */
  LTE("<="),
  /** {@code >}. */
  GT(">"),
  /** {@code >=}. */
  GTE(">=");

  private final String symbol;

  CompareOp(String symbol) {
    this.symbol = symbol;
  }

  /** The operator as written. */
  public String symbol() {
    return symbol;
  }
}
