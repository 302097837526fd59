package io.tracestore.traceql.parser;

import io.tracestore.traceql.TraceQLException;
import io.tracestore.traceql.TraceQLException.Kind;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Turns the first ANTLR error into a {@link TraceQLException} of kind SYNTAX with a message of
 * the form {@code expected <what> after '<previous token>' but found '<token>'}. Throws from the
 * callback, so parsing stops at the first error (no recovery).
 */
final class SyntaxErrorListener extends BaseErrorListener {
  private static final int[] VALUE_TOKENS = {
    TraceQLLexer.STRING, TraceQLLexer.RAW_STRING, TraceQLLexer.INTEGER, TraceQLLexer.FLOAT,
    TraceQLLexer.DURATION, TraceQLLexer.TRUE, TraceQLLexer.FALSE, TraceQLLexer.NIL,
    TraceQLLexer.STATUS_OK, TraceQLLexer.STATUS_ERROR, TraceQLLexer.STATUS_UNSET,
    TraceQLLexer.KIND_UNSPECIFIED, TraceQLLexer.KIND_INTERNAL, TraceQLLexer.KIND_SERVER,
    TraceQLLexer.KIND_CLIENT, TraceQLLexer.KIND_PRODUCER, TraceQLLexer.KIND_CONSUMER,
    TraceQLLexer.I_DURATION, TraceQLLexer.I_NAME, TraceQLLexer.I_STATUS,
    TraceQLLexer.I_STATUS_MESSAGE, TraceQLLexer.I_KIND, TraceQLLexer.I_CHILD_COUNT,
    TraceQLLexer.I_PARENT, TraceQLLexer.I_ROOT_NAME, TraceQLLexer.I_ROOT_SERVICE_NAME,
    TraceQLLexer.I_TRACE_DURATION, TraceQLLexer.I_NESTED_SET_LEFT, TraceQLLexer.I_NESTED_SET_RIGHT,
    TraceQLLexer.I_NESTED_SET_PARENT, TraceQLLexer.SCOPED_INTRINSIC, TraceQLLexer.ATTR_SCOPE,
    TraceQLLexer.NOT, TraceQLLexer.SUB, TraceQLLexer.LPAREN
  };
  private static final int[] STAGE_TOKENS = {
    TraceQLLexer.LBRACE, TraceQLLexer.LPAREN, TraceQLLexer.COUNT, TraceQLLexer.AVG,
    TraceQLLexer.MIN, TraceQLLexer.MAX, TraceQLLexer.SUM, TraceQLLexer.BY, TraceQLLexer.SELECT,
    TraceQLLexer.COALESCE, TraceQLLexer.INTEGER, TraceQLLexer.FLOAT, TraceQLLexer.DURATION,
    TraceQLLexer.SUB, TraceQLLexer.RATE, TraceQLLexer.COUNT_OVER_TIME, TraceQLLexer.MIN_OVER_TIME,
    TraceQLLexer.MAX_OVER_TIME, TraceQLLexer.AVG_OVER_TIME, TraceQLLexer.SUM_OVER_TIME,
    TraceQLLexer.QUANTILE_OVER_TIME, TraceQLLexer.HISTOGRAM_OVER_TIME, TraceQLLexer.COMPARE
  };
  private static final int[] COMPARE_TOKENS = {
    TraceQLLexer.EQ, TraceQLLexer.NEQ, TraceQLLexer.LT, TraceQLLexer.LTE, TraceQLLexer.GT,
    TraceQLLexer.GTE
  };
  private static final int[] ARITH_TOKENS = {
    TraceQLLexer.ADD, TraceQLLexer.SUB, TraceQLLexer.MUL, TraceQLLexer.DIV, TraceQLLexer.MOD,
    TraceQLLexer.POW
  };
  private static final int MAX_LISTED = 6;

  private final String query;

  SyntaxErrorListener(String query) {
    this.query = query;
  }

  @Override
  public void syntaxError(
      Recognizer<?, ?> recognizer,
      Object offendingSymbol,
      int line,
      int charPositionInLine,
      String msg,
      RecognitionException e) {
    if (!(recognizer instanceof Parser parser) || !(offendingSymbol instanceof Token offending)) {
      throw new TraceQLException(Kind.SYNTAX, msg, line, charPositionInLine + 1, query);
    }
    throw new TraceQLException(
        Kind.SYNTAX, message(parser, offending, e), line, charPositionInLine + 1, query);
  }

  private static String message(Parser parser, Token offending, RecognitionException e) {
    switch (offending.getType()) {
      case TraceQLLexer.UNKNOWN_INTRINSIC:
        return unknownIntrinsic(offending.getText());
      case TraceQLLexer.UNTERMINATED_STRING:
        return "unterminated string starting with " + quote(offending.getText());
      default:
        break;
    }
    String found = found(offending);
    IntervalSet expectedHere = e == null ? parser.getExpectedTokens() : e.getExpectedTokens();
    if (expectedHere != null && expectedHere.contains(TraceQLLexer.RATE)) {
      switch (offending.getType()) {
        case TraceQLLexer.COUNT, TraceQLLexer.AVG, TraceQLLexer.MIN, TraceQLLexer.MAX,
            TraceQLLexer.SUM -> {
          return "unexpected " + found + ": an aggregate in a pipeline must be compared with a"
              + " value, e.g. count() > 2 (or use a metrics function such as rate())";
        }
        case TraceQLLexer.TOPK, TraceQLLexer.BOTTOMK -> {
          return "unexpected " + found + ": topk() and bottomk() must follow a metrics function"
              + " such as rate()";
        }
        default -> {}
      }
    }
    String after = after(parser.getInputStream(), offending);
    IntervalSet expected = null;
    if (e instanceof NoViableAltException nva) {
      if (nva.getStartToken() == offending
          || nva.getStartToken().getTokenIndex() == offending.getTokenIndex()) {
        expected = nva.getExpectedTokens();
      }
    } else if (e != null) {
      expected = e.getExpectedTokens();
    } else {
      expected = parser.getExpectedTokens();
    }
    if (expected == null || expected.isNil()) {
      return "unexpected " + found + " " + after;
    }
    return "expected " + describe(expected, parser) + " " + after + " but found " + found;
  }

  static String describe(IntervalSet expected, Parser parser) {
    BitSet set = new BitSet();
    for (int t : expected.toArray()) {
      if (t >= 0) {
        set.set(t);
      }
    }
    boolean eof = expected.contains(Token.EOF);
    List<String> parts = new ArrayList<>();
    if (set.get(TraceQLLexer.RATE) && set.get(TraceQLLexer.LBRACE)) {
      parts.add("a pipeline stage or metrics function");
      clear(set, STAGE_TOKENS);
    }
    if (set.get(TraceQLLexer.LBRACE) && set.get(TraceQLLexer.BY) && set.get(TraceQLLexer.COUNT)) {
      parts.add("a query such as { ... }");
      clear(set, STAGE_TOKENS);
    }
    if (set.get(TraceQLLexer.COUNT) && set.get(TraceQLLexer.INTEGER) && !set.get(TraceQLLexer.LBRACE)) {
      parts.add("a number, duration or aggregate such as count()");
      clear(set, STAGE_TOKENS);
    }
    if (set.get(TraceQLLexer.ATTR_SCOPE) && set.get(TraceQLLexer.STRING)) {
      parts.add("a value");
      clear(set, VALUE_TOKENS);
    }
    if (set.get(TraceQLLexer.ATTR_SCOPE) && set.get(TraceQLLexer.SCOPED_INTRINSIC)) {
      parts.add("a field such as duration or span.foo");
      clear(set, VALUE_TOKENS);
    }
    if (set.get(TraceQLLexer.ATTR_NAME)) {
      parts.add("an attribute name");
      set.clear(TraceQLLexer.ATTR_NAME);
      set.clear(TraceQLLexer.ATTR_QUOTED);
    }
    if (all(set, COMPARE_TOKENS)) {
      parts.add("a comparison operator");
      clear(set, COMPARE_TOKENS);
    }
    if (set.get(TraceQLLexer.ADD) && set.get(TraceQLLexer.MUL) && set.get(TraceQLLexer.DIV)) {
      parts.add("an arithmetic operator");
      clear(set, ARITH_TOKENS);
    }
    if (set.get(TraceQLLexer.AND) && set.get(TraceQLLexer.OR)) {
      parts.add("'&&' or '||'");
      set.clear(TraceQLLexer.AND);
      set.clear(TraceQLLexer.OR);
    }
    for (int t = set.nextSetBit(0); t >= 0; t = set.nextSetBit(t + 1)) {
      parts.add(tokenName(t, parser));
    }
    if (eof) {
      parts.add("end of query");
    }
    if (parts.size() > MAX_LISTED) {
      parts = new ArrayList<>(parts.subList(0, MAX_LISTED - 1));
      parts.add("...");
      return "one of " + String.join(", ", parts);
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return String.join(", ", parts.subList(0, parts.size() - 1)) + " or " + parts.get(parts.size() - 1);
  }

  private static boolean all(BitSet set, int[] tokens) {
    for (int t : tokens) {
      if (!set.get(t)) {
        return false;
      }
    }
    return true;
  }

  private static void clear(BitSet set, int[] tokens) {
    for (int t : tokens) {
      set.clear(t);
    }
  }

  private static String tokenName(int type, Parser parser) {
    switch (type) {
      case TraceQLLexer.INTEGER:
        return "an integer";
      case TraceQLLexer.FLOAT:
        return "a number";
      case TraceQLLexer.DURATION:
        return "a duration";
      case TraceQLLexer.STRING:
      case TraceQLLexer.RAW_STRING:
        return "a string";
      case TraceQLLexer.IDENT:
        return "a name";
      case TraceQLLexer.ATTR_SCOPE:
        return "an attribute";
      case TraceQLLexer.SCOPED_INTRINSIC:
        return "an intrinsic";
      default:
        String literal = parser.getVocabulary().getLiteralName(type);
        return literal != null ? literal : parser.getVocabulary().getDisplayName(type);
    }
  }

  private static String after(TokenStream tokens, Token offending) {
    int i = offending.getTokenIndex() - 1;
    if (i < 0) {
      return "at the start of the query";
    }
    return "after " + quote(tokens.get(i).getText());
  }

  private static String found(Token t) {
    if (t.getType() == Token.EOF) {
      return "end of query";
    }
    String text = t.getText();
    if (t.getType() == TraceQLLexer.ATTR_MISSING && text.isBlank()) {
      return "whitespace";
    }
    return quote(text);
  }

  static String quote(String text) {
    StringBuilder sb = new StringBuilder("'");
    String t = Literals.abbreviate(text);
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> sb.append(c);
      }
    }
    return sb.append('\'').toString();
  }

  private static String unknownIntrinsic(String text) {
    String scope = text.substring(0, text.indexOf(':'));
    String valid =
        switch (scope) {
          case "trace" -> "trace:duration, trace:rootName, trace:rootService, trace:id";
          case "span" -> "span:duration, span:name, span:kind, span:status, span:statusMessage,"
              + " span:id, span:parentID, span:childCount";
          case "event" -> "event:name, event:timeSinceStart";
          case "link" -> "link:traceID, link:spanID";
          default -> "instrumentation:name, instrumentation:version";
        };
    return "unknown intrinsic " + quote(text) + " (valid: " + valid + ")";
  }
}
