package io.tracestore.cli;

import io.tracestore.core.block.BlockCatalog;
import io.tracestore.core.block.BlockMeta;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tracestore blocks --store DIR}: the committed blocks. */
@Command(name = "blocks", description = "List blocks: time range, spans, traces, bytes, bytes/span, dedicated columns.")
final class BlocksCommand implements Callable<Integer> {
  @Mixin StoreOptions store;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    try (io.tracestore.spi.ObjectStore objects = store.objects()) {
      BlockCatalog catalog = BlockCatalog.load(objects, store.tenant);
      out.printf("%-36s  %-24s  %-24s  %9s  %8s  %11s  %6s  %s%n",
          "block", "first span start", "last span end", "spans", "traces", "bytes", "B/span", "dedicated columns");
      long spans = 0;
      long bytes = 0;
      for (BlockMeta m : catalog.committed()) {
        out.printf("%-36s  %-24s  %-24s  %9d  %8d  %11d  %6.1f  %s%n", m.blockId(), instant(m.minStartUnixNano()),
            instant(m.maxEndUnixNano()), m.spanCount(), m.traceCount(), m.dataSize(), (double) m.dataSize() / m.spanCount(),
            String.join(",", java.util.stream.Stream.concat(
                m.dedicatedResourceColumns().stream().map(c -> "resource." + c.key()),
                m.dedicatedSpanColumns().stream().map(c -> "span." + c.key())).toList()));
        spans += m.spanCount();
        bytes += m.dataSize();
      }
      out.printf("%d blocks, %d spans, %d bytes%s%n", catalog.committed().size(), spans, bytes,
          spans == 0 ? "" : String.format(", %.1f bytes/span", (double) bytes / spans));
      if (!catalog.uncommitted().isEmpty()) {
        out.printf("%d uncommitted block folder(s) without meta.json (ignored by readers): %s%n",
            catalog.uncommitted().size(), catalog.uncommitted());
      }
      printIndex(out, objects);
    }
    out.flush();
    return 0;
  }

  /** The tenant index's summary: what readers serve, what waits for deletion, what is quarantined. */
  private void printIndex(PrintWriter out, io.tracestore.spi.ObjectStore objects) throws IOException {
    io.tracestore.core.catalog.TenantIndex index;
    try {
      index = new io.tracestore.core.catalog.IndexFiles(objects, store.tenant).readLatest();
    } catch (io.tracestore.api.CorruptDataException e) {
      out.printf("index: unreadable (%s); the next store to open rebuilds it from a listing%n", e.getMessage());
      return;
    }
    if (index == null) {
      out.println("index: none yet (written by the next store that opens or changes the tenant)");
      return;
    }
    out.printf("index version %d written %s: %d live, %d pending, %d retired awaiting deletion, %d quarantined%n",
        index.version(), Instant.ofEpochMilli(index.writtenUnixMilli()), index.live().size(), index.pending().size(),
        index.retired().size(), index.quarantined().size());
    for (io.tracestore.core.catalog.TenantIndex.Retired r : index.retired()) {
      out.printf("  retired     %s (%s), deleted after %s%n", r.blockId(), r.reason(), Instant.ofEpochMilli(r.deleteAfterUnixMilli()));
    }
    for (io.tracestore.core.catalog.TenantIndex.Quarantined q : index.quarantined()) {
      out.printf("  QUARANTINED %s since %s: %s (files under %s/quarantine/%s/)%n", q.blockId(),
          Instant.ofEpochMilli(q.unixMilli()), q.reason(), store.tenant, q.blockId());
    }
  }

  private static String instant(long unixNano) {
    return Instant.ofEpochSecond(0, unixNano).toString();
  }
}
