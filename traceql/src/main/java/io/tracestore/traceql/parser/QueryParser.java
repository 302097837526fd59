package io.tracestore.traceql.parser;

import io.tracestore.traceql.TraceQLException;
import io.tracestore.traceql.TraceQLException.Kind;
import io.tracestore.traceql.TraceQLOptions;
import io.tracestore.traceql.ast.Query;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.ListTokenSource;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Internal: text to unvalidated AST. Use {@link io.tracestore.traceql.TraceQL} instead.
 *
 * <p>Steps: length check; lexing the whole input (the lexer is iterative); a nesting estimate on
 * the token stream, so that deeply nested input is rejected before the recursive-descent parser
 * could overflow the stack; parsing with SLL prediction and, only if that fails, a second pass
 * with full LL prediction that reports the first error; and building the AST. Stateless and
 * thread-safe (ANTLR's shared DFA cache is thread-safe).
 */
public final class QueryParser {
  /**
   * ANTLR caches prediction DFAs in static, shared tables that grow with every new input shape.
   * Bound them: every {@value #DFA_CHECK_INTERVAL} parses, if the parser's DFAs hold more than
   * {@value #MAX_DFA_STATES} states in total, they are cleared (and rebuilt on demand).
   */
  private static final int DFA_CHECK_INTERVAL = 4096;

  private static final int MAX_DFA_STATES = 200_000;
  private static final java.util.concurrent.atomic.AtomicLong PARSES =
      new java.util.concurrent.atomic.AtomicLong();

  private QueryParser() {}

  /**
   * Parses {@code query} without validating it.
   *
   * @throws TraceQLException of kind SYNTAX or LIMIT
   */
  public static Query parse(String query, TraceQLOptions options) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(options, "options");
    checkLength(query, options.maxQueryBytes());

    SyntaxErrorListener listener = new SyntaxErrorListener(query);
    TraceQLLexer lexer = new TraceQLLexer(CharStreams.fromString(query));
    lexer.removeErrorListeners();
    lexer.addErrorListener(listener);
    CommonTokenStream tokens =
        new CommonTokenStream(
            new ListTokenSource(lexChecked(lexer, options.maxNestingDepth(), query)));

    TraceQLParser parser = new TraceQLParser(tokens);
    if (PARSES.incrementAndGet() % DFA_CHECK_INTERVAL == 0) {
      boundDfaCache(parser);
    }
    parser.removeErrorListeners();
    parser.setErrorHandler(new BailErrorStrategy());
    parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
    TraceQLParser.QueryContext tree;
    try {
      tree = parser.query();
    } catch (ParseCancellationException sllFailed) {
      tokens.seek(0);
      parser.reset();
      parser.addErrorListener(listener);
      parser.setErrorHandler(new DefaultErrorStrategy());
      parser.getInterpreter().setPredictionMode(PredictionMode.LL);
      tree = parser.query();
    }
    return new AstBuilder(query, options).build(tree);
  }

  private static void boundDfaCache(TraceQLParser parser) {
    long states = 0;
    for (org.antlr.v4.runtime.dfa.DFA dfa : parser.getInterpreter().decisionToDFA) {
      states += dfa.states.size();
    }
    if (states > MAX_DFA_STATES) {
      parser.getInterpreter().clearDFA();
    }
  }

  private static void checkLength(String query, int maxBytes) {
    long bytes = query.length();
    if (bytes * 3 > maxBytes && bytes <= maxBytes) {
      bytes = query.getBytes(StandardCharsets.UTF_8).length;
    }
    if (bytes > maxBytes) {
      throw new TraceQLException(
          Kind.LIMIT,
          "query is too long: more than "
              + maxBytes
              + " bytes (see TraceQLOptions.maxQueryBytes)",
          0,
          0,
          null);
    }
  }

  /**
   * Lexes the whole query while estimating the parser's recursion depth from the tokens, and
   * stops at the first token that exceeds the limit. The estimate counts open brackets, plus unary operators and
   * {@code ^} (right-associative) not yet closed by a looser binary operator at their bracket
   * level; it is an upper bound of the parser's nesting of recursive rule calls.
   */
  private static List<Token> lexChecked(TraceQLLexer lexer, int limit, String query) {
    List<Token> tokens = new ArrayList<>();
    int[] stack = new int[Math.min(limit + 2, 1024)];
    int size = 0;
    int stackSum = 0;
    int pending = 0;
    int prevType = -1;
    while (true) {
      Token t = lexer.nextToken();
      tokens.add(t);
      int type = t.getType();
      if (type == Token.EOF) {
        return tokens;
      }
      switch (type) {
        case TraceQLLexer.LPAREN, TraceQLLexer.LBRACE -> {
          if (size == stack.length) {
            stack = java.util.Arrays.copyOf(stack, stack.length * 2);
          }
          stack[size++] = pending;
          stackSum += pending;
          pending = 0;
        }
        case TraceQLLexer.RPAREN, TraceQLLexer.RBRACE -> {
          if (size > 0) {
            pending = stack[--size];
            stackSum -= pending;
          } else {
            pending = 0;
          }
        }
        case TraceQLLexer.NOT, TraceQLLexer.POW -> pending++;
        case TraceQLLexer.SUB -> {
          if (endsOperand(prevType)) {
            pending = 0;
          } else {
            pending++;
          }
        }
        case TraceQLLexer.MUL, TraceQLLexer.DIV, TraceQLLexer.MOD -> {
          // left-associative and tighter than every prefix operator: parsed in a loop
        }
        default -> {
          if (!endsOperand(type) && type != TraceQLLexer.ATTR_SCOPE) {
            pending = 0;
          }
        }
      }
      if (size + stackSum + pending > limit) {
        throw new TraceQLException(
            Kind.LIMIT,
            "query is nested too deeply (more than "
                + limit
                + " levels of brackets and unary operators; see TraceQLOptions.maxNestingDepth)",
            t.getLine(),
            t.getCharPositionInLine() + 1,
            query);
      }
      prevType = type;
    }
  }

  private static boolean endsOperand(int type) {
    return switch (type) {
      case TraceQLLexer.RPAREN,
          TraceQLLexer.RBRACE,
          TraceQLLexer.INTEGER,
          TraceQLLexer.FLOAT,
          TraceQLLexer.DURATION,
          TraceQLLexer.STRING,
          TraceQLLexer.RAW_STRING,
          TraceQLLexer.TRUE,
          TraceQLLexer.FALSE,
          TraceQLLexer.NIL,
          TraceQLLexer.STATUS_OK,
          TraceQLLexer.STATUS_ERROR,
          TraceQLLexer.STATUS_UNSET,
          TraceQLLexer.KIND_UNSPECIFIED,
          TraceQLLexer.KIND_INTERNAL,
          TraceQLLexer.KIND_SERVER,
          TraceQLLexer.KIND_CLIENT,
          TraceQLLexer.KIND_PRODUCER,
          TraceQLLexer.KIND_CONSUMER,
          TraceQLLexer.I_DURATION,
          TraceQLLexer.I_NAME,
          TraceQLLexer.I_STATUS,
          TraceQLLexer.I_STATUS_MESSAGE,
          TraceQLLexer.I_KIND,
          TraceQLLexer.I_CHILD_COUNT,
          TraceQLLexer.I_PARENT,
          TraceQLLexer.I_ROOT_NAME,
          TraceQLLexer.I_ROOT_SERVICE_NAME,
          TraceQLLexer.I_TRACE_DURATION,
          TraceQLLexer.I_NESTED_SET_LEFT,
          TraceQLLexer.I_NESTED_SET_RIGHT,
          TraceQLLexer.I_NESTED_SET_PARENT,
          TraceQLLexer.SCOPED_INTRINSIC,
          TraceQLLexer.ATTR_NAME,
          TraceQLLexer.ATTR_QUOTED,
          TraceQLLexer.IDENT -> true;
      default -> false;
    };
  }
}
