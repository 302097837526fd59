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
}
