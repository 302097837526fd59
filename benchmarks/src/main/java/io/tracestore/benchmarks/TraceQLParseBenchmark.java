package io.tracestore.benchmarks;

import io.tracestore.traceql.TraceQL;
import io.tracestore.traceql.ast.Query;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parse + validate time of TraceQL queries ({@link TraceQL#parse(String)}).
 *
 * <p>Staged in traceql/src/jmh-staging (not compiled by Maven); move to the benchmarks module.
 * Rough numbers from a throwaway loop on the 2-core dev box (JDK 17, warm): about 7-10 µs/op for
 * the two short queries and about 130-160 µs/op for the ~2 KiB one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TraceQLParseBenchmark {

  @Param({"filter", "metrics", "generated2k"})
  public String shape;

  private String query;

  @Setup
  public void setUp() {
    query =
        switch (shape) {
          case "filter" -> "{ resource.service.name = \"checkout\" && duration > 2s && status = error }";
          case "metrics" ->
              "{ resource.service.name = \"checkout\" && name = \"db.query\" }"
                  + " | quantile_over_time(duration, .95)";
          default -> generated(2048);
        };
    TraceQL.parse(query); // fail fast if the query is not valid
  }

  /** A ~{@code size}-character query: a long filter of ANDs/ORs, grouping and a scalar filter. */
  static String generated(int size) {
    StringBuilder sb = new StringBuilder("{ ");
    int i = 0;
    while (sb.length() < size - 60) {
      if (i > 0) {
        sb.append(i % 3 == 0 ? " || " : " && ");
      }
      sb.append("span.attr").append(i).append(" = \"value-").append(i).append('"');
      i++;
    }
    return sb.append(" } | by(resource.service.name) | count() > 2").toString();
  }

  @Benchmark
  public Query parseAndValidate() {
    return TraceQL.parse(query);
  }
}
