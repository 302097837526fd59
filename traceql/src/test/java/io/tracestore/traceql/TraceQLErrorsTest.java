package io.tracestore.traceql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tracestore.traceql.TraceQLException.Kind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("TraceQL error reporting")
class TraceQLErrorsTest {

  static TraceQLException error(String query) {
    TraceQLException e = catchThrowableOfType(() -> TraceQL.parse(query), TraceQLException.class);
    assertThat(e).as("expected %s to be rejected", query).isNotNull();
    return e;
  }

  @Test
  void aMissingValueNamesWhatWasExpectedAndWhereWithACaret() {
    TraceQLException e = error("{ resource.service.name = }");
    assertThat(e.kind()).isEqualTo(Kind.SYNTAX);
    assertThat(e.line()).isEqualTo(1);
    assertThat(e.column()).isEqualTo(27);
    assertThat(e.reason()).isEqualTo("expected a value after '=' but found '}'");
    assertThat(e.getMessage())
        .isEqualTo(
            "line 1, col 27: expected a value after '=' but found '}'\n"
                + "  { resource.service.name = }\n"
                + "                            ^");
  }

  @ParameterizedTest(name = "{0} -> line {1}, col {2}: {4}")
  @CsvSource(
      delimiterString = " ==> ",
      value = {
        "{ .a < 3 ==> 1 ==> 9 ==> SYNTAX ==> expected '}' after '3' but found end of query",
        "{ (.a < 3 } ==> 1 ==> 11 ==> SYNTAX ==> expected ')' after '3' but found '}'",
        "{ span. } ==> 1 ==> 8 ==> SYNTAX ==> expected an attribute name after 'span.' but found whitespace",
        "{ .attribute == 4 } ==> 1 ==> 15 ==> SYNTAX ==> expected a value after '=' but found '='",
        "{ attribute = 4 } ==> 1 ==> 3 ==> SYNTAX ==> expected a value or '}' after '{' but found 'attribute'",
        "select(.a ==> 1 ==> 10 ==> SYNTAX ==> expected ')' or ',' after 'a' but found end of query",
        "{} | topk(10) ==> 1 ==> 6 ==> SYNTAX ==> unexpected 'topk': topk() and bottomk() must follow a metrics function such as rate()",
        "{ trace:status = error } ==> 1 ==> 3 ==> SYNTAX ==> unknown intrinsic 'trace:status' (valid: trace:duration, trace:rootName, trace:rootService, trace:id)",
        "{ .a = \"abc } ==> 1 ==> 8 ==> SYNTAX ==> unterminated string starting with '\"abc }'",
        "{ .a = 1 } # ==> 1 ==> 12 ==> SYNTAX ==> expected 'with' or end of query after '}' but found '#'",
        "{ .a = 99999999999999999999 } ==> 1 ==> 8 ==> SYNTAX ==> integer 99999999999999999999 is out of range [-9223372036854775808, 9223372036854775807]",
        "{ duration > 3m5 } ==> 1 ==> 14 ==> SYNTAX ==> invalid duration '3m5' (units: ns us µs ms s m h d w y, e.g. 1h30m, 1.5s)",
        "{ .a > nil } ==> 1 ==> 8 ==> SYNTAX ==> nil can only be compared with '=' or '!=', e.g. .attr != nil",
        "3 = 2 ==> 1 ==> 1 ==> SYNTAX ==> expected an aggregate such as count() or avg(duration) on the left of a scalar filter",
        "{ 1 = \"a\" } ==> 1 ==> 5 ==> INVALID ==> operator '=' cannot combine an integer and a string",
        "{ status > ok } ==> 1 ==> 10 ==> INVALID ==> operator '>' is not defined for a status",
        "{ .a =~ \"(\" } ==> 1 ==> 9 ==> INVALID ==> invalid regular expression: missing closing )",
        "{ 1 + 1 } ==> 1 ==> 5 ==> INVALID ==> a spanset filter must be a boolean expression, but this is an integer",
        "{ span:status = nil } ==> 1 ==> 15 ==> INVALID ==> intrinsic status always exists; it cannot be nil",
        "{} | rate() | topk(0) ==> 1 ==> 15 ==> INVALID ==> topk() needs a positive number of series, got 0",
        "{} | quantile_over_time(duration, 1.5) ==> 1 ==> 6 ==> INVALID ==> quantiles must be between 0 and 1, got 1.5",
        "sum(3) = 2 ==> 1 ==> 1 ==> INVALID ==> the argument of sum() must reference the span (an attribute or intrinsic), not only constants",
        "{ parent.a = 1 } ==> 1 ==> 3 ==> UNSUPPORTED ==> parent. attributes are not supported",
        "min(.a) < max(.b) ==> 1 ==> 11 ==> UNSUPPORTED ==> scalar filters are only supported as an aggregate compared with a constant, e.g. avg(duration) > 1s"
      })
  void errorsCarryKindLineColumnAndText(String query, int line, int column, Kind kind, String reason) {
    TraceQLException e = error(query);
    assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind);
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.line()).isEqualTo(line);
    assertThat(e.column()).isEqualTo(column);
    assertThat(e.getMessage()).startsWith("line " + line + ", col " + column + ": " + reason);
  }

  @Test
  void errorsOnLaterLinesPointAtTheRightLineAndColumn() {
    TraceQLException e = error("{ .a = 1 }\n| count() > 1\n| by(.b\n");
    assertThat(e.kind()).isEqualTo(Kind.SYNTAX);
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.column()).isEqualTo(1);
    assertThat(e.reason()).startsWith("expected ").endsWith("after 'b' but found end of query");
    TraceQLException typed = error("{ .a = 1 }\n  && { 1 = \"x\" }");
    assertThat(typed.line()).isEqualTo(2);
    assertThat(typed.column()).isEqualTo(10);
    assertThat(typed.snippet()).isEqualTo("    && { 1 = \"x\" }\n           ^");
  }

  @Test
  void invalidConstructsWinOverUnsupportedOnes() {
    assertThat(error("{ parent.a = 1 && 1 = \"x\" }").kind()).isEqualTo(Kind.INVALID);
  }

  @Test
  void unsupportedQueriesStillParseWithoutValidation() {
    assertThatCode(() -> TraceQL.parseWithoutValidation("{ parent.a = 1 }")).doesNotThrowAnyException();
    assertThatCode(() -> TraceQL.parseWithoutValidation("{ 1 = \"x\" }")).doesNotThrowAnyException();
  }

  @Test
  void validatingACodeBuiltQueryReportsPositionsWithoutASnippet() {
    TraceQLException e =
        catchThrowableOfType(
            () -> TraceQL.validate(TraceQL.parseWithoutValidation("{ 1 = \"x\" }")), TraceQLException.class);
    assertThat(e.kind()).isEqualTo(Kind.INVALID);
    assertThat(e.column()).isEqualTo(5);
    assertThat(e.snippet()).isEmpty();
  }

  @Test
  void regexesAreFullyAnchoredRe2Patterns() {
    assertThat(TraceQL.regex("a.c").matcher("abc").matches()).isTrue();
    assertThat(TraceQL.regex("a.c").matcher("xabcx").matches()).isFalse();
    // a pattern that backtracks exponentially in java.util.regex is linear in RE2
    String hostile = "a".repeat(5000) + "!";
    long start = System.nanoTime();
    assertThat(TraceQL.regex("(a+)+$").matcher(hostile).find()).isFalse();
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
  }
}
