package io.tracestore.core.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracestore.api.Span;
import io.tracestore.api.StatusCode;
import io.tracestore.storage.local.LocalObjectStore;
import io.tracestore.testing.WorkloadGenerator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DuckDB, an independent Parquet reader, reads our blocks and agrees on what they hold. */
class DuckDbReadsBlocksTest {
  @TempDir Path dir;

  @Test
  void duckDbCountsTheSameSpansTracesAndErrorSpans() throws Exception {
    List<Span> spans = WorkloadGenerator.generate(7, 30_000);
    BlockMeta meta;
    try (LocalObjectStore store = new LocalObjectStore(dir)) {
      meta = new BlockWriter(new BlockWriter.Options(10_000, 2_000, 10, 0.05, 3)).write(store, "t", spans);
    }
    Path file = dir.resolve(BlockWriter.dataKey("t", meta.blockId()));
    long traces = spans.stream().map(Span::traceId).distinct().count();
    long errors = spans.stream().filter(s -> s.statusCode() == StatusCode.ERROR).count();
    long events = spans.stream().mapToLong(s -> s.events().size()).sum();
    long rootSpans = spans.stream().filter(Span::isRoot).count();
    String route = meta.dedicatedSpanColumns().contains(DedicatedColumn.string("http.route")) ? "\"span.http.route\"" : "NULL";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT trace_id), count(*) FILTER (WHERE status_code = 2),"
            + " sum(coalesce(len(events), 0)), count(*) FILTER (WHERE parent_span_id IS NULL),"
            + " count(*) FILTER (WHERE nested_set_left < nested_set_right), count(" + route + ")"
            + " FROM read_parquet('" + file + "')")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).as("spans").isEqualTo(spans.size());
      assertThat(rs.getLong(2)).as("traces").isEqualTo(traces);
      assertThat(rs.getLong(3)).as("error spans").isEqualTo(errors);
      assertThat(rs.getLong(4)).as("events").isEqualTo(events);
      assertThat(rs.getLong(5)).as("root spans").isEqualTo(rootSpans);
      assertThat(rs.getLong(6)).as("well-formed nested sets").isEqualTo(spans.size());
      if (!route.equals("NULL")) {
        long withRoute = spans.stream().filter(s -> s.attributes().getString("http.route") != null).count();
        assertThat(rs.getLong(7)).as("dedicated column values").isEqualTo(withRoute);
      }
    }
  }

  @Test
  void duckDbSeesGenericAttributesAndTraceLevelColumns() throws Exception {
    List<Span> spans = WorkloadGenerator.generate(8, 5_000);
    BlockMeta meta;
    try (LocalObjectStore store = new LocalObjectStore(dir)) {
      meta = new BlockWriter(BlockWriter.Options.DEFAULT).write(store, "t", spans);
    }
    Path file = dir.resolve(BlockWriter.dataKey("t", meta.blockId()));
    java.util.Set<String> longColumns = new java.util.HashSet<>();
    for (DedicatedColumn c : meta.dedicatedSpanColumns()) {
      if (c.type() == io.tracestore.api.AttributeValue.Type.LONG) {
        longColumns.add(c.key());
      }
    }
    assertThat(longColumns).as("the generator's frequent long attributes get typed columns").isNotEmpty();
    // long values of keys without a LONG column stay in the generic list
    long longAttrs = spans.stream().mapToLong(s -> s.attributes().asList().stream()
        .filter(a -> a.value() instanceof io.tracestore.api.AttributeValue.LongValue && !longColumns.contains(a.key())).count()).sum();
    String anyLong = longColumns.iterator().next();
    long withAnyLong = spans.stream().filter(s -> s.attributes().get(anyLong)
        .filter(v -> v instanceof io.tracestore.api.AttributeValue.LongValue).isPresent()).count();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(\"span." + anyLong + "\"), typeof(any_value(\"span." + anyLong + "\")) FROM read_parquet('" + file + "')")) {
      rs.next();
      assertThat(rs.getLong(1)).as("values in the typed column span.%s", anyLong).isEqualTo(withAnyLong);
      assertThat(rs.getString(2)).isEqualTo("BIGINT");
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM (SELECT unnest(span_attrs) AS a FROM read_parquet('" + file
            + "')) WHERE a.type = 1")) {
      rs.next();
      assertThat(rs.getLong(1)).as("long-typed span attributes").isEqualTo(longAttrs);
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet('" + file
            + "') WHERE trace_duration_nano < duration_nano OR start_unix_nano < trace_start_unix_nano")) {
      rs.next();
      assertThat(rs.getLong(1)).as("rows whose trace-level columns contradict the span").isZero();
    }
  }
}
