package io.tracestore.cli;

import io.tracestore.api.OtlpEncoding;
import io.tracestore.api.TraceStore;
import io.tracestore.api.TraceStoreException;
import io.tracestore.core.FsyncPolicy;
import io.tracestore.core.otlp.OtlpInput;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tracestore ingest --store DIR FILE...}: OTLP/JSON ({@code .json}) and OTLP/protobuf
 * ({@code .pb}, {@code .binpb}) export requests, optionally gzipped ({@code .gz}); {@code -} reads
 * standard input. Each file is one all-or-nothing batch, forced to disk before its {@code ok} line.
 */
@Command(name = "ingest", description = "Store OTLP files (.json, .pb, .binpb, optionally .gz; - for stdin). Prints 'ok FILE SPANS' per durable file.")
final class IngestCommand implements Callable<Integer> {
  /** Largest file read (compressed or not). */
  static final long MAX_FILE_BYTES = 1L << 30;

  @Mixin StoreOptions store;

  @Parameters(arity = "1..*", paramLabel = "FILE")
  List<String> files;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean progress = System.console() != null;
    int failed = 0;
    long total = 0;
    try (TraceStore s = store.open(true, FsyncPolicy.ALWAYS)) {
      for (String name : files) {
        try {
          byte[] data = read(name);
          byte[] raw = OtlpInput.gunzipIfGzipped(data);
          int n = s.appendOtlp(raw, encoding(name, raw));
          total += n;
          out.println("ok " + name + " " + n);
          out.flush();
          if (progress) {
            err.print("\r" + total + " spans ingested");
            err.flush();
          }
        } catch (TraceStoreException | IOException e) {
          failed++;
          err.println("tracestore: " + name + ": " + Main.firstLine(e.getMessage()));
          err.flush();
        }
      }
    }
    if (progress) {
      err.println();
    }
    return failed == 0 ? 0 : Main.USER_ERROR;
  }

  private static byte[] read(String name) throws IOException {
    if (name.equals("-")) {
      byte[] b = System.in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_FILE_BYTES + 1));
      if (b.length > MAX_FILE_BYTES) {
        throw new IOException("standard input is larger than " + MAX_FILE_BYTES + " bytes");
      }
      return b;
    }
    Path p = Path.of(name);
    if (!Files.isRegularFile(p)) {
      throw new IOException("no such file");
    }
    if (Files.size(p) > MAX_FILE_BYTES) {
      throw new IOException("file is larger than " + MAX_FILE_BYTES + " bytes; split it");
    }
    return Files.readAllBytes(p);
  }

  /** By extension ({@code .json}, {@code .pb}, {@code .binpb}, under an optional {@code .gz}); else by content. */
  static OtlpEncoding encoding(String name, byte[] raw) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".gz")) {
      n = n.substring(0, n.length() - 3);
    }
    if (n.endsWith(".json")) {
      return OtlpEncoding.JSON;
    }
    if (n.endsWith(".pb") || n.endsWith(".binpb")) {
      return OtlpEncoding.PROTOBUF;
    }
    for (byte b : raw) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return b == '{' ? OtlpEncoding.JSON : OtlpEncoding.PROTOBUF;
      }
    }
    return OtlpEncoding.PROTOBUF;
  }
}
