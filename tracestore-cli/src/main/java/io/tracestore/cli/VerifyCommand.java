package io.tracestore.cli;

import io.tracestore.api.CorruptDataException;
import io.tracestore.core.block.BlockCatalog;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.core.block.BlockReader;
import io.tracestore.core.codec.SpanCodec;
import io.tracestore.core.wal.WriteAheadLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tracestore verify --store DIR}: checksums of every block and WAL record, the tenant index,
 * and the blocks quarantined earlier. Changes nothing.
 */
@Command(name = "verify", description = "Check every block's size and CRC32C and every WAL record's CRC32C; exit 1 on damage.")
final class VerifyCommand implements Callable<Integer> {
  @Mixin StoreOptions store;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int damaged = 0;
    try (io.tracestore.spi.ObjectStore objects = store.objects()) {
      BlockCatalog catalog = BlockCatalog.load(objects, store.tenant);
      for (BlockMeta m : catalog.committed()) {
        try {
          new BlockReader(objects, m).verify();
        } catch (CorruptDataException e) {
          err.println("DAMAGED block " + m.blockId() + ": " + e.getMessage());
          damaged++;
        }
      }
      out.printf("%d blocks checked, %d damaged%n", catalog.committed().size(), damaged);
      try {
        io.tracestore.core.catalog.TenantIndex index = new io.tracestore.core.catalog.IndexFiles(objects, store.tenant).readLatest();
        if (index != null && !index.quarantined().isEmpty()) {
          out.printf("%d block(s) quarantined earlier (not served; files under %s/quarantine/):%n", index.quarantined().size(), store.tenant);
          for (io.tracestore.core.catalog.TenantIndex.Quarantined q : index.quarantined()) {
            out.printf("  QUARANTINED %s: %s%n", q.blockId(), q.reason());
          }
        }
      } catch (CorruptDataException e) {
        err.println("DAMAGED index: " + e.getMessage() + " (the next store to open rebuilds it)");
        damaged++;
      }
    }
    if (store.walDirectory() != null && Files.isDirectory(store.walDirectory())) {
      long[] counts = new long[2];
      try {
        String torn = WriteAheadLog.verify(store.walDirectory(), r -> {
          counts[0]++;
          counts[1] += SpanCodec.decodeBatch(r.payload(), 0, r.payload().length).size();
        });
        out.printf("WAL: %d records, %d spans%s%n", counts[0], counts[1],
            torn == null ? "" : "; torn tail (a crash mid-write, repaired on next open): " + torn);
      } catch (CorruptDataException e) {
        err.println("DAMAGED WAL: " + e.getMessage());
        damaged++;
      }
    }
    out.flush();
    err.flush();
    return damaged == 0 ? 0 : Main.USER_ERROR;
  }
}
