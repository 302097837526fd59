package io.tracestore.traceql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.SpanKind;
import io.tracestore.api.StatusCode;
import io.tracestore.traceql.ast.Aggregate;
import io.tracestore.traceql.ast.AggregateFunction;
import io.tracestore.traceql.ast.ArithOp;
import io.tracestore.traceql.ast.Attribute;
import io.tracestore.traceql.ast.AttributeScope;
import io.tracestore.traceql.ast.BinaryExpr;
import io.tracestore.traceql.ast.BinaryOp;
import io.tracestore.traceql.ast.BoolLiteral;
import io.tracestore.traceql.ast.Coalesce;
import io.tracestore.traceql.ast.Compare;
import io.tracestore.traceql.ast.CompareOp;
import io.tracestore.traceql.ast.DurationLiteral;
import io.tracestore.traceql.ast.FieldExpr;
import io.tracestore.traceql.ast.FloatLiteral;
import io.tracestore.traceql.ast.GroupBy;
import io.tracestore.traceql.ast.Hint;
import io.tracestore.traceql.ast.IntLiteral;
import io.tracestore.traceql.ast.Intrinsic;
import io.tracestore.traceql.ast.IntrinsicField;
import io.tracestore.traceql.ast.KindLiteral;
import io.tracestore.traceql.ast.Literal;
import io.tracestore.traceql.ast.MetricsAggregate;
import io.tracestore.traceql.ast.MetricsExpr;
import io.tracestore.traceql.ast.MetricsFilter;
import io.tracestore.traceql.ast.MetricsFunction;
import io.tracestore.traceql.ast.MetricsMath;
import io.tracestore.traceql.ast.MetricsMathQuery;
import io.tracestore.traceql.ast.MetricsQuery;
import io.tracestore.traceql.ast.NilLiteral;
import io.tracestore.traceql.ast.Pipeline;
import io.tracestore.traceql.ast.Position;
import io.tracestore.traceql.ast.Query;
import io.tracestore.traceql.ast.ScalarBinary;
import io.tracestore.traceql.ast.ScalarExpr;
import io.tracestore.traceql.ast.ScalarFilter;
import io.tracestore.traceql.ast.ScalarPipeline;
import io.tracestore.traceql.ast.Select;
import io.tracestore.traceql.ast.SpansetExpr;
import io.tracestore.traceql.ast.SpansetFilter;
import io.tracestore.traceql.ast.SpansetOp;
import io.tracestore.traceql.ast.SpansetOperation;
import io.tracestore.traceql.ast.StatusLiteral;
import io.tracestore.traceql.ast.StringLiteral;
import io.tracestore.traceql.ast.TopK;
import io.tracestore.traceql.ast.UnaryExpr;
import io.tracestore.traceql.ast.UnaryOp;
import io.tracestore.traceql.ast.WrappedPipeline;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("TraceQL parser")
class TraceQLParserTest {

  // ------------------------------------------------------------------ helpers

  /** Parses a query made of one spanset filter and returns its expression. */
  static FieldExpr filterExpr(String query) {
    Query q = TraceQL.parseWithoutValidation(query);
    Pipeline p = (Pipeline) q.body();
    assertThat(p.stages()).hasSize(1);
    return ((SpansetFilter) p.stages().get(0)).expression();
  }

  /** Fully parenthesised rendering that makes the tree's grouping visible. */
  static String tree(FieldExpr e) {
    if (e instanceof BinaryExpr b) {
      return "(" + tree(b.lhs()) + " " + b.op().symbol() + " " + tree(b.rhs()) + ")";
    }
    if (e instanceof UnaryExpr u) {
      return "(" + u.op().symbol() + tree(u.operand()) + ")";
    }
    if (e instanceof Attribute a) {
      return (a.parent() ? "parent." : "") + a.scope().keyword() + "." + a.name();
    }
    if (e instanceof IntrinsicField i) {
      return i.intrinsic().canonical();
    }
    if (e instanceof IntLiteral i) {
      return Long.toString(i.value());
    }
    if (e instanceof FloatLiteral f) {
      return Double.toString(f.value());
    }
    if (e instanceof BoolLiteral b) {
      return Boolean.toString(b.value());
    }
    if (e instanceof DurationLiteral d) {
      return d.nanos() + "ns";
    }
    if (e instanceof StringLiteral s) {
      return "\"" + s.value() + "\"";
    }
    return e.toString();
  }

  static String spansetTree(SpansetExpr e) {
    if (e instanceof SpansetOperation o) {
      return "(" + spansetTree(o.lhs()) + " " + o.op().symbol() + " " + spansetTree(o.rhs()) + ")";
    }
    if (e instanceof SpansetFilter f) {
      return "{" + tree(f.expression()) + "}";
    }
    return "(" + TraceQL.print(new Query(((WrappedPipeline) e).pipeline(), List.of(), Position.NONE)) + ")";
  }

  static String scalarTree(ScalarExpr e) {
    if (e instanceof ScalarBinary b) {
      return "(" + scalarTree(b.lhs()) + " " + b.op().symbol() + " " + scalarTree(b.rhs()) + ")";
    }
    if (e instanceof Aggregate a) {
      return a.function().keyword() + "(" + (a.field() == null ? "" : tree(a.field())) + ")";
    }
    if (e instanceof ScalarPipeline) {
      return "pipeline";
    }
    return tree((Literal) e);
  }

  static String metricsTree(MetricsExpr e) {
    if (e instanceof MetricsMath m) {
      return "(" + metricsTree(m.lhs()) + " " + m.op().symbol() + " " + metricsTree(m.rhs()) + ")";
    }
    if (e instanceof MetricsQuery q) {
      return ((MetricsAggregate) q.firstStage()).function().keyword();
    }
    return tree((Literal) e);
  }

  static Attribute attr(AttributeScope scope, String name) {
    return Attribute.of(scope, name);
  }

  static void assertRoundTrip(String query) {
    Query q = TraceQL.parseWithoutValidation(query);
    String printed = TraceQL.print(q);
    assertThat(TraceQL.parseWithoutValidation(printed)).as(printed).isEqualTo(q);
  }

  // ------------------------------------------------------------------ spanset filters

  @Nested
  @DisplayName("spanset filters")
  class SpansetFilters {
    @Test
    void anEmptyFilterMatchesEverySpan() {
      assertThat(filterExpr("{}")).isEqualTo(BoolLiteral.of(true));
      assertThat(filterExpr("{ }")).isEqualTo(BoolLiteral.of(true));
    }

    @ParameterizedTest(name = "{0} is scope {1}")
    @CsvSource({
      "'{ .foo }', NONE",
      "'{ span.foo }', SPAN",
      "'{ resource.foo }', RESOURCE",
      "'{ event.foo }', EVENT",
      "'{ link.foo }', LINK",
      "'{ instrumentation.foo }', INSTRUMENTATION"
    })
    void everyAttributeScopeIsRecognised(String query, AttributeScope scope) {
      assertThat(filterExpr(query)).isEqualTo(attr(scope, "foo"));
    }

    @Test
    void attributeNamesRunUntilWhitespaceOrAnOperatorRune() {
      assertThat(filterExpr("{ resource.service.name = 1 }"))
          .isEqualTo(
              new BinaryExpr(BinaryOp.EQ, attr(AttributeScope.RESOURCE, "service.name"), IntLiteral.of(1), Position.NONE));
      assertThat(tree(filterExpr("{ .http.status_code>=500 }"))).isEqualTo("(.http.status_code >= 500)");
      assertThat(tree(filterExpr("{ .a-b+c/d:e }"))).isEqualTo(".a-b+c/d:e");
      assertThat(tree(filterExpr("{.a=1&&.b!=2}"))).isEqualTo("((.a = 1) && (.b != 2))");
    }

    @Test
    void quotedAttributeNamesAllowAnyCharacterAndOnlyQuoteAndBackslashEscapes() {
      assertThat(filterExpr("{ span.\"a b\" }")).isEqualTo(attr(AttributeScope.SPAN, "a b"));
      assertThat(filterExpr("{ .\"a\\\"b\" }")).isEqualTo(attr(AttributeScope.NONE, "a\"b"));
      assertThat(filterExpr("{ .\"a\\\\b\" }")).isEqualTo(attr(AttributeScope.NONE, "a\\b"));
      assertThat(filterExpr("{ resource.\"x = {y}\" }")).isEqualTo(attr(AttributeScope.RESOURCE, "x = {y}"));
      assertThatThrownBy(() -> TraceQL.parse("{ .\"a\\nb\" }"))
          .isInstanceOfSatisfying(
              TraceQLException.class,
              e -> assertThat(e.kind()).isEqualTo(TraceQLException.Kind.SYNTAX));
    }

    @Test
    void parentScopesAreParsedAndFlagged() {
      assertThat(filterExpr("{ parent.foo }")).isEqualTo(new Attribute(AttributeScope.NONE, true, "foo", Position.NONE));
      assertThat(filterExpr("{ parent.span.foo }")).isEqualTo(new Attribute(AttributeScope.SPAN, true, "foo", Position.NONE));
      assertThat(filterExpr("{ parent.resource.foo }"))
          .isEqualTo(new Attribute(AttributeScope.RESOURCE, true, "foo", Position.NONE));
    }

    @Test
    void anAttributeScopeWithoutANameIsASyntaxError() {
      for (String q : List.of("{ . }", "{ span. }", "{ span.}", "{ resource.", "{ .= 1 }")) {
        assertThatThrownBy(() -> TraceQL.parse(q)).as(q).isInstanceOf(TraceQLException.class);
      }
    }
  }

  // ------------------------------------------------------------------ intrinsics

  static Stream<Arguments> intrinsicSpellings() {
    return Stream.of(Intrinsic.values())
        .flatMap(i -> i.spellings().stream().map(s -> Arguments.of(s, i)));
  }

  @ParameterizedTest(name = "{0} is the intrinsic {1}")
  @MethodSource("intrinsicSpellings")
  @DisplayName("every intrinsic spelling, legacy and scoped, is recognised")
  void everyIntrinsicSpellingIsRecognised(String spelling, Intrinsic intrinsic) {
    assertThat(filterExpr("{ " + spelling + " != nil }"))
        .isEqualTo(new BinaryExpr(BinaryOp.NEQ, IntrinsicField.of(intrinsic), new NilLiteral(Position.NONE), Position.NONE));
  }

  @Test
  void legacyAndScopedSpellingsOfAnIntrinsicGiveEqualTrees() {
    assertThat(TraceQL.parse("{ span:duration > 1s }")).isEqualTo(TraceQL.parse("{ duration > 1s }"));
    assertThat(TraceQL.parse("{ trace:rootService = \"a\" }")).isEqualTo(TraceQL.parse("{ rootServiceName = \"a\" }"));
    assertThat(TraceQL.parse("{ trace:duration > 1s }")).isEqualTo(TraceQL.parse("{ traceDuration > 1s }"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{ trace:status = error }", "{ span:rootName = \"a\" }", "{ link:name = \"a\" }", "{ event:foo = 1 }"})
  void unknownScopedIntrinsicsAreSyntaxErrors(String query) {
    assertThatThrownBy(() -> TraceQL.parse(query))
        .isInstanceOfSatisfying(TraceQLException.class, e -> {
          assertThat(e.kind()).isEqualTo(TraceQLException.Kind.SYNTAX);
          assertThat(e.reason()).startsWith("unknown intrinsic");
        });
  }

  // ------------------------------------------------------------------ literals

  @Nested
  @DisplayName("literals")
  class Literals {
    @Test
    void integersCoverTheWholeSigned64BitRange() {
      assertThat(filterExpr("{ .a = 9223372036854775807 }"))
          .extracting(e -> ((BinaryExpr) e).rhs())
          .isEqualTo(IntLiteral.of(Long.MAX_VALUE));
      assertThat(filterExpr("{ .a = -9223372036854775808 }"))
          .extracting(e -> ((BinaryExpr) e).rhs())
          .isEqualTo(IntLiteral.of(Long.MIN_VALUE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{ .a = 9223372036854775808 }", "{ .a = -9223372036854775809 }", "{ .a = 1e999 }"})
    void numbersOutOfRangeAreSyntaxErrors(String query) {
      assertThatThrownBy(() -> TraceQL.parse(query))
          .isInstanceOfSatisfying(TraceQLException.class, e -> {
            assertThat(e.kind()).isEqualTo(TraceQLException.Kind.SYNTAX);
            assertThat(e.reason()).contains("out of range");
          });
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"1.5, 1.5", ".95, 0.95", "1e3, 1000", "2.5E-2, 0.025", "1., 1.0"})
    void floatsAreParsed(String text, double value) {
      assertThat(((BinaryExpr) filterExpr("{ .a = " + text + " }")).rhs()).isEqualTo(FloatLiteral.of(value));
    }

    @ParameterizedTest(name = "{0} = {1} ns")
    @CsvSource({
      "1ns, 1",
      "1us, 1000",
      "1µs, 1000",
      "1ms, 1000000",
      "1s, 1000000000",
      "1m, 60000000000",
      "1h, 3600000000000",
      "1d, 86400000000000",
      "1w, 604800000000000",
      "1y, 31536000000000000",
      "1s500ms, 1500000000",
      "1h30m, 5400000000000",
      "1.5s, 1500000000",
      ".5ms, 500000",
      "2562047h, 9223369200000000000"
    })
    void durationsAreParsedInNanoseconds(String text, long nanos) {
      assertThat(((BinaryExpr) filterExpr("{ duration > " + text + " }")).rhs()).isEqualTo(DurationLiteral.of(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{ duration > 2562048h }", "{ duration > 300y }", "{ duration > 3m5 }", "{ duration > 1x }"})
    void durationsThatOverflowOrAreMalformedAreSyntaxErrors(String query) {
      assertThatThrownBy(() -> TraceQL.parse(query))
          .isInstanceOfSatisfying(TraceQLException.class, e -> assertThat(e.kind()).isEqualTo(TraceQLException.Kind.SYNTAX));
    }

    @Test
    void stringsUseGoEscapesAndRawStringsAreVerbatim() {
      assertThat(((BinaryExpr) filterExpr("{ .a = \"tab\\there \\\"q\\\" \\u00e9 \\x41 \\101 \\\\\" }")).rhs())
          .isEqualTo(StringLiteral.of("tab\there \"q\" é A A \\"));
      assertThat(((BinaryExpr) filterExpr("{ .a = `raw \\n \"x\"` }")).rhs()).isEqualTo(StringLiteral.of("raw \\n \"x\""));
      assertThat(((BinaryExpr) filterExpr("{ .a = \"\" }")).rhs()).isEqualTo(StringLiteral.of(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{ .a = \"\\q\" }", "{ .a = \"abc }", "{ .a = `abc }", "{ .a = \"\\u12\" }"})
    void badStringsAreSyntaxErrors(String query) {
      assertThatThrownBy(() -> TraceQL.parse(query))
          .isInstanceOfSatisfying(TraceQLException.class, e -> assertThat(e.kind()).isEqualTo(TraceQLException.Kind.SYNTAX));
    }

    @Test
    void booleansNilStatusesAndKindsAreLiterals() {
      assertThat(((BinaryExpr) filterExpr("{ .a = true }")).rhs()).isEqualTo(BoolLiteral.of(true));
      assertThat(((BinaryExpr) filterExpr("{ .a = false }")).rhs()).isEqualTo(BoolLiteral.of(false));
      assertThat(((BinaryExpr) filterExpr("{ .a = nil }")).rhs()).isEqualTo(new NilLiteral(Position.NONE));
      assertThat(((BinaryExpr) filterExpr("{ status = error }")).rhs()).isEqualTo(StatusLiteral.of(StatusCode.ERROR));
      assertThat(((BinaryExpr) filterExpr("{ status = ok }")).rhs()).isEqualTo(StatusLiteral.of(StatusCode.OK));
      assertThat(((BinaryExpr) filterExpr("{ status = unset }")).rhs()).isEqualTo(StatusLiteral.of(StatusCode.UNSET));
      for (SpanKind k : SpanKind.values()) {
        String q = "{ kind = " + k.name().toLowerCase(java.util.Locale.ROOT) + " }";
        assertThat(((BinaryExpr) filterExpr(q)).rhs()).isEqualTo(KindLiteral.of(k));
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{ nil }", "{ .a > nil }", "{ (nil) = .a }", "{ !nil }", "{ .a && nil }"})
    void nilIsOnlyAllowedAsADirectOperandOfEqualsOrNotEquals(String query) {
      assertThatThrownBy(() -> TraceQL.parseWithoutValidation(query))
          .isInstanceOfSatisfying(TraceQLException.class, e -> {
            assertThat(e.kind()).isEqualTo(TraceQLException.Kind.SYNTAX);
            assertThat(e.reason()).contains("nil");
          });
    }
  }

  // ------------------------------------------------------------------ operators and precedence

  @Nested
  @DisplayName("operators and precedence")
  class Operators {
    @ParameterizedTest(name = "{0} parses as {1}")
    @CsvSource(
        delimiterString = " ==> ",
        value = {
          // && and || share one level and associate left, unlike C
          "{ .a || .b && .c } ==> ((.a || .b) && .c)",
          "{ .a && .b || .c } ==> ((.a && .b) || .c)",
          "{ .a = 1 || .b = 2 && .c = 3 } ==> (((.a = 1) || (.b = 2)) && (.c = 3))",
          // comparisons bind tighter than && and associate left
          "{ .a = .b = .c } ==> ((.a = .b) = .c)",
          "{ .a + 1 > .b * 2 } ==> ((.a + 1) > (.b * 2))",
          // arithmetic
          "{ 1 + 2 * 3 = 7 } ==> ((1 + (2 * 3)) = 7)",
          "{ 1 - 2 - 3 = 0 } ==> (((1 - 2) - 3) = 0)",
          "{ 8 / 4 % 3 = 2 } ==> (((8 / 4) % 3) = 2)",
          "{ 2 ^ 3 ^ 2 = 1 } ==> ((2 ^ (3 ^ 2)) = 1)",
          "{ 2 * 3 ^ 2 = 1 } ==> ((2 * (3 ^ 2)) = 1)",
          // unary ! binds looser than * / % ^ but tighter than + - and comparisons
          "{ !.a * .b } ==> (!(.a * .b))",
          "{ !.a + .b } ==> ((!.a) + .b)",
          "{ !.a = .b } ==> ((!.a) = .b)",
          "{ !.a && .b } ==> ((!.a) && .b)",
          // unary - binds like binary + -
          "{ -.a * .b = 1 } ==> ((-(.a * .b)) = 1)",
          "{ -.a + .b = 1 } ==> (((-.a) + .b) = 1)",
          "{ -2 ^ 2 = 1 } ==> ((-(2 ^ 2)) = 1)",
          "{ 2 ^ -2 = 1 } ==> ((2 ^ -2) = 1)",
          "{ 1 - -1 = 2 } ==> ((1 - -1) = 2)",
          // parentheses
          "{ (.a || .b) && .c } ==> ((.a || .b) && .c)",
          "{ .a || (.b && .c) } ==> (.a || (.b && .c))",
          "{ (1 + 2) * 3 = 9 } ==> (((1 + 2) * 3) = 9)"
        })
    void fieldExpressionsFollowTemposPrecedence(String query, String expected) {
      assertThat(tree(filterExpr(query))).isEqualTo(expected);
      assertRoundTrip(query);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "'{ .a = 1 }', EQ", "'{ .a != 1 }', NEQ", "'{ .a > 1 }', GT", "'{ .a >= 1 }', GTE",
      "'{ .a < 1 }', LT", "'{ .a <= 1 }', LTE", "'{ .a =~ \"x\" }', REGEX", "'{ .a !~ \"x\" }', NOT_REGEX",
      "'{ .a + 1 }', ADD", "'{ .a - 1 }', SUB", "'{ .a * 1 }', MUL", "'{ .a / 1 }', DIV",
      "'{ .a % 1 }', MOD", "'{ .a ^ 1 }', POW", "'{ .a && .b }', AND", "'{ .a || .b }', OR"
    })
    void everyBinaryOperatorIsRecognised(String query, BinaryOp op) {
      assertThat(((BinaryExpr) filterExpr(query)).op()).isEqualTo(op);
    }

    @Test
    void unaryOperatorsAreRecognisedAndMinusBeforeANumberFoldsIntoTheLiteral() {
      assertThat(filterExpr("{ !.a }")).isEqualTo(new UnaryExpr(UnaryOp.NOT, attr(AttributeScope.NONE, "a"), Position.NONE));
      assertThat(((BinaryExpr) filterExpr("{ -.a = 1 }")).lhs())
          .isEqualTo(new UnaryExpr(UnaryOp.NEG, attr(AttributeScope.NONE, "a"), Position.NONE));
      assertThat(((BinaryExpr) filterExpr("{ .a = -1.5 }")).rhs()).isEqualTo(FloatLiteral.of(-1.5));
      assertThat(((BinaryExpr) filterExpr("{ .a = -1s }")).rhs()).isEqualTo(DurationLiteral.of(-1_000_000_000L));
      assertThat(((BinaryExpr) filterExpr("{ .a = -(1) }")).rhs())
          .isEqualTo(new UnaryExpr(UnaryOp.NEG, IntLiteral.of(1), Position.NONE));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
      "&&, AND", "||, UNION", ">, CHILD", "<, PARENT", ">>, DESCENDANT", "<<, ANCESTOR", "~, SIBLING",
      "!>, NOT_CHILD", "!<, NOT_PARENT", "!>>, NOT_DESCENDANT", "!<<, NOT_ANCESTOR", "!~, NOT_SIBLING",
      "&>, UNION_CHILD", "&<, UNION_PARENT", "&>>, UNION_DESCENDANT", "&<<, UNION_ANCESTOR", "&~, UNION_SIBLING"
    })
    void everySpansetOperatorIsRecognised(String symbol, SpansetOp op) {
      Query q = TraceQL.parse("{ .a } " + symbol + " { .b }");
      SpansetOperation o = (SpansetOperation) ((Pipeline) q.body()).stages().get(0);
      assertThat(o.op()).isEqualTo(op);
      assertThat(o.lhs()).isEqualTo(new SpansetFilter(attr(AttributeScope.NONE, "a"), Position.NONE));
      assertRoundTrip("{ .a } " + symbol + " { .b }");
    }

    @ParameterizedTest(name = "{0} parses as {1}")
    @CsvSource(
        delimiterString = " ==> ",
        value = {
          "{ .a } && { .b } > { .c } ==> ({.a} && ({.b} > {.c}))",
          "{ .a } > { .b } && { .c } ==> (({.a} > {.b}) && {.c})",
          "{ .a } || { .b } && { .c } ==> (({.a} || {.b}) && {.c})",
          "{ .a } >> { .b } ~ { .c } ==> (({.a} >> {.b}) ~ {.c})",
          "{ .a } >> ({ .b } ~ { .c }) ==> ({.a} >> ({.b} ~ {.c}))"
        })
    void structuralOperatorsBindTighterThanSpansetAndOr(String query, String expected) {
      Query q = TraceQL.parse(query);
      assertThat(spansetTree((SpansetExpr) ((Pipeline) q.body()).stages().get(0))).isEqualTo(expected);
      assertRoundTrip(query);
    }
  }

  // ------------------------------------------------------------------ pipelines

  @Nested
  @DisplayName("pipelines")
  class Pipelines {
    @Test
    void stagesAreKeptInOrder() {
      Query q = TraceQL.parse("{ .a } | by(.b) | count() > 2 | coalesce() | select(.c, span:id) | { .d }");
      List<?> stages = ((Pipeline) q.body()).stages();
      assertThat(stages).hasSize(6);
      assertThat(stages.get(1)).isEqualTo(new GroupBy(attr(AttributeScope.NONE, "b"), Position.NONE));
      assertThat(stages.get(2))
          .isEqualTo(new ScalarFilter(CompareOp.GT, new Aggregate(AggregateFunction.COUNT, null, Position.NONE), IntLiteral.of(2), Position.NONE));
      assertThat(stages.get(3)).isEqualTo(new Coalesce(Position.NONE));
      assertThat(stages.get(4))
          .isEqualTo(new Select(List.of(attr(AttributeScope.NONE, "c"), IntrinsicField.of(Intrinsic.SPAN_ID)), Position.NONE));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"'count() > 1', COUNT", "'avg(duration) > 1s', AVG", "'min(.a) < 2', MIN", "'max(.a) >= 3', MAX", "'sum(.a) != 4', SUM"})
    void everyAggregateCanBeFiltered(String filter, AggregateFunction fn) {
      Query q = TraceQL.parse("{ } | " + filter);
      ScalarFilter f = (ScalarFilter) ((Pipeline) q.body()).stages().get(1);
      assertThat(((Aggregate) f.lhs()).function()).isEqualTo(fn);
    }

    @Test
    void scalarExpressionsFollowArithmeticPrecedence() {
      ScalarFilter f = (ScalarFilter) ((Pipeline) TraceQL.parseWithoutValidation("count() + 2 * 3 ^ 2 > 1 - 2 - 3").body()).stages().get(0);
      assertThat(scalarTree(f.lhs())).isEqualTo("(count() + (2 * (3 ^ 2)))");
      assertThat(scalarTree(f.rhs())).isEqualTo("((1 - 2) - 3)");
    }

    @Test
    void parenthesisedPipelinesCombineWithSpansetOperators() {
      Query q = TraceQL.parse("({ .a } | count() > 1) >> ({ .b } | by(.c))");
      SpansetOperation op = (SpansetOperation) ((Pipeline) q.body()).stages().get(0);
      assertThat(op.op()).isEqualTo(SpansetOp.DESCENDANT);
      assertThat(op.lhs()).isInstanceOf(WrappedPipeline.class);
      assertThat(((WrappedPipeline) op.rhs()).pipeline().stages()).hasSize(2);
      assertRoundTrip("({ .a } | count() > 1) >> ({ .b } | by(.c))");
    }

    @Test
    void aParenthesisedPipelineAloneIsThePipelineItself() {
      assertThat(TraceQL.parse("({ .a } | count() > 1)")).isEqualTo(TraceQL.parse("{ .a } | count() > 1"));
    }

    @Test
    void scalarPipelinesAtTheRootParseButAreUnsupported() {
      Query q = TraceQL.parseWithoutValidation("({ .a } | count()) > ({ .b } | avg(duration))");
      ScalarFilter f = (ScalarFilter) ((Pipeline) q.body()).stages().get(0);
      assertThat(f.lhs()).isInstanceOf(ScalarPipeline.class);
      assertThatThrownBy(() -> TraceQL.parse("({ .a } | count()) > 3"))
          .isInstanceOfSatisfying(TraceQLException.class, e -> assertThat(e.kind()).isEqualTo(TraceQLException.Kind.UNSUPPORTED));
    }

    @Test
    void hintsAreCollectedFromEveryWithClause() {
      Query q = TraceQL.parse("{ } | rate() with(sample=0.1, exemplars=true) with(most_recent=\"x\")");
      assertThat(q.hints())
          .containsExactly(
              new Hint("sample", FloatLiteral.of(0.1), Position.NONE),
              new Hint("exemplars", BoolLiteral.of(true), Position.NONE),
              new Hint("most_recent", StringLiteral.of("x"), Position.NONE));
      assertThat(TraceQL.print(q)).isEqualTo("{} | rate() with(sample=0.1, exemplars=true, most_recent=\"x\")");
    }
  }

  // ------------------------------------------------------------------ metrics

  @Nested
  @DisplayName("metrics")
  class Metrics {
    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiterString = " ==> ",
        value = {
          "rate() ==> RATE",
          "count_over_time() ==> COUNT_OVER_TIME",
          "min_over_time(duration) ==> MIN_OVER_TIME",
          "max_over_time(span.x) ==> MAX_OVER_TIME",
          "avg_over_time(duration) ==> AVG_OVER_TIME",
          "sum_over_time(.bytes) ==> SUM_OVER_TIME",
          "histogram_over_time(duration) ==> HISTOGRAM_OVER_TIME",
          "quantile_over_time(duration, .5, 0.99, 1) ==> QUANTILE_OVER_TIME"
        })
    void everyMetricsFunctionIsRecognised(String function, MetricsFunction fn) {
      Query q = TraceQL.parse("{ status = error } | " + function + " by (resource.service.name, name)");
      MetricsQuery m = (MetricsQuery) q.body();
      MetricsAggregate a = (MetricsAggregate) m.firstStage();
      assertThat(a.function()).isEqualTo(fn);
      assertThat(a.by()).containsExactly(attr(AttributeScope.RESOURCE, "service.name"), IntrinsicField.of(Intrinsic.NAME));
      assertThat(q.isMetrics()).isTrue();
      assertRoundTrip("{ status = error } | " + function + " by (resource.service.name, name)");
    }

    @Test
    void quantilesAreCollectedAsDoubles() {
      MetricsAggregate a = (MetricsAggregate) ((MetricsQuery) TraceQL.parse("{} | quantile_over_time(duration, 0, .95, 1)").body()).firstStage();
      assertThat(a.quantiles()).containsExactly(0.0, 0.95, 1.0);
    }

    @Test
    void compareTakesAFilterAndOptionalTopNAndWindow() {
      assertThat(((MetricsQuery) TraceQL.parse("{} | compare({ status = error })").body()).firstStage())
          .isEqualTo(new Compare(new SpansetFilter(new BinaryExpr(BinaryOp.EQ, IntrinsicField.of(Intrinsic.STATUS), StatusLiteral.of(StatusCode.ERROR), Position.NONE), Position.NONE), 10, 0, 0, Position.NONE));
      assertThat(((Compare) ((MetricsQuery) TraceQL.parse("{} | compare({ .a }, 5)").body()).firstStage()).topN()).isEqualTo(5);
      Compare c = (Compare) ((MetricsQuery) TraceQL.parse("{} | compare({ .a }, 5, 100, 200)").body()).firstStage();
      assertThat(List.of(c.topN(), c.startNanos(), c.endNanos())).containsExactly(5L, 100L, 200L);
      assertRoundTrip("{} | compare({ .a }, 5, 100, 200)");
      assertRoundTrip("{} | compare({ .a }, 5)");
    }

    @Test
    void secondStagesAreKeptInOrder() {
      MetricsQuery m = (MetricsQuery) TraceQL.parse("{} | rate() by (name) > 1 | topk(5) <= 10 | bottomk(2)").body();
      assertThat(m.secondStages())
          .containsExactly(
              new MetricsFilter(CompareOp.GT, IntLiteral.of(1), Position.NONE),
              new TopK(false, 5, Position.NONE),
              new MetricsFilter(CompareOp.LTE, IntLiteral.of(10), Position.NONE),
              new TopK(true, 2, Position.NONE));
    }

    @Test
    void metricsFiltersAcceptNegativeNumbersDurationsAndConstantArithmetic() {
      assertThat(((MetricsQuery) TraceQL.parse("{} | rate() > -3").body()).secondStages())
          .containsExactly(new MetricsFilter(CompareOp.GT, IntLiteral.of(-3), Position.NONE));
      assertThat(((MetricsQuery) TraceQL.parse("{} | max_over_time(duration) > 10s").body()).secondStages())
          .containsExactly(new MetricsFilter(CompareOp.GT, DurationLiteral.of(10_000_000_000L), Position.NONE));
      MetricsFilter f = (MetricsFilter) ((MetricsQuery) TraceQL.parse("({} | rate()) > 1 / 2").body()).secondStages().get(0);
      assertThat(f.value()).isEqualTo(new ScalarBinary(ArithOp.DIV, IntLiteral.of(1), IntLiteral.of(2), Position.NONE));
    }

    @Test
    void aParenthesisedMetricsQueryAloneIsTheMetricsQueryItself() {
      assertThat(TraceQL.parse("({} | rate() > 6) > 5")).isEqualTo(TraceQL.parse("{} | rate() > 6 > 5"));
      assertThat(TraceQL.parse("(({} | rate()))")).isEqualTo(TraceQL.parse("{} | rate()"));
    }

    @ParameterizedTest(name = "{0} parses as {1}")
    @CsvSource(
        delimiterString = " ==> ",
        value = {
          "({} | rate()) + ({} | count_over_time()) * 2 ==> (rate + (count_over_time * 2))",
          "({} | rate()) * 2 + 1 ==> ((rate * 2) + 1)",
          "1 - 2 - ({} | rate()) ==> ((1 - 2) - rate)",
          "-100 * ({} | rate()) ==> (-100 * rate)",
          "(({} | rate()) + 1) / ({} | rate()) ==> ((rate + 1) / rate)",
          "({} | rate()) * -1.5 ==> (rate * -1.5)"
        })
    void arithmeticBetweenMetricsQueriesFollowsPrecedence(String query, String expected) {
      MetricsMathQuery m = (MetricsMathQuery) TraceQL.parse(query).body();
      assertThat(metricsTree(m.expression())).isEqualTo(expected);
      assertRoundTrip(query);
    }

    @Test
    void secondStagesAfterArithmeticApplyToTheResult() {
      MetricsMathQuery m = (MetricsMathQuery) TraceQL.parse("({} | rate()) + ({} | rate()) | topk(5) > 10").body();
      assertThat(m.secondStages())
          .containsExactly(new TopK(false, 5, Position.NONE), new MetricsFilter(CompareOp.GT, IntLiteral.of(10), Position.NONE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{} | rate() + 1", "({} | rate()) % 2", "({} | rate()) ^ 2", "({} | rate()) * 10s", "2 * 3", "{} | topk(3)"})
    void invalidMetricsArithmeticIsASyntaxError(String query) {
      assertThatThrownBy(() -> TraceQL.parse(query))
          .isInstanceOfSatisfying(TraceQLException.class, e -> assertThat(e.kind()).isEqualTo(TraceQLException.Kind.SYNTAX));
    }
  }

  // ------------------------------------------------------------------ printing, equality, positions

  @Nested
  @DisplayName("printing, equality and positions")
  class PrintingAndPositions {
    @ParameterizedTest(name = "{0} prints as {1}")
    @CsvSource(
        delimiterString = " ==> ",
        value = {
          "{true} ==> {}",
          "{ .a=1&&.b=\"x\" } ==> { .a = 1 && .b = \"x\" }",
          "{ span:duration > 1500ms } ==> { duration > 1s500ms }",
          "{ trace:rootService = `a\"b` } ==> { rootServiceName = \"a\\\"b\" }",
          "{ .\"a b\" = 1 } ==> { .\"a b\" = 1 }",
          "{ .a = -(1) } ==> { .a = -(1) }",
          "{ (-2) * 3 = .a } ==> { (-2) * 3 = .a }",
          "{ !(.a * 2) } ==> { !(.a * 2) }",
          "{ .a } >> ( { .b } || { .c } ) ==> { .a } >> ({ .b } || { .c })",
          "{}|rate()by(name)|topk(3) ==> {} | rate() by (name) | topk(3)",
          "{ .\"0x\" = 1 } ==> { .\"0x\" = 1 }",
          "{ parent.\"span.x\" = 1 } ==> { parent.\"span.x\" = 1 }"
        })
    void theCanonicalFormIsStableAndReparsesToAnEqualTree(String query, String canonical) {
      Query q = TraceQL.parseWithoutValidation(query);
      assertThat(TraceQL.print(q)).isEqualTo(canonical);
      assertThat(q.toString()).isEqualTo(canonical);
      assertThat(TraceQL.parseWithoutValidation(canonical)).isEqualTo(q);
    }

    @Test
    void treesThatDifferOnlyInPositionsAreEqual() {
      Query a = TraceQL.parse("{ .a = 1 }");
      Query b = TraceQL.parse("\n\n   {    .a   =   1   }");
      assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
      assertThat(a.position().sameLocation(b.position())).isFalse();
    }

    @Test
    void nodesCarryLineAndColumnOfWhereTheyWereWritten() {
      Query q = TraceQL.parse("{ .a = 1 }\n  && { span:id = \"x\" }");
      SpansetOperation op = (SpansetOperation) ((Pipeline) q.body()).stages().get(0);
      assertThat(op.position().line()).isEqualTo(2);
      assertThat(op.position().column()).isEqualTo(3);
      BinaryExpr rhs = (BinaryExpr) ((SpansetFilter) op.rhs()).expression();
      assertThat(rhs.lhs().position().line()).isEqualTo(2);
      assertThat(rhs.lhs().position().column()).isEqualTo(8);
      assertThat(rhs.rhs().position().column()).isEqualTo(18);
    }

    @Test
    void commentsAndWhitespaceAreIgnored() {
      assertThat(TraceQL.parse("/* x */ { .a = 1 } // trailing\n")).isEqualTo(TraceQL.parse("{ .a = 1 }"));
    }
  }
}
