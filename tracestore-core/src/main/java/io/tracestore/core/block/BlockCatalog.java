package io.tracestore.core.block;

import io.tracestore.spi.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The committed blocks of a tenant, found by listing {@code <tenant>/blocks/}: a block counts only
 * once its {@code meta.json} exists. Also names the block folders that have data but no meta (an
 * interrupted cut) or whose meta is a {@link BlockTombstone}, which readers ignore. Used when a
 * tenant has no readable index ({@code io.tracestore.core.catalog.TenantCatalog}) and by tools.
 *
 * @param committed metas of committed blocks, oldest first
 * @param uncommitted block ids with a data file but no meta.json
 */
public record BlockCatalog(List<BlockMeta> committed, List<String> uncommitted) {

  /** Lists and parses the metas of {@code tenant}'s blocks. */
  public static BlockCatalog load(ObjectStore store, String tenant) throws IOException {
    String prefix = tenant + "/blocks/";
    Set<String> withData = new HashSet<>();
    List<String> metaKeys = new ArrayList<>();
    for (String k : store.list(prefix)) {
      String rest = k.substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash < 0) {
        continue;
      }
      String file = rest.substring(slash + 1);
      if (file.equals("meta.json")) {
        metaKeys.add(k);
      } else if (file.equals("data.parquet")) {
        withData.add(rest.substring(0, slash));
      }
    }
    List<BlockMeta> metas = new ArrayList<>(metaKeys.size());
    for (String k : metaKeys) {
      byte[] json;
      try {
        json = store.get(k);
      } catch (io.tracestore.spi.ObjectNotFoundException deletedSinceListed) {
        continue;
      }
      if (BlockTombstone.is(json)) {
        continue; // abandoned by garbage collection: its data (if still there) stays uncommitted
      }
      BlockMeta meta = BlockMeta.fromJson(json, k);
      metas.add(meta);
      withData.remove(meta.blockId());
    }
    metas.sort(Comparator.comparingLong(BlockMeta::createdUnixMilli).thenComparing(BlockMeta::blockId));
    return new BlockCatalog(metas, withData.stream().sorted().toList());
  }
}
