package io.tracestore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run as a user runs it: {@code java -jar tracestore.jar demo --spans 20000}. */
class DemoJarIT {
  @TempDir Path dir;

  @Test
  void theDemoRunsToCompletionFromThePackagedJarAndPrintsItsQueriesResults() throws Exception {
    Path jar = Path.of(System.getProperty("tracestore.jar", "target/tracestore.jar"));
    assertThat(jar).exists();
    Path out = dir.resolve("out.txt");
    Process p = new ProcessBuilder(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
            "demo", "--spans", "20000", "--store", dir.resolve("store").toString()))
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished within 5 minutes").isTrue();
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    assertThat(text).contains("appended", "bytes/span", "trace by id", "an error trace:");
    for (String q : DemoCommand.QUERIES) {
      assertThat(text).contains("> " + q);
    }
    assertThat(text).contains("trace(s) shown").doesNotContain("not available:");
  }
}
