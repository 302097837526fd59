package io.tracestore.traceql.ast;

/** Arithmetic between scalar expressions and between metrics queries. */
public enum ArithOp {
  /** {@code +}. */
  ADD("+", 1),
  /** {@code -}. */
  SUB("-", 1),
  /** {@code *}. */
  MUL("*", 2),
  /** {@code /}. */
  DIV("/", 2),
  /** {@code %} (not allowed between metrics queries). */
  MOD("%", 2),
  /** {@code ^}, right-associative (not allowed between metrics queries). */
  POW("^", 3);

  private final String symbol;
  private final int precedence;

  ArithOp(String symbol, int precedence) {
    this.symbol = symbol;
    this.precedence = precedence;
  }

  /** The operator as written. */
  public String symbol() {
    return symbol;
  }

  /** 1 for {@code + -}, 2 for {@code * / %}, 3 for {@code ^}. */
  public int precedence() {
    return precedence;
  }
}
