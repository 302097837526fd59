package io.tracestore.traceql.ast;

/**
 * Where a node starts in the query text: a 1-based line and a 1-based column (counted in Unicode
 * code points).
 *
 * <p><b>Equality is deliberately structural-neutral:</b> every {@code Position} is
 * {@link #equals(Object) equal} to every other {@code Position} and all share one hash code. AST
 * records carry a position as an ordinary component, and this is what keeps source locations out
 * of their generated {@code equals}/{@code hashCode}: two ASTs that differ only in where their
 * nodes were written compare equal (so {@code parse(print(ast)).equals(ast)} holds). To compare
 * locations, compare {@link #line()} and {@link #column()} or use {@link #sameLocation(Position)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Position {
  /** The position of nodes that were not parsed from text (built by code). */
  public static final Position NONE = new Position(0, 0);

  private final int line;
  private final int column;

  private Position(int line, int column) {
    this.line = line;
    this.column = column;
  }

  /**
   * Returns the position at {@code line} and {@code column} (both 1-based; 0/0 means unknown).
   *
   * @throws IllegalArgumentException if either is negative
   */
  public static Position of(int line, int column) {
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("negative position " + line + ":" + column);
    }
    return line == 0 && column == 0 ? NONE : new Position(line, column);
  }

  /** 1-based line, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** 1-based column in code points, or 0 when unknown. */
  public int column() {
    return column;
  }

  /** True if both positions denote the same line and column. */
  public boolean sameLocation(Position other) {
    return other != null && other.line == line && other.column == column;
  }

  /** Always true for another {@code Position}: see the class comment. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Position;
  }

  /** Constant, consistent with {@link #equals(Object)}. */
  @Override
  public int hashCode() {
    return 0;
  }

  @Override
  public String toString() {
    return line + ":" + column;
  }
}
