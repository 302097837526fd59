package io.tracestore.cli;

import io.tracestore.api.TraceStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tracestore compact --store DIR}: merges small blocks of the same hour. */
@Command(name = "compact", description = "Merge small blocks covering the same hour into larger ones (drops spans stored twice).")
final class CompactCommand implements Callable<Integer> {
  @Mixin StoreOptions store;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws java.io.IOException {
    PrintWriter out = spec.commandLine().getOut();
    try (TraceStore s = store.open(false, io.tracestore.core.FsyncPolicy.INTERVAL)) {
      long t0 = System.nanoTime();
      int removed = s.compact();
      out.printf("compacted: %d block(s) fewer, %.1f s%n", removed, (System.nanoTime() - t0) / 1e9);
    }
    out.flush();
    return 0;
  }
}
