package io.tracestore.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which spans each construct selects, on the hand-built traces of {@link Fixtures} (ids 1-8 in
 * trace 1, 21-24 in trace 2 with two roots, 31-32 in trace 3 without a root).
 */
@DisplayName("A search selects exactly the spans")
class SpanSelectionTest {
  private static final String ALL = "1 2 3 4 5 6 7 8 21 22 23 24 31 32";
  private final SearchEngine engine = new SearchEngine();

  private void check(String query, String expected) {
    List<Long> want = new ArrayList<>();
    String e = expected.equals("ALL") ? ALL : expected;
    if (!e.equals("-")) {
      for (String id : e.trim().split("\\s+")) {
        want.add(Long.parseLong(id));
      }
    }
    List<Long> got = Fixtures.spanIds(engine.search(Fixtures.all(query), Fixtures.source(Fixtures.all())));
    assertThat(got).as(query).isEqualTo(want);
  }

  @DisplayName("of comparisons on ints, floats, strings and booleans")
  @ParameterizedTest(name = "{0} selects {1}")
  @CsvSource(delimiterString = "=>", textBlock = """
      { span.http.status_code = 500 }      => 2
      { span.http.status_code != 500 }     => 3
      { span.http.status_code > 200 }      => 2
      { span.http.status_code >= 200 }     => 2 3
      { span.http.status_code < 500 }      => 3
      { span.http.status_code <= 500 }     => 2 3
      { span.http.status_code = 500.0 }    => 2
      { span.ratio = 0.5 }                 => 2
      { span.ratio != 0.5 }                => 3
      { span.ratio > 1 }                   => 3
      { span.ratio >= 0.5 }                => 2 3
      { span.ratio < 1.5 }                 => 2
      { span.ratio <= 1.5 }                => 2 3
      { span.http.route = "/cart" }        => 2
      { span.http.route != "/cart" }       => 3
      { span.http.route > "/cart" }        => 3
      { span.http.route >= "/cart" }       => 2 3
      { span.http.route < "/checkout" }    => 2
      { span.http.route <= "/cart" }       => 2
      { span.flag = true }                 => 2
      { span.flag != true }                => 3
      { span.flag }                        => 2
      { !span.flag }                       => 3
      { span.http.route = 500 }            => -
      { span.http.route != 500 }           => -
      { true }                             => ALL
      { false }                            => -
      {}                                   => ALL
      """)
  void ofComparisons(String query, String expected) {
    check(query, expected);
  }

  @DisplayName("of comparisons on durations, statuses, kinds and the other span intrinsics")
  @ParameterizedTest(name = "{0} selects {1}")
  @CsvSource(delimiterString = "=>", textBlock = """
      { duration > 250ms }                 => 1 3
      { duration = 200ms }                 => 2
      { duration != 100ms }                => 1 2 3 4 7 8 22 23 24 31 32
      { duration < 20ms }                  => 8 23 24 31 32
      { duration <= 20ms }                 => 7 8 23 24 31 32
      { duration >= 300ms }                => 1 3
      { duration > 250000000 }             => 1 3
      { duration > 0.25e9 }                => 1 3
      { span:duration > 250ms }            => 1 3
      { status = error }                   => 2
      { status = ok }                      => 3
      { status = unset }                   => 1 4 5 6 7 8 21 22 23 24 31 32
      { status != unset }                  => 2 3
      { span:status = error }              => 2
      { kind = server }                    => 1 3
      { kind = client }                    => 2 4 8
      { kind = internal }                  => 5 6
      { kind = unspecified }               => 7 21 22 23 24 31 32
      { kind != client }                   => 1 3 5 6 7 21 22 23 24 31 32
      { span:kind = server }               => 1 3
      { statusMessage = "boom" }           => 2
      { span:statusMessage != "" }         => 2
      { name = "cart" }                    => 2
      { span:name = "db" }                 => 4 8
      { span:id = "0000000000000003" }     => 3
      { span:parentID = "0000000000000003" } => 5 6
      { span:childCount = 2 }              => 1 3
      { span:childCount = 1 }              => 2 7 21 22 31
      { nestedSetLeft = 1 }                => 1 21 31
      { nestedSetParent = -1 }             => 1 7 21 22 31
      { nestedSetRight = 16 }              => 7
      """)
  void ofSpanIntrinsics(String query, String expected) {
    check(query, expected);
  }

  @DisplayName("of trace-level intrinsics (the earliest true root; empty text without one)")
  @ParameterizedTest(name = "{0} selects {1}")
  @CsvSource(delimiterString = "=>", textBlock = """
      { trace:id = "00000000000000000000000000000002" } => 21 22 23 24
      { trace:rootName = "r1" }            => 21 22 23 24
      { rootName = "root" }                => 1 2 3 4 5 6 7 8
      { trace:rootService = "frontend" }   => 1 2 3 4 5 6 7 8 21 22 23 24
      { rootServiceName = "" }             => 31 32
      { trace:duration >= 1s }             => 1 2 3 4 5 6 7 8
      { traceDuration < 1s }               => 21 22 23 24 31 32
      """)
  void ofTraceIntrinsics(String query, String expected) {
    check(query, expected);
  }

  @DisplayName("of fully anchored regular expressions")
  @ParameterizedTest(name = "{0} selects {1}")
  @CsvSource(delimiterString = "=>", textBlock = """
      { name =~ "ca.*" }                   => 2
      { name =~ "art" }                    => -
      { name =~ ".*art" }                  => 2
      { name =~ "cart|db" }                => 2 4 8
      { name =~ "c" }                      => -
      { name !~ "c.*" }                    => 1 4 5 6 7 8 21 22 31
      { span.http.status_code =~ "5.*" }   => -
      { span.http.route !~ "/c.*" }        => -
      { span.http.route =~ `/c[a-z]+t` }   => 2 3
      { span.http.route =~ `/ca[a-z]t` }   => 2
      """)
  void ofRegexes(String query, String expected) {
    check(query, expected);
  }

  @DisplayName("of nil, arrays and missing attributes")
  @ParameterizedTest(name = "{0} selects {1}")
  @CsvSource(delimiterString = "=>", textBlock = """
      { span.http.route = nil }            => 1 4 5 6 7 8 21 22 23 24 31 32
      { span.http.route != nil }           => 2 3
      { nil != nil }                       => -
      { nil = nil }                        => ALL
      { span.missing != "x" }              => -
      { span.missing = nil }               => ALL
      { span.tags = "a" }                  => 2
      { span.tags != "a" }                 => 3
      { span.tags =~ "[ab]" }              => 2
      { span.tags !~ "a" }                 => 3
      { span.nums > 2 }                    => 4
      { span.nums = 5 }                    => -
      { span.nums != 5 }                   => 4
      """)
  void ofNilAndArrays(String query, String expected) {
    check(query, expected);
  }

  @DisplayName("of scopes: unscoped falls back from span to resource; event, link and instrumentation")
  @ParameterizedTest(name = "{0} selects {1}")
  @CsvSource(delimiterString = "=>", textBlock = """
      { .deployment.environment = "staging" }     => 3
      { .deployment.environment = "prod" }        => 1 2 4 5 6 7 8 21 22 23 24 31 32
      { resource.deployment.environment = "prod" } => ALL
      { span.deployment.environment = "prod" }    => -
      { .service.name = "checkout" }              => 3 5 6
      { resource.service.name = "postgres" }      => 4 8
      { event.exception.type = "IOError" }        => 5
      { event:name = "retry" }                    => 5
      { event:name = "exception" && event.attempt = 2 } => -
      { event:name = "retry" && event.attempt = 2 }     => 5
      { event:timeSinceStart > 20ms }             => 5
      { event:timeSinceStart > 60ms }             => -
      { event.exception.type != "IOError" }       => -
      { link.relation = "follows" }               => 6
      { link:traceID = "00000000000000000000000000000abc" } => 6
      { link:spanID = "0000000000000def" }        => 6
      { instrumentation.lib.lang = "java" }       => 2
      { instrumentation:name = "io.opentelemetry.jdbc" } => 2
      { instrumentation:version = "1.2.0" }       => 2
      """)
  void ofScopes(String query, String expected) {
    check(query, expected);
  }

  @DisplayName("of arithmetic and boolean logic inside a filter")
  @ParameterizedTest(name = "{0} selects {1}")
  @CsvSource(delimiterString = "=>", textBlock = """
      { span.http.status_code + 1 = 501 }  => 2
      { span.http.status_code - 100 = 400 } => 2
      { span.http.status_code * 2 = 400 }  => 3
      { span.http.status_code / 100 = 5 }  => 2
      { span.http.status_code % 7 = 3 }    => 2
      { span.http.status_code ^ 2 = 40000 } => 3
      { -span.http.status_code = -500 }    => 2
      { span.ratio * 2 = 3 }               => 3
      { duration * 2 > 500ms }             => 1 3
      { 1 + 1 = 2 && name = "db" }         => 4 8
      { 2 ^ 10 = 1024 && name = "db" }     => 4 8
      { span.http.status_code = 500 || name = "db" } => 2 4 8
      { kind = server && status = ok }     => 3
      { !(name = "db") && resource.service.name = "postgres" } => -
      { !(span.http.status_code = 500) && kind = client } => 4 8
      """)
  void ofArithmeticAndLogic(String query, String expected) {
    check(query, expected);
  }

  @DisplayName("of structural operators, their union and negated forms, with orphans and several roots")
  @ParameterizedTest(name = "{0} selects {1}")
  @CsvSource(delimiterString = "=>", textBlock = """
      { name = "root" } > { }              => 2 3
      { name = "root" } >> { }             => 2 3 4 5 6
      { name = "root" } >> { name = "db" } => 4
      { name = "late" } > { name = "db" }  => 8
      { name = "db" } < { }                => 2 7
      { name = "db" } << { }               => 1 2 7
      { name = "pay" } ~ { }               => 6
      { name = "cart" } ~ { }              => 3
      { name = "root" } ~ { }              => -
      { name = "r1" } ~ { }                => -
      { name = "r1" } >> { }               => 23
      { name = "orphan" } > { }            => 32
      { } < { name = "orphan" }            => 31
      { name = "orphan" } << { }           => -
      { name = "root" } !> { }             => 1 4 5 6 7 8 21 22 23 24 31 32
      { name = "root" } !>> { trace:id = "00000000000000000000000000000001" } => 1 7 8
      { name = "db" } !< { trace:id = "00000000000000000000000000000001" }    => 1 3 4 5 6 8
      { name = "db" } !<< { trace:id = "00000000000000000000000000000001" }   => 3 4 5 6 8
      { name = "pay" } !~ { trace:id = "00000000000000000000000000000001" }   => 1 2 3 4 5 7 8
      { name = "nothing" } !> { name = "db" } => 4 8
      { name = "root" } &> { name = "cart" } => 1 2
      { name = "root" } &>> { name = "db" } => 1 4
      { name = "db" } &< { name = "cart" } => 2 4
      { name = "db" } &<< { }              => 1 2 4 7 8
      { name = "pay" } &~ { name = "ship" } => 5 6
      { name = "pay" } &~ { name = "db" }  => -
      { name = "root" } > { } > { }        => 4 5 6
      { name = "checkout" } > { name = "pay" } || { name = "cart" } => 2 5
      """)
  void ofStructuralOperators(String query, String expected) {
    check(query, expected);
  }

  @DisplayName("of spanset && and ||")
  @ParameterizedTest(name = "{0} selects {1}")
  @CsvSource(delimiterString = "=>", textBlock = """
      { name = "cart" } && { name = "db" }      => 2 4 8
      { name = "cart" } && { name = "nothing" } => -
      { name = "cart" } || { name = "nothing" } => 2
      { name = "cart" } || { name = "r1" }      => 2 21
      ({ name = "cart" } | count() = 1) && ({ name = "db" }) => 2 4 8
      """)
  void ofSpansetLogic(String query, String expected) {
    check(query, expected);
  }
}
