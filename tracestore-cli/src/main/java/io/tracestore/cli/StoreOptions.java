package io.tracestore.cli;

import io.tracestore.core.TraceStoreConfig;
import io.tracestore.storage.local.LocalObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --store DIR} and {@code --tenant}, shared by the commands that read a store. */
final class StoreOptions {
  @Option(names = "--store", required = true, paramLabel = "DIR", description = "The store's directory.")
  Path store;

  @Option(names = "--tenant", defaultValue = TraceStoreConfig.DEFAULT_TENANT, description = "Tenant (default: ${DEFAULT-VALUE}).")
  String tenant;

  /** The store directory, which must exist. */
  Path existingDirectory() {
    if (!Files.isDirectory(store)) {
      throw new Main.UserException("no store at " + store + " (not a directory)");
    }
    TraceStoreConfig.checkTenant(tenant);
    return store;
  }

  /** The object store holding the blocks, as {@code TraceStores.open} lays it out. */
  LocalObjectStore objects() throws IOException {
    return new LocalObjectStore(existingDirectory().resolve("data"));
  }

  Path walDirectory() {
    return store.resolve("wal").resolve(tenant);
  }
}
