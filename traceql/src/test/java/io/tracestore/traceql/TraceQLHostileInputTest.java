package io.tracestore.traceql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tracestore.traceql.TraceQLException.Kind;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TraceQL with hostile input")
class TraceQLHostileInputTest {
  private static final TraceQLOptions ROOMY = TraceQLOptions.defaults().withMaxQueryBytes(4 << 20);

  static TraceQLException rejected(String query, TraceQLOptions options) {
    TraceQLException e =
        catchThrowableOfType(() -> TraceQL.parse(query, options), TraceQLException.class);
    assertThat(e).isNotNull();
    return e;
  }

  @Test
  void a100000DeepParenthesisNestingIsRejectedAsALimitQuickly() {
    String query = "(".repeat(100_000) + "{ true }" + ")".repeat(100_000);
    long start = System.nanoTime();
    TraceQLException e = rejected(query, ROOMY);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(e.kind()).isEqualTo(Kind.LIMIT);
    assertThat(e.reason()).contains("nested too deeply");
    assertThat(e.column()).isEqualTo(TraceQLOptions.DEFAULT_MAX_NESTING_DEPTH + 1);
    assertThat(millis).isLessThan(2_000);
    // with default options the same input is first refused for its length
    assertThat(rejected(query, TraceQLOptions.defaults()).kind()).isEqualTo(Kind.LIMIT);
  }

  @Test
  void deepNestingInsideFiltersAndLongRunsOfUnaryOperatorsAreRejectedAsLimits() {
    for (String query :
        new String[] {
          "{ " + "(".repeat(100_000) + "true" + ")".repeat(100_000) + " }",
          "{ " + "!".repeat(100_000) + "true }",
          "{ " + "-".repeat(100_000) + "1 = 1 }",
          "{ " + "!(".repeat(50_000) + "true" + ")".repeat(50_000) + " }",
          "{ " + "2 ^ ".repeat(50_000) + "2 = 1 }",
          "{ .a = 1 " + "|| .a = 1 ".repeat(100_000) + "}",
          "{ true }" + " && { true }".repeat(100_000),
        }) {
      assertThat(rejected(query, ROOMY).kind()).as(query.substring(0, 20)).isEqualTo(Kind.LIMIT);
    }
  }

  @Test
  void nestingJustInsideTheLimitsParsesEvenOnASmallThreadStack() throws InterruptedException {
    int depth = TraceQLOptions.DEFAULT_MAX_NESTING_DEPTH - 2;
    String[] queries = {
      "(".repeat(depth) + "{ true }" + ")".repeat(depth),
      "{ " + "(".repeat(depth) + "true" + ")".repeat(depth) + " }",
      "{ " + "!".repeat(depth) + "true }",
      "{ .a = 1" + " || .a = 1".repeat(TraceQLOptions.DEFAULT_MAX_EXPRESSION_DEPTH / 2) + " }",
      "(".repeat(depth) + "{} | rate()" + ")".repeat(depth) + " * 2"
    };
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                for (String q : queries) {
                  TraceQL.print(TraceQL.parseWithoutValidation(q));
                  TraceQL.parse(q);
                }
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "small-stack",
            512 * 1024);
    t.start();
    t.join();
    assertThat(failure.get()).isNull();
  }

  @Test
  void theLengthLimitCountsUtf8BytesAndIsConfigurable() {
    TraceQLOptions tiny = TraceQLOptions.defaults().withMaxQueryBytes(10);
    assertThatCode(() -> TraceQL.parse("{ .a = 1 }", tiny)).doesNotThrowAnyException();
    assertThat(rejected("{ .a = 12 }", tiny).kind()).isEqualTo(Kind.LIMIT);
    assertThat(rejected("{ .é = 1 }", tiny).kind()).isEqualTo(Kind.LIMIT);
    String big = "{ .a = \"" + "x".repeat(TraceQLOptions.DEFAULT_MAX_QUERY_BYTES) + "\" }";
    assertThat(rejected(big, TraceQLOptions.defaults()).kind()).isEqualTo(Kind.LIMIT);
  }

  @Test
  void theNestingLimitIsConfigurable() {
    TraceQLOptions shallow = TraceQLOptions.defaults().withMaxNestingDepth(4);
    assertThatCode(() -> TraceQL.parse("((({ true })))", shallow)).doesNotThrowAnyException();
    assertThat(rejected("(((({ true }))))", shallow).kind()).isEqualTo(Kind.LIMIT);
    TraceQLOptions narrow = TraceQLOptions.defaults().withMaxExpressionDepth(8);
    assertThat(rejected("{ .a = 1 || .b = 1 || .c = 1 || .d = 1 || .e = 1 || .f = 1 || .g = 1 }", narrow).kind())
        .isEqualTo(Kind.LIMIT);
  }

  @Test
  void hugeNumbersAndDurationsAreSyntaxErrorsNotCrashes() {
    for (String q :
        new String[] {
          "{ .a = " + "9".repeat(5000) + " }",
          "{ .a = 1" + "0".repeat(400) + ".5 }",
          "{ .a = 1e99999 }",
          "{ duration > " + "9".repeat(100) + "h }",
          "{ duration > 1" + "0".repeat(30) + "ns }",
          "{} | rate() | topk(" + "9".repeat(40) + ")",
          "{} | compare({ }, 99999999999999999999)"
        }) {
      assertThat(rejected(q, TraceQLOptions.defaults()).kind()).as(q).isEqualTo(Kind.SYNTAX);
    }
  }

  @Test
  void controlCharactersAndUnpairedSurrogatesAreHandled() {
    assertThat(rejected("{ .a = 1 }\u0000", TraceQLOptions.defaults()).kind()).isEqualTo(Kind.SYNTAX);
    assertThat(rejected("{ \ud800 }", TraceQLOptions.defaults()).kind()).isEqualTo(Kind.SYNTAX);
    assertThatCode(() -> TraceQL.parse("{ .a = \"\ud800\" }")).doesNotThrowAnyException();
    assertThatCode(() -> TraceQL.parse("{ .\"\u0000\" = 1 }")).doesNotThrowAnyException();
  }
}
