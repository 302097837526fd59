package io.tracestore.cli;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.TraceStore;
import io.tracestore.core.FsyncPolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tracestore tags} and {@code tracestore tag-values TAG}: tag discovery. */
final class TagsCommand {
  private TagsCommand() {}

  /** Shared time range options. */
  static final class Range {
    @Option(names = "--start", description = "Only spans ending after this (RFC 3339, Unix seconds, now, -1h).")
    String start;

    @Option(names = "--end", description = "Only spans starting before this.")
    String end;

    long from(Instant now) {
      return start == null ? 0 : TimeArgument.parse(start, now);
    }

    long to(Instant now) {
      return end == null ? Long.MAX_VALUE : TimeArgument.parse(end, now);
    }
  }

  @Command(name = "tags", description = "List attribute names per scope (resource, span, event, link, instrumentation).")
  static final class Names implements Callable<Integer> {
    @Mixin StoreOptions store;
    @Mixin Range range;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      Instant now = Instant.now();
      try (TraceStore s = store.open(false, FsyncPolicy.INTERVAL)) {
        for (Map.Entry<String, List<String>> e : s.tagNames(range.from(now), range.to(now)).entrySet()) {
          for (String key : e.getValue()) {
            out.println(e.getKey() + "." + key);
          }
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "tag-values", description = "List the distinct values of a tag, e.g. resource.service.name or span.http.route.")
  static final class Values implements Callable<Integer> {
    @Mixin StoreOptions store;
    @Mixin Range range;

    @Parameters(paramLabel = "TAG")
    String tag;

    @Option(names = "--limit", defaultValue = "1000", description = "Most values (default ${DEFAULT-VALUE}; 0 = all).")
    int limit;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      Instant now = Instant.now();
      try (TraceStore s = store.open(false, FsyncPolicy.INTERVAL)) {
        for (AttributeValue v : s.tagValues(tag, range.from(now), range.to(now), limit)) {
          out.println(v.asText());
        }
      }
      out.flush();
      return 0;
    }
  }
}
