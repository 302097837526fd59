package io.tracestore.cli;

import io.tracestore.api.SearchRequest;
import io.tracestore.api.SearchResult;
import io.tracestore.api.TraceStore;
import io.tracestore.api.TraceStoreException;
import io.tracestore.core.json.TempoSearchJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tracestore query}: TraceQL search over a store. */
@Command(name = "query", description = "Run a TraceQL search (or one per line of -f FILE).")
final class QueryCommand implements Callable<Integer> {
  enum Format { table, json, jsonl }

  @Mixin StoreOptions store;

  @Parameters(arity = "0..1", paramLabel = "QUERY", description = "TraceQL, e.g. '{ status = error }'.")
  String query;

  @Option(names = "-f", paramLabel = "FILE", description = "Run each non-empty line of FILE as a query.")
  Path file;

  @Option(names = "--start", description = "Only traces ending after this (RFC 3339, Unix seconds, now, -1h).")
  String start;

  @Option(names = "--end", description = "Only traces starting before this.")
  String end;

  @Option(names = "--limit", defaultValue = "20", description = "Most traces (default ${DEFAULT-VALUE}; 0 = no limit).")
  int limit;

  @Option(names = "--spss", defaultValue = "3", description = "Most spans listed per span set (default ${DEFAULT-VALUE}; 0 = all).")
  int spss;

  @Option(names = "--format", defaultValue = "table", description = "table, json or jsonl (default ${DEFAULT-VALUE}).")
  Format format;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if ((query == null) == (file == null)) {
      throw new Main.UserException("give either a QUERY or -f FILE");
    }
    Instant now = Instant.now();
    long from = start == null ? 0 : TimeArgument.parse(start, now);
    long to = end == null ? Long.MAX_VALUE : TimeArgument.parse(end, now);
    if (limit < 0 || spss < 0) {
      throw new Main.UserException("--limit and --spss must be >= 0 (0 = no limit)");
    }
    List<String> queries = new ArrayList<>();
    if (file != null) {
      if (!Files.isReadable(file)) {
        throw new Main.UserException("cannot read query file " + file);
      }
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          queries.add(line.strip());
        }
      }
    } else {
      queries.add(query);
    }
    PrintWriter out = spec.commandLine().getOut();
    int failed = 0;
    try (TraceStore s = store.open(false, io.tracestore.core.FsyncPolicy.INTERVAL)) {
      for (String q : queries) {
        SearchRequest request = new SearchRequest(q, from, to, limit, spss, SearchRequest.DEFAULT_TIMEOUT);
        try {
          long t0 = System.nanoTime();
          SearchResult result = s.search(request);
          long t1 = System.nanoTime();
          switch (format) {
            case json, jsonl -> out.println(new String(TempoSearchJson.write(result), StandardCharsets.UTF_8));
            case table -> {
              if (queries.size() > 1) {
                out.println("> " + q);
              }
              ResultTable.print(result, out);
              out.printf("%d trace(s) in %.1f ms%n", result.traces().size(), (t1 - t0) / 1e6);
            }
          }
        } catch (TraceStoreException e) {
          failed++;
          if (queries.size() == 1) {
            throw e;
          }
          if (format == Format.table) {
            out.println("> " + q);
            out.println("error: " + Main.firstLine(e.getMessage()));
          } else {
            out.println("{\"error\": " + jsonString(Main.firstLine(e.getMessage())) + "}");
          }
        }
        out.flush();
      }
    }
    return failed == 0 ? 0 : Main.USER_ERROR;
  }

  private static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
