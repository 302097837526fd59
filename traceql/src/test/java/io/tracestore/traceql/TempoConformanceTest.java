package io.tracestore.traceql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tracestore.traceql.ast.Query;
import java.io.IOException;




import java.util.ArrayList;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs Grafana Tempo's TraceQL conformance examples (pkg/traceql/test_examples.yaml, AGPL test
 * data kept outside this repository) against the parser and validator.
 *
 * <p>The file is read at test time from {@code ../../shared/conformance/} relative to the module
 * directory, or from the path in the system property {@code tracestore.conformance}. When it is
 * absent the tests are skipped. No query text from the file is copied into this repository; cases
 * are referred to by category and index.
 */
@DisplayName("Tempo TraceQL conformance examples")
class TempoConformanceTest {
  /**
   * Cases that deliberately behave differently from Tempo, by "category#index" (0-based within
   * the category), each with the reason. Empty: every case matches.
   */
  private static final Map<String, String> EXCLUSIONS = Map.of();

  @TestFactory
  @DisplayName("every valid query parses and validates, and round-trips through the printer")
  Stream<DynamicTest> validQueries() {
    return cases("valid").map(c -> DynamicTest.dynamicTest(c.name("parses, validates and round-trips"), () -> {
      Query q = TraceQL.parse(c.query);
      assertRoundTrip(q);
    }));
  }

  @TestFactory
  @DisplayName("every parse_fails query is a syntax error")
  Stream<DynamicTest> parseFailures() {
    return cases("parse_fails").map(c -> DynamicTest.dynamicTest(c.name("is a syntax error"), () -> {
      TraceQLException e =
          catchThrowableOfType(() -> TraceQL.parse(c.query), TraceQLException.class);
      assertThat(e).as("expected a syntax error for %s", c.query).isNotNull();
      assertThat(e.kind()).as(e.getMessage()).isEqualTo(TraceQLException.Kind.SYNTAX);
      assertThat(e.line()).isPositive();
      assertThat(e.column()).isPositive();
    }));
  }

  @TestFactory
  @DisplayName("every validate_fails query parses but fails validation")
  Stream<DynamicTest> validationFailures() {
    return cases("validate_fails").map(c -> DynamicTest.dynamicTest(c.name("parses but is invalid"), () -> {
      assertThatCode(() -> TraceQL.parseWithoutValidation(c.query)).doesNotThrowAnyException();
      TraceQLException e =
          catchThrowableOfType(() -> TraceQL.parse(c.query), TraceQLException.class);
      assertThat(e).as("expected a validation error for %s", c.query).isNotNull();
      assertThat(e.kind()).as(e.getMessage()).isEqualTo(TraceQLException.Kind.INVALID);
    }));
  }

  @TestFactory
  @DisplayName("every unsupported query parses, is reported as unsupported and round-trips")
  Stream<DynamicTest> unsupportedQueries() {
    return cases("unsupported").map(c -> DynamicTest.dynamicTest(c.name("is unsupported"), () -> {
      Query q = TraceQL.parseWithoutValidation(c.query);
      TraceQLException e =
          catchThrowableOfType(() -> TraceQL.parse(c.query), TraceQLException.class);
      assertThat(e).as("expected an unsupported error for %s", c.query).isNotNull();
      assertThat(e.kind()).as(e.getMessage()).isEqualTo(TraceQLException.Kind.UNSUPPORTED);
      assertRoundTrip(q);
    }));
  }

  @Test
  @DisplayName("the conformance file has the 463 cases its SOURCE.txt describes")
  void theFileHasTheExpectedNumberOfCases() throws IOException {
    Map<String, List<String>> all = ConformanceFile.load();
    assumeTrue(all != null, "conformance file not found");
    int total = all.values().stream().mapToInt(List::size).sum();
    assertThat(all.get("valid")).hasSize(284);
    assertThat(all.get("parse_fails")).hasSize(87);
    assertThat(all.get("validate_fails")).hasSize(70);
    assertThat(all.get("unsupported")).hasSize(22);
    assertThat(total).isEqualTo(463);
  }

  private static void assertRoundTrip(Query q) {
    String printed = TraceQL.print(q);
    Query again = TraceQL.parseWithoutValidation(printed);
    assertThat(again).as("round trip through %s", printed).isEqualTo(q);
    assertThat(TraceQL.print(again)).isEqualTo(printed);
  }

  // ------------------------------------------------------------------ loading the YAML

  private record Case(String category, int index, String query) {
    String name(String verb) {
      return category + " #" + index + " " + verb + ": " + query.replace("\n", "\\n").replace("\t", "\\t");
    }
  }

  private static Stream<Case> cases(String category) {
    Map<String, List<String>> all;
    try {
      all = ConformanceFile.load();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    assumeTrue(all != null, "conformance file not found; set -Dtracestore.conformance=PATH");
    List<String> queries = all.getOrDefault(category, List.of());
    List<Case> out = new ArrayList<>();
    for (int i = 0; i < queries.size(); i++) {
      if (!EXCLUSIONS.containsKey(category + "#" + i)) {
        out.add(new Case(category, i, queries.get(i)));
      }
    }
    return out.stream();
  }
}
