package io.tracestore.traceql.ast;

/** Operators between spanset expressions. */
public enum SpansetOp {
  /** {@code &&}: both sides match in the trace. */
  AND("&&", 1),
  /** {@code ||}: union. */
  UNION("||", 1),
  /** {@code >}: rhs spans that are children of lhs spans. */
  CHILD(">", 2),
  /** {@code <}: rhs spans that are parents of lhs spans. */
  PARENT("<", 2),
  /** {@code >>}: descendants. */
  DESCENDANT(">>", 2),
  /** {@code <<}: ancestors. */
  ANCESTOR("<<", 2),
  /** {@code ~}: siblings. */
  SIBLING("~", 2),
  /** {@code !>}: rhs spans that are not children of lhs spans. */
  NOT_CHILD("!>", 2),
  /** {@code !<}. */
  NOT_PARENT("!<", 2),
  /** {@code !>>}. */
  NOT_DESCENDANT("!>>", 2),
  /** {@code !<<}. */
  NOT_ANCESTOR("!<<", 2),
  /** {@code !~}. */
  NOT_SIBLING("!~", 2),
  /** {@code &>}: both sides of the child relation. */
  UNION_CHILD("&>", 2),
  /** {@code &<}. */
  UNION_PARENT("&<", 2),
  /** {@code &>>}. */
  UNION_DESCENDANT("&>>", 2),
  /** {@code &<<}. */
  UNION_ANCESTOR("&<<", 2),
  /** {@code &~}. */
  UNION_SIBLING("&~", 2);

  private final String symbol;
  private final int precedence;

  SpansetOp(String symbol, int precedence) {
    this.symbol = symbol;
    this.precedence = precedence;
  }

  /** The operator as written. */
  public String symbol() {
    return symbol;
  }

  /** 1 for {@code && ||}, 2 for structural operators (which bind tighter). */
  public int precedence() {
    return precedence;
  }

  /** True for the structural operators. */
  public boolean isStructural() {
    return precedence == 2;
  }
}
