package io.tracestore.traceql;

/**
 * Limits applied when parsing untrusted queries. Immutable and thread-safe; start from {@link
 * #defaults()} and use the {@code with...} methods.
 *
 * @param maxQueryBytes longest accepted query, in UTF-8 bytes (default 128 KiB)
 * @param maxNestingDepth deepest accepted nesting of brackets, unary operators and {@code ^}
 *     chains, checked on the token stream before parsing so that the recursive-descent parser
 *     cannot overflow the stack (default 128)
 * @param maxExpressionDepth deepest accepted syntax tree, which also bounds long operator chains
 *     such as {@code a || b || c ...} (default 2048)
 */
public record TraceQLOptions(int maxQueryBytes, int maxNestingDepth, int maxExpressionDepth) {
  /** Default for {@link #maxQueryBytes()}: 128 KiB. */
  public static final int DEFAULT_MAX_QUERY_BYTES = 128 * 1024;
  /** Default for {@link #maxNestingDepth()}. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 128;
  /** Default for {@link #maxExpressionDepth()}. */
  public static final int DEFAULT_MAX_EXPRESSION_DEPTH = 2048;

  private static final TraceQLOptions DEFAULTS =
      new TraceQLOptions(
          DEFAULT_MAX_QUERY_BYTES, DEFAULT_MAX_NESTING_DEPTH, DEFAULT_MAX_EXPRESSION_DEPTH);

  /** Checks that every limit is positive. */
  public TraceQLOptions {
    if (maxQueryBytes <= 0 || maxNestingDepth <= 0 || maxExpressionDepth <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** The default limits. */
  public static TraceQLOptions defaults() {
    return DEFAULTS;
  }

  /** A copy with another {@link #maxQueryBytes()}. */
  public TraceQLOptions withMaxQueryBytes(int value) {
    return new TraceQLOptions(value, maxNestingDepth, maxExpressionDepth);
  }

  /** A copy with another {@link #maxNestingDepth()}. */
  public TraceQLOptions withMaxNestingDepth(int value) {
    return new TraceQLOptions(maxQueryBytes, value, maxExpressionDepth);
  }

  /** A copy with another {@link #maxExpressionDepth()}. */
  public TraceQLOptions withMaxExpressionDepth(int value) {
    return new TraceQLOptions(maxQueryBytes, maxNestingDepth, value);
  }
}
