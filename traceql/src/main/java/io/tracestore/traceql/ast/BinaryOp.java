package io.tracestore.traceql.ast;

/** Binary operators of field expressions, with their TraceQL symbols and precedence. */
public enum BinaryOp {
  /** {@code +}. */
  ADD("+", 3),
  /** {@code -}. */
  SUB("-", 3),
  /** {@code *}. */
  MUL("*", 6),
  /** {@code /}. */
  DIV("/", 6),
  /** {@code %}. */
  MOD("%", 6),
  /** {@code ^} (right-associative). */
  POW("^", 7),
  /** {@code =}. */
  EQ("=", 2),
  /** {@code !=}. */
  NEQ("!=", 2),
  /** {@code <}. */
  LT("<", 2),
  /** {@code <=}. */
  LTE("<=", 2),
  /** {@code >}. */
  GT(">", 2),
  /** {@code >=}. */
  GTE(">=", 2),
  /** {@code =~}: fully anchored RE2 match. */
  REGEX("=~", 2),
  /** {@code !~}: fully anchored RE2 non-match. */
  NOT_REGEX("!~", 2),
  /** {@code &&} (same precedence as {@code ||}, as in Tempo). */
  AND("&&", 1),
  /** {@code ||} (same precedence as {@code &&}, as in Tempo). */
  OR("||", 1);

  private final String symbol;
  private final int precedence;

  BinaryOp(String symbol, int precedence) {
    this.symbol = symbol;
    this.precedence = precedence;
  }

  /** The operator as written. */
  public String symbol() {
    return symbol;
  }

  /**
   * Binding strength, higher binds tighter: {@code && ||} 1, comparisons 2, {@code + -} 3, unary
   * minus 4, {@code !} 5, {@code * / %} 6, {@code ^} 7.
   */
  public int precedence() {
    return precedence;
  }

  /** True for {@code = != < <= > >= =~ !~}. */
  public boolean isComparison() {
    return precedence == 2;
  }

  /** True for {@code + - * / % ^}. */
  public boolean isArithmetic() {
    return precedence == 3 || precedence >= 6;
  }

  /** True for {@code && ||}. */
  public boolean isLogical() {
    return precedence == 1;
  }
}
