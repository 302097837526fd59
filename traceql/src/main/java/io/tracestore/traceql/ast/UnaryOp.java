package io.tracestore.traceql.ast;

/** Unary operators of field expressions. */
public enum UnaryOp {
  /** Arithmetic negation {@code -}; binds like binary {@code + -}. */
  NEG("-", 4),
  /** Logical not {@code !}; binds looser than {@code * / % ^}. */
  NOT("!", 5);

  private final String symbol;
  private final int precedence;

  UnaryOp(String symbol, int precedence) {
    this.symbol = symbol;
    this.precedence = precedence;
  }

  /** The operator as written. */
  public String symbol() {
    return symbol;
  }

  /** Binding strength on the same scale as {@link BinaryOp#precedence()}. */
  public int precedence() {
    return precedence;
  }
}
