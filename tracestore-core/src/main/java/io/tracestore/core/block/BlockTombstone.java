package io.tracestore.core.block;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code meta.json} garbage collection stores, with put-if-absent, in the folder of an
 * uncommitted block before deleting its data: it wins the race against a writer still about to
 * commit that block (whose own put-if-absent of {@code meta.json} then fails, so its cut is retried
 * under a new block id), and it marks the folder as abandoned for every reader. Readers treat a
 * folder whose {@code meta.json} is a tombstone as uncommitted. Stateless.
 */
public final class BlockTombstone {
  private static final Pattern TIME = Pattern.compile("\"abandonedUnixMilli\"\\s*:\\s*(-?\\d+)");

  private BlockTombstone() {}

  /** The tombstone's bytes. */
  public static byte[] json(long unixMilli) {
    return ("{\"abandonedUnixMilli\": " + unixMilli + "}\n").getBytes(StandardCharsets.UTF_8);
  }

  /** True if {@code metaJson} is a tombstone rather than a block's meta. */
  public static boolean is(byte[] metaJson) {
    return metaJson.length < 200 && TIME.matcher(new String(metaJson, StandardCharsets.UTF_8)).find();
  }

  /** When the tombstone was written; only valid if {@link #is} holds. */
  public static long time(byte[] metaJson) {
    Matcher m = TIME.matcher(new String(metaJson, StandardCharsets.UTF_8));
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }
}
