package io.tracestore.traceql;

import java.util.Objects;

/**
 * A query was rejected: it does not parse, fails validation, uses something not supported yet,
 * or exceeds a limit. Unchecked.
 *
 * <p>{@link #getMessage()} reads {@code "line 1, col 24: expected a value after '=' but found
 * '}'"} followed by a caret snippet of the offending line. {@link #reason()} is the message
 * without position and snippet. Immutable and thread-safe.
 */
public final class TraceQLException extends io.tracestore.api.TraceStoreException {
  private static final long serialVersionUID = 1L;

  /** Why a query was rejected; mirrors the categories of Tempo's conformance examples. */
  public enum Kind {
    /** The text is not TraceQL (Tempo: parse fails). */
    SYNTAX,
    /** It parses but is semantically wrong, e.g. a type error or bad regex (validate fails). */
    INVALID,
    /** It parses and is meaningful, but is not supported (yet), as in Tempo. */
    UNSUPPORTED,
    /** It exceeds a configured limit (length, nesting depth). */
    LIMIT
  }

  private static final int SNIPPET_CONTEXT = 60;

  private final Kind kind;
  private final String reason;
  private final int line;
  private final int column;
  private final String snippet;

  /**
   * Creates an exception.
   *
   * @param kind the category
   * @param reason what is wrong, without position
   * @param line 1-based line, 0 if unknown
   * @param column 1-based column in code points, 0 if unknown
   * @param query the query text, used for the caret snippet; may be null
   */
  public TraceQLException(Kind kind, String reason, int line, int column, String query) {
    super(format(reason, line, column, snippet(query, line, column)));
    this.kind = Objects.requireNonNull(kind, "kind");
    this.reason = Objects.requireNonNull(reason, "reason");
    this.line = line;
    this.column = column;
    this.snippet = snippet(query, line, column);
  }

  /** The category of the problem. */
  public Kind kind() {
    return kind;
  }

  /** 1-based line of the problem, 0 if unknown. */
  public int line() {
    return line;
  }

  /** 1-based column of the problem in code points, 0 if unknown. */
  public int column() {
    return column;
  }

  /** The message without position and snippet. */
  public String reason() {
    return reason;
  }

  /** The offending source line and a caret line under the column; empty if unavailable. */
  public String snippet() {
    return snippet;
  }

  private static String format(String reason, int line, int column, String snippet) {
    String head = line > 0 ? "line " + line + ", col " + column + ": " + reason : reason;
    return snippet.isEmpty() ? head : head + "\n" + snippet;
  }

  private static String snippet(String query, int line, int column) {
    if (query == null || line <= 0 || column <= 0) {
      return "";
    }
    int start = 0;
    for (int l = 1; l < line; l++) {
      int nl = query.indexOf('\n', start);
      if (nl < 0) {
        return "";
      }
      start = nl + 1;
    }
    int end = query.indexOf('\n', start);
    String text = query.substring(start, end < 0 ? query.length() : end);
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    int[] cps = text.codePoints().toArray();
    int caret = Math.min(column - 1, cps.length);
    int from = Math.max(0, caret - SNIPPET_CONTEXT);
    int to = Math.min(cps.length, caret + SNIPPET_CONTEXT);
    StringBuilder src = new StringBuilder("  ");
    StringBuilder mark = new StringBuilder("  ");
    if (from > 0) {
      src.append("...");
      mark.append("   ");
    }
    for (int i = from; i < to; i++) {
      int cp = cps[i];
      boolean control = Character.isISOControl(cp) && cp != '\t';
      src.appendCodePoint(control ? ' ' : cp);
      if (i < caret) {
        mark.append(cp == '\t' ? '\t' : ' ');
      }
    }
    if (to < cps.length) {
      src.append("...");
    }
    mark.append('^');
    return src + "\n" + mark;
  }
}
