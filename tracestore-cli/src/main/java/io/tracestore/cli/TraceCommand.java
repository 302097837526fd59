package io.tracestore.cli;

import io.tracestore.api.Trace;
import io.tracestore.api.TraceId;
import io.tracestore.api.TraceStore;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tracestore trace --store DIR TRACE_ID}: one trace as a tree. */
@Command(name = "trace", description = "Print one trace as a tree (service, name, duration bar, status).")
final class TraceCommand implements Callable<Integer> {
  @Mixin StoreOptions store;

  @Parameters(paramLabel = "TRACE_ID", description = "32 hex digits.")
  String traceId;

  enum Format { tree, json }

  @picocli.CommandLine.Option(names = "--format", defaultValue = "tree", description = "tree or json (OTLP/JSON that ingest reads back; default ${DEFAULT-VALUE}).")
  Format format;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws java.io.IOException {
    TraceId id;
    try {
      id = TraceId.fromHex(traceId);
    } catch (IllegalArgumentException e) {
      throw new Main.UserException(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    try (TraceStore s = store.open(false, io.tracestore.core.FsyncPolicy.INTERVAL)) {
      Optional<Trace> trace = s.findTrace(id);
      if (trace.isEmpty()) {
        throw new Main.UserException("trace " + id + " not found in " + store.store);
      }
      if (format == Format.json) {
        out.println(new String(io.tracestore.core.otlp.OtlpJson.encode(trace.get().spans()), java.nio.charset.StandardCharsets.UTF_8));
      } else {
        TraceTree.print(trace.get(), out);
      }
    }
    out.flush();
    return 0;
  }
}
