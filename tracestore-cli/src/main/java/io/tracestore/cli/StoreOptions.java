package io.tracestore.cli;

import io.tracestore.api.TraceStore;
import io.tracestore.core.FsyncPolicy;
import io.tracestore.core.TraceStoreConfig;
import io.tracestore.core.TraceStores;
import io.tracestore.spi.ObjectStore;
import io.tracestore.storage.local.LocalObjectStore;
import io.tracestore.storage.s3.S3ObjectStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --store DIR | s3://BUCKET/PREFIX} and its companions, shared by the commands that use a
 * store. A directory holds blocks in {@code DIR/data} and the write-ahead log in
 * {@code DIR/wal/<tenant>}; an S3 store keeps blocks in the bucket and its log (for writing
 * commands) in {@code --wal DIR}. S3 credentials come from the AWS default provider chain.
 */
final class StoreOptions {
  @Option(names = "--store", required = true, paramLabel = "DIR|s3://BUCKET/PREFIX", description = "The store: a directory, or s3://bucket/prefix.")
  String store;

  @Option(names = "--tenant", defaultValue = TraceStoreConfig.DEFAULT_TENANT, description = "Tenant (default: ${DEFAULT-VALUE}).")
  String tenant;

  @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3-compatible endpoint (MinIO, R2, ...).")
  URI s3Endpoint;

  @Option(names = "--s3-region", defaultValue = "us-east-1", description = "S3 region (default: ${DEFAULT-VALUE}).")
  String s3Region;

  @Option(names = "--s3-path-style", description = "Path-style S3 URLs (most S3-compatible servers need it).")
  boolean s3PathStyle;

  @Option(names = "--wal", paramLabel = "DIR", description = "With an s3:// store: local directory of the write-ahead log.")
  Path wal;

  boolean isS3() {
    return store.startsWith("s3://");
  }

  /** The local store directory, which must exist. */
  Path existingDirectory() {
    if (isS3()) {
      throw new Main.UserException("this command needs a local --store directory, not " + store);
    }
    Path dir = Path.of(store);
    if (!Files.isDirectory(dir)) {
      throw new Main.UserException("no store at " + store + " (not a directory)");
    }
    TraceStoreConfig.checkTenant(tenant);
    return dir;
  }

  /** The object store holding the blocks. The caller closes it. */
  ObjectStore objects() throws IOException {
    if (!isS3()) {
      return new LocalObjectStore(existingDirectory().resolve("data"));
    }
    String rest = store.substring("s3://".length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.length() < 3) {
      throw new Main.UserException("invalid S3 location " + store + ": use s3://BUCKET/PREFIX");
    }
    S3ObjectStore.Builder b = S3ObjectStore.builder().bucket(bucket).region(s3Region).pathStyle(s3PathStyle);
    if (!prefix.isEmpty()) {
      b.prefix(prefix);
    }
    if (s3Endpoint != null) {
      b.endpoint(s3Endpoint);
    }
    return b.build();
  }

  /** The write-ahead log directory of a local store; null for S3 without {@code --wal}. */
  Path walDirectory() {
    if (isS3()) {
      return wal == null ? null : wal.resolve(tenant);
    }
    return Path.of(store).resolve("wal").resolve(tenant);
  }

  /**
   * Opens the trace store. {@code create}: a local directory is created if missing, and an S3
   * store needs {@code --wal}.
   */
  TraceStore open(boolean create, FsyncPolicy fsync) throws IOException {
    TraceStoreConfig.checkTenant(tenant);
    if (!isS3()) {
      Path dir = Path.of(store);
      if (create) {
        Files.createDirectories(dir);
      } else {
        existingDirectory();
      }
      return TraceStores.builder().directory(dir).tenant(tenant).fsyncPolicy(fsync).build();
    }
    if (create && wal == null) {
      throw new Main.UserException("an s3:// store needs --wal DIR (a local directory for the write-ahead log) to write");
    }
    return TraceStores.builder().ownedObjectStore(objects()).walDirectory(walDirectory()).tenant(tenant).fsyncPolicy(fsync).build();
  }
}
