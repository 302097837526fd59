package io.tracestore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void theDemoStoresTracesLooksThemUpAndLeavesAStoreTheOtherCommandsRead() throws Exception {
    Path store = dir.resolve("demo");
    Run demo = run("demo", "--spans", "20000", "--store", store.toString());
    assertThat(demo.exit()).as(demo.err()).isZero();
    assertThat(demo.out()).contains("appended", "spans/s", "bytes/span", "trace by id", "an error trace:", "ERROR");

    Run blocks = run("blocks", "--store", store.toString());
    assertThat(blocks.exit()).as(blocks.err()).isZero();
    Matcher m = Pattern.compile("(\\d+) blocks, (\\d+) spans").matcher(blocks.out());
    assertThat(m.find()).as(blocks.out()).isTrue();
    assertThat(Long.parseLong(m.group(2))).isGreaterThanOrEqualTo(20_000);

    Matcher id = Pattern.compile("trace --store \\S+ ([0-9a-f]{32})").matcher(demo.out());
    assertThat(id.find()).isTrue();
    Run trace = run("trace", "--store", store.toString(), id.group(1));
    assertThat(trace.exit()).as(trace.err()).isZero();
    assertThat(trace.out()).startsWith("trace " + id.group(1)).contains("ERROR");

    Run verify = run("verify", "--store", store.toString());
    assertThat(verify.exit()).as(verify.err()).isZero();
    assertThat(verify.out()).contains("0 damaged");
  }

  @Test
  void verifyReportsAFlippedByteInABlockWithExitCodeOne() throws Exception {
    Path store = dir.resolve("flip");
    assertThat(run("demo", "--spans", "2000", "--store", store.toString()).exit()).isZero();
    Path data;
    try (Stream<Path> files = Files.walk(store.resolve("data"))) {
      data = files.filter(p -> p.getFileName().toString().equals("data.parquet")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 3] ^= 0x10;
    Files.write(data, bytes);
    Run verify = run("verify", "--store", store.toString());
    assertThat(verify.exit()).isEqualTo(1);
    assertThat(verify.err()).contains("DAMAGED block", "CRC32C");
  }

  @Test
  void badInputIsAOneLineUserErrorWithExitCodeOne() {
    Run badId = run("trace", "--store", dir.toString(), "not-hex");
    assertThat(badId.exit()).isEqualTo(1);
    assertThat(badId.err().strip()).startsWith("tracestore: ").doesNotContain("\n").contains("32 hex digits");
    Run missing = run("blocks", "--store", dir.resolve("nope").toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("no store at");
    Run unknown = run("frobnicate");
    assertThat(unknown.exit()).isEqualTo(1);
    Run notFound = run("trace", "--store", dir.toString(), "0af7651916cd43dd8448eb211c80319c");
    assertThat(notFound.exit()).isEqualTo(1);
    assertThat(notFound.err()).contains("not found");
  }

  @Test
  void anInvalidQueryIsAOneLineErrorWithItsPosition() {
    Path store = dir.resolve("q");
    assertThat(run("demo", "--spans", "500", "--store", store.toString()).exit()).isZero();
    Run bad = run("query", "--store", store.toString(), "{ .a = }");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err().strip()).contains("line 1, col 8").doesNotContain("\n");
    Run neither = run("query", "--store", store.toString());
    assertThat(neither.exit()).isEqualTo(1);
    assertThat(neither.err()).contains("QUERY or -f FILE");
  }

  @Test
  void timesAreReadAsRfc3339UnixSecondsOrRelative() {
    java.time.Instant now = java.time.Instant.parse("2026-11-22T12:00:00Z");
    long nowNanos = now.getEpochSecond() * 1_000_000_000L;
    assertThat(TimeArgument.parse("now", now)).isEqualTo(nowNanos);
    assertThat(TimeArgument.parse("-1h", now)).isEqualTo(nowNanos - 3_600_000_000_000L);
    assertThat(TimeArgument.parse("1795000000.5", now)).isEqualTo(1_795_000_000_500_000_000L);
    assertThat(TimeArgument.parse("2026-11-22T11:00:00Z", now)).isEqualTo(nowNanos - 3_600_000_000_000L);
    assertThat(TimeArgument.parse("2026-11-22T13:00:00+01:00", now)).isEqualTo(nowNanos);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TimeArgument.parse("yesterday", now))
        .hasMessageContaining("RFC 3339");
  }

  @Test
  void everyDemoQueryIsValidTraceQL() {
    for (String q : DemoCommand.QUERIES) {
      io.tracestore.traceql.TraceQL.parse(q);
    }
  }

  private static byte[] gzip(byte[] data) throws java.io.IOException {
    java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bos)) {
      gz.write(data);
    }
    return bos.toByteArray();
  }

  @Test
  void ingestStoresOtlpJsonAndProtobufFilesAndReportsABadFileWithoutStoppingTheOthers() throws Exception {
    java.util.List<io.tracestore.api.Span> a = io.tracestore.testing.WorkloadGenerator.generate(1, 300);
    java.util.List<io.tracestore.api.Span> b = io.tracestore.testing.WorkloadGenerator.generate(2, 300);
    java.util.List<io.tracestore.api.Span> c = io.tracestore.testing.WorkloadGenerator.generate(3, 300);
    Path json = dir.resolve("a.json");
    Files.write(json, io.tracestore.core.otlp.OtlpJson.encode(a));
    Path pb = dir.resolve("b.binpb.gz");
    Files.write(pb, gzip(io.tracestore.core.otlp.OtlpProtobuf.encode(b)));
    Path broken = dir.resolve("broken.pb");
    byte[] bad = io.tracestore.core.otlp.OtlpProtobuf.encode(c);
    Files.write(broken, java.util.Arrays.copyOf(bad, bad.length / 2));
    Path store = dir.resolve("ingested");
    Run ingest = run("ingest", "--store", store.toString(), json.toString(), broken.toString(), pb.toString());
    assertThat(ingest.exit()).isEqualTo(1);
    assertThat(ingest.out()).contains("ok " + json + " " + a.size(), "ok " + pb + " " + b.size()).doesNotContain("ok " + broken);
    assertThat(ingest.err()).contains(broken.toString()).containsPattern("offset \\d+");
    try (io.tracestore.api.TraceStore s = io.tracestore.core.TraceStores.open(store)) {
      assertThat(s.findTrace(a.get(0).traceId())).isPresent();
      assertThat(s.findTrace(b.get(0).traceId())).isPresent();
      assertThat(s.findTrace(c.get(0).traceId())).isEmpty();
    }
  }

  @Test
  void aTracePrintedAsJsonIngestsBackIntoAnotherStoreUnchanged() throws Exception {
    Path first = dir.resolve("first");
    assertThat(run("demo", "--spans", "2000", "--store", first.toString()).exit()).isZero();
    Run q = run("query", "--store", first.toString(), "--format", "jsonl", "{ status = error }");
    assertThat(q.exit()).as(q.err()).isZero();
    Matcher m = Pattern.compile("\"traceID\":\"([0-9a-f]{32})\"").matcher(q.out());
    assertThat(m.find()).as(q.out()).isTrue();
    String id = m.group(1);
    Run json = run("trace", "--store", first.toString(), "--format", "json", id);
    assertThat(json.exit()).as(json.err()).isZero();
    Path file = dir.resolve("trace.json");
    Files.writeString(file, json.out());
    Path second = dir.resolve("second");
    assertThat(run("ingest", "--store", second.toString(), file.toString()).exit()).isZero();
    io.tracestore.api.TraceId traceId = io.tracestore.api.TraceId.fromHex(id);
    try (io.tracestore.api.TraceStore s1 = io.tracestore.core.TraceStores.open(first);
        io.tracestore.api.TraceStore s2 = io.tracestore.core.TraceStores.open(second)) {
      assertThat(s2.findTrace(traceId)).isEqualTo(s1.findTrace(traceId)).isPresent();
    }
  }

  @Test
  void aQueryFileGivesOneJsonLinePerQueryInOrderWithErrorsInPlace() throws Exception {
    Path store = dir.resolve("qf");
    assertThat(run("demo", "--spans", "2000", "--store", store.toString()).exit()).isZero();
    Path queries = dir.resolve("queries.txt");
    Files.writeString(queries, "{ status = error }\n{ .a = }\n\n{ kind = server } | count() > 1\n");
    Run r = run("query", "--store", store.toString(), "--format", "jsonl", "--limit", "0", "-f", queries.toString());
    assertThat(r.exit()).isEqualTo(1);
    String[] lines = r.out().strip().split("\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).startsWith("{\"traces\":[{");
    assertThat(lines[1]).startsWith("{\"error\": ").contains("line 1, col 8");
    assertThat(lines[2]).startsWith("{\"traces\":[{");
  }

  @Test
  void tagsAndTagValuesListWhatTheStoreHolds() {
    Path store = dir.resolve("tags");
    assertThat(run("demo", "--spans", "3000", "--store", store.toString()).exit()).isZero();
    Run tags = run("tags", "--store", store.toString());
    assertThat(tags.exit()).as(tags.err()).isZero();
    assertThat(tags.out().lines()).contains("resource.service.name", "span.http.route");
    Run values = run("tag-values", "--store", store.toString(), "resource.service.name");
    assertThat(values.exit()).as(values.err()).isZero();
    assertThat(values.out().lines()).contains("frontend", "checkout").doesNotHaveDuplicates();
    Run status = run("tag-values", "--store", store.toString(), "status");
    assertThat(status.out().lines()).contains("error", "unset");
    Run bad = run("tag-values", "--store", store.toString(), "nonsense");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("unknown tag");
  }
}
