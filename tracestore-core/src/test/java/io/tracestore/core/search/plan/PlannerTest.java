package io.tracestore.core.search.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.core.block.BlockSchema;
import io.tracestore.traceql.TraceQL;
import io.tracestore.traceql.ast.BinaryOp;
import io.tracestore.traceql.ast.Pipeline;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The planner")
class PlannerTest {
  private static TraceCondition plan(String q) {
    return Planner.condition((Pipeline) TraceQL.parse(q).body());
  }

  private static final SpanPredicate ERROR =
      new SpanPredicate.NumberTest(new SpanPredicate.Column(BlockSchema.STATUS_CODE), BinaryOp.EQ, 2, true);
  private static final SpanPredicate CHECKOUT =
      new SpanPredicate.StringTest(new SpanPredicate.AttributeField(true, "service.name"), new StringMatcher.Equals("checkout"));

  @Test
  @DisplayName("turns a filter into 'some span satisfies its predicate'")
  void filter() {
    assertThat(plan("{ resource.service.name = \"checkout\" && status = error }"))
        .isEqualTo(new TraceCondition.Exists(new SpanPredicate.And(List.of(CHECKOUT, ERROR))));
  }

  @Test
  @DisplayName("needs both sides of && and of structural operators, either side of ||, the right side of negated ones")
  void spansetOperators() {
    TraceCondition both = new TraceCondition.AllOf(List.of(new TraceCondition.Exists(CHECKOUT), new TraceCondition.Exists(ERROR)));
    assertThat(plan("{ resource.service.name = \"checkout\" } > { status = error }")).isEqualTo(both);
    assertThat(plan("{ resource.service.name = \"checkout\" } && { status = error }")).isEqualTo(both);
    assertThat(plan("{ resource.service.name = \"checkout\" } &>> { status = error }")).isEqualTo(both);
    assertThat(plan("{ resource.service.name = \"checkout\" } || { status = error }"))
        .isEqualTo(new TraceCondition.AnyOf(List.of(new TraceCondition.Exists(CHECKOUT), new TraceCondition.Exists(ERROR))));
    assertThat(plan("{ resource.service.name = \"checkout\" } !> { status = error }")).isEqualTo(new TraceCondition.Exists(ERROR));
  }

  @Test
  @DisplayName("gives no condition when a side cannot be translated, and keeps the first stage of a pipeline")
  void untranslatable() {
    assertThat(plan("{ }")).isEqualTo(TraceCondition.ANY);
    assertThat(plan("{ span.a + 1 > 2 }")).isEqualTo(TraceCondition.ANY);
    assertThat(plan("{ !(status = error) }")).isEqualTo(TraceCondition.ANY);
    assertThat(plan("{ status = error || span.a * 2 = 4 }")).isEqualTo(TraceCondition.ANY);
    assertThat(plan("{ } || { status = error }")).isEqualTo(TraceCondition.ANY);
    assertThat(plan("{ status = error } | by(name) | count() > 2")).isEqualTo(new TraceCondition.Exists(ERROR));
    assertThat(plan("{ status = error && trace:duration > 1s }")).isEqualTo(new TraceCondition.Exists(ERROR));
  }

  @Test
  @DisplayName("asks for n + 1 matching spans when count() > n follows the filter")
  void countBound() {
    assertThat(plan("{ status = error } | count() > 2")).isEqualTo(new TraceCondition.Exists(ERROR, 3));
    assertThat(plan("{ status = error } | count() >= 2")).isEqualTo(new TraceCondition.Exists(ERROR, 2));
    assertThat(plan("{ } | count() > 3")).isEqualTo(new TraceCondition.Exists(SpanPredicate.TRUE, 4));
    assertThat(plan("{ status = error } | count() < 2")).isEqualTo(new TraceCondition.Exists(ERROR));
  }

  @Test
  @DisplayName("looks up an unscoped attribute on the span or the resource, and flips a literal on the left")
  void unscopedAndFlipped() {
    SpanPredicate.NumberTest span = new SpanPredicate.NumberTest(new SpanPredicate.AttributeField(false, "x"), BinaryOp.LT, 3, true);
    SpanPredicate.NumberTest resource = new SpanPredicate.NumberTest(new SpanPredicate.AttributeField(true, "x"), BinaryOp.LT, 3, true);
    assertThat(plan("{ 3 > .x }")).isEqualTo(new TraceCondition.Exists(new SpanPredicate.Or(List.of(span, resource))));
  }

  @Test
  @DisplayName("rewrites plain regexes to equality, sets, prefixes and substrings")
  void regexRewrites() {
    assertThat(StringMatcher.regex("^(checkout)$")).isEqualTo(new StringMatcher.Equals("checkout"));
    assertThat(StringMatcher.regex("a|b|c")).isEqualTo(new StringMatcher.In(Set.of("a", "b", "c")));
    assertThat(StringMatcher.regex(".*")).isEqualTo(new StringMatcher.Any());
    assertThat(StringMatcher.regex("/api/.*")).isEqualTo(new StringMatcher.Prefix("/api/"));
    assertThat(StringMatcher.regex(".*abc.*")).isEqualTo(new StringMatcher.Contains("abc"));
    assertThat(StringMatcher.regex("a.c")).isInstanceOf(StringMatcher.Regex.class);
    assertThat(StringMatcher.regex("a.c").test("abc")).isTrue();
    assertThat(StringMatcher.regex("a.c").test("abcd")).isFalse();
  }

  @Test
  @DisplayName("negates only exact regex rewrites, so !~ never drops a span it should keep")
  void negatedRegex() {
    TraceCondition c = plan("{ span.r !~ \"/api/.*\" }");
    SpanPredicate.StringTest t = (SpanPredicate.StringTest) ((TraceCondition.Exists) c).predicate();
    StringMatcher.Not not = (StringMatcher.Not) t.matcher();
    assertThat(not.inner()).isInstanceOf(StringMatcher.Regex.class);
    assertThat(t.matcher().test("/api/\n")).isTrue(); // RE2's . does not match a newline: !~ holds
  }
}
