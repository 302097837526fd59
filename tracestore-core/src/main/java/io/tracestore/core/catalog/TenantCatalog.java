package io.tracestore.core.catalog;

import io.tracestore.api.CorruptDataException;
import io.tracestore.api.StorageException;
import io.tracestore.core.block.BlockCatalog;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.core.block.BlockReader;
import io.tracestore.core.block.BlockTombstone;
import io.tracestore.core.block.BlockWriter;
import io.tracestore.spi.ObjectNotFoundException;
import io.tracestore.spi.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One process's view of a tenant's blocks, kept in step with the tenant index ({@link
 * TenantIndex}, stored by {@link IndexFiles}) that several processes share.
 *
 * <h2>Protocol</h2>
 *
 * <ul>
 *   <li><b>Commit</b> ({@link #commit}): the block's meta is added to the index as <i>pending</i>
 *       (a stored index version) before its data is uploaded; then {@code data.parquet}, then
 *       {@code meta.json} with put-if-absent (the commit point), then a new index version moves it
 *       to <i>live</i> (and, for a compaction, its inputs to <i>retired</i>). Every reader treats
 *       a pending block whose {@code meta.json} exists as live, so a crash or failure after the
 *       commit point never hides the block; a pending entry without {@code meta.json} is an
 *       upload in progress or abandoned.
 *   <li><b>Open</b> reads the index (one GET of the pointer and one probe for a newer version) and
 *       checks the pending entries (one HEAD each); no listing. Without a readable index it lists
 *       {@code <tenant>/blocks/} and stores a rebuilt index.
 *   <li><b>Poll</b> ({@link #poll}, every {@link Options#pollInterval()}): one HEAD for the next
 *       index version (and every {@value #POINTER_EVERY}th poll a GET of the pointer), plus one
 *       HEAD per pending entry.
 *   <li><b>Changes</b> are stored as new index versions with put-if-absent and retried on a newer
 *       version when another process won the race; a change that cannot be stored is kept and
 *       retried by later changes and polls (this process applies it to its own view at once).
 *   <li><b>Garbage collection</b> ({@link #collectGarbage}) deletes retired blocks whose grace
 *       has passed, and block folders without {@code meta.json} once older than {@link
 *       Options#uncommittedGrace()} (by their pending entry's creation time, or since first seen
 *       by a collection, recorded in the index): it first stores a {@link BlockTombstone} as
 *       their {@code meta.json} with put-if-absent, so a stalled writer can no longer commit them.
 *   <li><b>Quarantine</b> ({@link #isDamaged}): a read that fails makes the catalog re-read the
 *       block's data and check its size and CRC32C; a block that fails (or whose data is
 *       missing, or that fails with {@link CorruptDataException} although its checksum is right)
 *       is copied to {@code <tenant>/quarantine/<blockId>/} with a {@code reason.txt}, recorded
 *       as quarantined in the index, and its block folder deleted. It is never served again.
 * </ul>
 *
 * <p>Thread-safe: every method may be called from any thread; index changes are serialized by a
 * lock held across their storage calls.
 *
 * <p>Durability: {@link #commit} returns only once the pending entry and the block's {@code
 * meta.json} are stored (durable per the {@link ObjectStore} contract), so the block survives any
 * crash after it returns. Other changes (live entry, retire, forget, quarantine) are durable once
 * stored; one that could not be stored is applied to this process's view at once and retried with
 * the next change, poll or {@link #flush}, and losing it to a crash is harmless (a pending block
 * with {@code meta.json} is live anyway; a block not forgotten is forgotten by the next collection).
 */
public final class TenantCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(TenantCatalog.class);
  /** Every this many polls the pointer is read, not only the next version probed. */
  static final int POINTER_EVERY = 6;
  private static final int MAX_ATTEMPTS = 64;

  /**
   * Settings.
   *
   * @param pollInterval how often {@link #pollIfDue} re-reads the index
   * @param uncommittedGrace a block folder without {@code meta.json} is deleted once this old
   * @param retiredGrace blocks retired by this process stay readable this long before deletion
   * @param gcInterval how often {@link #collectGarbageIfDue} runs a collection
   */
  public record Options(Duration pollInterval, Duration uncommittedGrace, Duration retiredGrace, Duration gcInterval) {
    /** 10 s polls, 1 h for uncommitted folders, 60 s for retired blocks, collection every 10 min. */
    public static final Options DEFAULT =
        new Options(Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofSeconds(60), Duration.ofMinutes(10));

    public Options {
      Objects.requireNonNull(pollInterval);
      Objects.requireNonNull(uncommittedGrace);
      Objects.requireNonNull(retiredGrace);
      Objects.requireNonNull(gcInterval);
    }
  }

  /**
   * What a garbage collection did.
   *
   * @param deletedUncommitted block folders without meta (or with a tombstone) deleted
   * @param deletedRetired retired blocks deleted
   * @param adopted committed blocks found by listing that the index lacked, now live
   */
  public record GcReport(List<String> deletedUncommitted, List<String> deletedRetired, List<String> adopted) {}

  private final ObjectStore store;
  private final String tenant;
  private final IndexFiles files;
  private final Options options;
  private final LongSupplier clock;
  private final Object lock = new Object();
  /** The newest stored index this process has read or written. */
  private TenantIndex index;
  /** Changes applied to this process's view but not stored yet, oldest first. */
  private final List<UnaryOperator<TenantIndex>> backlog = new ArrayList<>();
  /** Pending blocks whose meta.json was seen (committed); never un-committed. */
  private final Set<String> committed = ConcurrentHashMap.newKeySet();
  /** Blocks this process quarantined: never served, whatever the index says. */
  private final Set<String> quarantinedHere = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> lastDamageCheck = new ConcurrentHashMap<>();
  private volatile Map<String, BlockMeta> served = Map.of();
  /** Incremented whenever the set of served blocks changes. */
  private volatile long servedGeneration;
  private volatile TenantIndex view;
  private long lastPollNanos = System.nanoTime();
  private long polls;
  private long lastGcNanos = System.nanoTime();
  /** True once this process committed a block: only writers collect garbage on their own. */
  private volatile boolean wroteBlocks;

  private TenantCatalog(ObjectStore store, String tenant, Options options, LongSupplier clock) {
    this.store = store;
    this.tenant = tenant;
    this.files = new IndexFiles(store, tenant);
    this.options = options;
    this.clock = clock;
  }

  /**
   * Opens the catalog of {@code tenant}: reads the index, or lists the blocks and stores a rebuilt
   * index if there is none or it is unreadable.
   *
   * @param clock wall-clock milliseconds (tests pass a fake one)
   * @throws IOException if storage fails
   */
  public static TenantCatalog open(ObjectStore store, String tenant, Options options, LongSupplier clock) throws IOException {
    TenantCatalog c = new TenantCatalog(store, tenant, options, clock);
    c.load();
    return c;
  }

  /** Opens with the system clock. */
  public static TenantCatalog open(ObjectStore store, String tenant, Options options) throws IOException {
    return open(store, tenant, options, System::currentTimeMillis);
  }

  private void load() throws IOException {
    TenantIndex latest;
    boolean unreadable = false;
    try {
      latest = files.readLatest();
    } catch (CorruptDataException e) {
      LOG.warn("the index of tenant {} is unreadable ({}); listing the blocks and rebuilding it", tenant, e.getMessage());
      latest = null;
      unreadable = true;
    }
    synchronized (lock) {
      if (latest != null) {
        index = latest;
      } else {
        // no index (a new tenant, or blocks written before the index existed), or a damaged one
        index = TenantIndex.empty(tenant).withVersion(files.maxListedVersion(), 0);
        BlockCatalog listed = BlockCatalog.load(store, tenant);
        long now = clock.getAsLong();
        if (!listed.committed().isEmpty() || !listed.uncommitted().isEmpty() || unreadable) {
          LOG.info("tenant {}: rebuilding the index from a listing: {} committed block(s), {} uncommitted folder(s)",
              tenant, listed.committed().size(), listed.uncommitted().size());
          change(x -> x.adopt(listed.committed()).trackUncommitted(new HashSet<>(listed.uncommitted()), now));
        }
      }
      TenantIndex resolved = refreshView();
      if (resolved != view) {
        // pending blocks committed by a process that stopped before publishing them: publish now
        change(x -> resolvePending(x));
      }
    }
  }

  // ---------------------------------------------------------------- reading the view

  /** The blocks this process serves, in commit order. */
  public List<BlockMeta> served() {
    return List.copyOf(served.values());
  }

  /**
   * A number that changes whenever the set of served blocks changes, by this process's changes,
   * polls, garbage collection or quarantine: compare it to know when to re-read {@link #served}.
   */
  public long servedGeneration() {
    return servedGeneration;
  }

  /** True if the block is served. */
  public boolean serves(String blockId) {
    return served.containsKey(blockId);
  }

  /** This process's view of the index: the stored index plus changes not stored yet. */
  public TenantIndex view() {
    return view;
  }

  /** Blocks quarantined, as the index (or this process) knows them. */
  public List<TenantIndex.Quarantined> quarantined() {
    return view.quarantined();
  }

  /** Recomputes the view and the served blocks; returns the view with committed pending blocks resolved. Under lock. */
  private TenantIndex refreshView() throws IOException {
    TenantIndex v = index;
    for (UnaryOperator<TenantIndex> c : backlog) {
      v = c.apply(v);
    }
    view = v;
    TenantIndex resolved = resolvePending(v);
    Map<String, BlockMeta> s = new LinkedHashMap<>();
    for (BlockMeta m : resolved.live()) {
      if (!quarantinedHere.contains(m.blockId())) {
        s.put(m.blockId(), m);
      }
    }
    if (!s.keySet().equals(served.keySet())) {
      servedGeneration++;
    }
    served = s;
    return resolved;
  }

  /** {@code v} with every pending block whose meta.json exists published. */
  private TenantIndex resolvePending(TenantIndex v) {
    TenantIndex out = v;
    for (TenantIndex.Pending p : v.pending()) {
      if (isCommitted(p.meta())) {
        out = out.publish(p.meta(), p.replaces(), clock.getAsLong(), options.retiredGrace().toMillis());
      }
    }
    return out;
  }

  private boolean isCommitted(BlockMeta meta) {
    String id = meta.blockId();
    if (committed.contains(id)) {
      return true;
    }
    String key = BlockWriter.metaKey(tenant, id);
    try {
      if (!store.exists(key)) {
        return false;
      }
      if (BlockTombstone.is(store.get(key))) {
        return false;
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("tenant {}: could not check whether block {} is committed: {}", tenant, id, e.toString());
      return false; // not served until a later check succeeds
    }
    committed.add(id);
    return true;
  }

  // ---------------------------------------------------------------- changes

  /**
   * Applies {@code c} to the view at once and stores it as a new index version (with anything
   * not stored before); if storing fails, it stays in the backlog and the failure is logged.
   */
  private void change(UnaryOperator<TenantIndex> c) throws IOException {
    synchronized (lock) {
      backlog.add(c);
      try {
        storeBacklog();
      } catch (IOException | RuntimeException e) {
        LOG.warn("tenant {}: could not store a new index version ({}); kept in memory, retried later", tenant, e.toString());
      }
      refreshView();
    }
  }

  /** Like {@link #change} but fails if the change cannot be stored (and then drops it). */
  private void changeOrFail(UnaryOperator<TenantIndex> c) throws IOException {
    synchronized (lock) {
      backlog.add(c);
      try {
        storeBacklog();
      } catch (IOException | RuntimeException e) {
        backlog.remove(backlog.size() - 1);
        throw e;
      } finally {
        refreshView();
      }
    }
  }

  /** Stores the backlog as one new version, re-applying it on newer versions after lost races. Under lock. */
  private void storeBacklog() throws IOException {
    if (backlog.isEmpty()) {
      return;
    }
    TenantIndex base = index.version() == 0 ? index : files.forward(index);
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      TenantIndex next = base;
      for (UnaryOperator<TenantIndex> c : backlog) {
        next = c.apply(next);
      }
      if (next.sameContent(base) && base.version() > 0) {
        index = base;
        backlog.clear();
        return;
      }
      next = next.withVersion(base.version() + 1, clock.getAsLong());
      if (files.tryWrite(next)) {
        index = next;
        backlog.clear();
        if (next.version() % 50 == 0) {
          pruneQuietly(next.version());
        }
        return;
      }
      base = files.forward(base); // another process stored this version: apply on top of it
      try {
        TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextInt(1, 5 + attempt * 2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageException("interrupted while storing the index of tenant " + tenant);
      }
    }
    throw new StorageException("could not store the index of tenant " + tenant + " after " + MAX_ATTEMPTS + " attempts: too many concurrent writers");
  }

  private void pruneQuietly(long version) {
    try {
      files.pruneOld(version);
    } catch (IOException | RuntimeException e) {
      LOG.debug("could not delete old index versions of tenant {}: {}", tenant, e.toString());
    }
  }

  /**
   * Commits an encoded block through the index: pending entry (must be stored, or this throws
   * before anything is uploaded), data, {@code meta.json}, live entry (a failure there is
   * retried later: the block is committed and served already).
   *
   * @param replaces blocks the new one replaces (compaction inputs), retired in the same index version
   * @return the block's meta
   * @throws StorageException if the block could not be committed (nothing of it is served)
   */
  public BlockMeta commit(BlockWriter.EncodedBlock block, Collection<BlockMeta> replaces) {
    BlockMeta meta = block.meta();
    List<String> inputs = replaces.stream().map(BlockMeta::blockId).toList();
    try {
      changeOrFail(x -> x.addPending(meta, inputs));
    } catch (IOException e) {
      throw new StorageException("could not record block " + meta.blockId() + " in the index of tenant " + tenant + ": " + e.getMessage(), e);
    }
    BlockWriter.commit(store, block); // throws: the pending entry stays; a later collection removes it
    committed.add(meta.blockId());
    wroteBlocks = true;
    try {
      change(x -> x.publish(meta, inputs, clock.getAsLong(), options.retiredGrace().toMillis()));
    } catch (IOException e) {
      throw new StorageException(e.getMessage(), e); // not reached: change() keeps failures
    }
    return meta;
  }

  /** Retires live blocks (e.g. by retention): no longer served, deleted after the grace period. */
  public void retire(Collection<BlockMeta> blocks, String reason) {
    Set<String> ids = new HashSet<>();
    blocks.forEach(b -> ids.add(b.blockId()));
    long now = clock.getAsLong();
    try {
      change(x -> x.retire(ids, reason, now, options.retiredGrace().toMillis()));
    } catch (IOException e) {
      throw new StorageException(e.getMessage(), e);
    }
  }

  /** Forgets blocks whose files were deleted. */
  public void forget(Collection<String> blockIds) {
    Set<String> ids = Set.copyOf(blockIds);
    try {
      change(x -> x.forget(ids));
    } catch (IOException e) {
      throw new StorageException(e.getMessage(), e);
    }
  }

  /** Stores changes not stored yet; true if none is left. */
  public boolean flush() {
    synchronized (lock) {
      try {
        storeBacklog();
        refreshView();
        return true;
      } catch (IOException | RuntimeException e) {
        LOG.warn("tenant {}: could not store the index: {}", tenant, e.toString());
        return false;
      }
    }
  }

  // ---------------------------------------------------------------- polling

  /** Polls if {@link Options#pollInterval()} has passed since the last poll; see {@link #poll}. */
  public boolean pollIfDue() {
    synchronized (lock) {
      if (System.nanoTime() - lastPollNanos < options.pollInterval().toNanos()) {
        return false;
      }
    }
    return poll();
  }

  /**
   * Re-reads the index if another process changed it, checks pending blocks, and retries changes
   * not stored yet. Failures are logged (the view stays as it was).
   *
   * @return true if the served blocks changed
   */
  public boolean poll() {
    synchronized (lock) {
      lastPollNanos = System.nanoTime();
      Map<String, BlockMeta> before = served;
      try {
        TenantIndex latest = index;
        if (polls++ % POINTER_EVERY == 0 || index.version() == 0) {
          TenantIndex p = files.readLatest();
          if (p != null && p.version() > latest.version()) {
            latest = p;
          }
        }
        if (latest.version() > 0 && files.newerExists(latest.version())) {
          latest = files.forward(latest);
        }
        index = latest;
        storeBacklog();
      } catch (IOException | RuntimeException e) {
        LOG.warn("tenant {}: could not poll the index: {}", tenant, e.toString());
      }
      try {
        refreshView();
      } catch (IOException | RuntimeException e) {
        LOG.warn("tenant {}: could not check pending blocks: {}", tenant, e.toString());
      }
      return !before.keySet().equals(served.keySet());
    }
  }

  // ---------------------------------------------------------------- damage and quarantine

  /**
   * A {@link BlockReader.DamageHandler}: after a failed read, re-reads the block's data and checks
   * it. Quarantines the block (and returns true) if its size or CRC32C is wrong, its data is
   * missing while the index still lists it, or the failure was a {@link CorruptDataException}
   * although the checksum is right (the data cannot be parsed). A failure to read the data
   * (storage down) returns false. Checks a block at most once a second.
   */
  public boolean isDamaged(BlockReader block, Exception failure) {
    BlockMeta meta = block.meta();
    long now = System.nanoTime();
    Long last = lastDamageCheck.put(meta.blockId(), now);
    if (quarantinedHere.contains(meta.blockId())) {
      return true;
    }
    if (last != null && now - last < TimeUnit.SECONDS.toNanos(1)) {
      return false;
    }
    String reason = damage(meta, failure);
    if (reason == null) {
      return false;
    }
    quarantine(meta, reason);
    return true;
  }

  /**
   * Checks a block's data against its meta before it is used (e.g. as a compaction input), and
   * quarantines it if damaged.
   *
   * @return true if the block is intact
   * @throws StorageException if its data cannot be read
   */
  public boolean checkIntact(BlockMeta meta) {
    String reason = damage(meta, null);
    if (reason != null) {
      quarantine(meta, reason);
      return false;
    }
    return true;
  }

  /** Why the block is damaged, or null if it is not (or cannot be read now). */
  private String damage(BlockMeta meta, Exception failure) {
    String dataKey = BlockWriter.dataKey(tenant, meta.blockId());
    byte[] data;
    try {
      data = store.get(dataKey);
    } catch (ObjectNotFoundException e) {
      try {
        TenantIndex latest = files.readLatest();
        if (latest == null || !latest.isLive(meta.blockId())) {
          return null; // retired and deleted by another process (this view is stale): not damage
        }
      } catch (IOException | RuntimeException ignored) {
        return null;
      }
      return "data.parquet is missing";
    } catch (IOException | RuntimeException e) {
      if (failure == null) {
        throw new StorageException("could not read " + dataKey + ": " + e.getMessage(), e);
      }
      return null;
    }
    if (data.length != meta.dataSize()) {
      return "data.parquet is " + data.length + " bytes; meta.json says " + meta.dataSize();
    }
    CRC32C crc = new CRC32C();
    crc.update(data);
    String actual = String.format("%08x", (int) crc.getValue());
    if (!actual.equals(meta.dataCrc32c())) {
      return "data.parquet has CRC32C " + actual + "; meta.json says " + meta.dataCrc32c();
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CorruptDataException) {
        return "data.parquet cannot be parsed although its checksum is right: " + t.getMessage();
      }
    }
    return null;
  }

  /**
   * Takes a block out of service: copies its files to {@code <tenant>/quarantine/<blockId>/} with a
   * {@code reason.txt}, records it in the index, deletes its block folder ({@code meta.json} first).
   * Logged at WARN. Storage failures along the way are logged; the block is not served either way.
   */
  public void quarantine(BlockMeta meta, String reason) {
    String id = meta.blockId();
    if (!quarantinedHere.add(id)) {
      return;
    }
    LOG.warn("tenant {}: block {} is damaged and quarantined, no longer served: {}", tenant, id, reason);
    long now = clock.getAsLong();
    String q = tenant + "/quarantine/" + id + "/";
    try {
      store.put(q + "reason.txt", (now + " " + reason + "\n").getBytes(StandardCharsets.UTF_8));
      store.put(q + "meta.json", meta.toJson());
      try {
        store.put(q + "data.parquet", store.get(BlockWriter.dataKey(tenant, id)));
      } catch (ObjectNotFoundException missing) {
        // nothing to keep
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("tenant {}: could not copy damaged block {} to {}: {}", tenant, id, q, e.toString());
    }
    try {
      change(x -> x.quarantine(id, reason, now));
    } catch (IOException e) {
      LOG.warn("tenant {}: could not record quarantined block {}: {}", tenant, id, e.toString());
    }
    synchronized (lock) {
      if (!index.isQuarantined(id)) {
        return; // not recorded in the stored index: keep the folder so a listing does not find it unquarantined
      }
    }
    try {
      store.delete(BlockWriter.metaKey(tenant, id));
      store.delete(BlockWriter.dataKey(tenant, id));
    } catch (IOException | RuntimeException e) {
      LOG.warn("tenant {}: could not delete quarantined block folder {}: {}", tenant, id, e.toString());
    }
  }

  // ---------------------------------------------------------------- garbage collection

  /**
   * Runs {@link #collectGarbage} if this process has committed blocks (a writer or compactor) and
   * {@link Options#gcInterval()} has passed since the last collection; null otherwise.
   */
  public GcReport collectGarbageIfDue() {
    if (!wroteBlocks) {
      return null;
    }
    synchronized (lock) {
      if (System.nanoTime() - lastGcNanos < options.gcInterval().toNanos()) {
        return null;
      }
      lastGcNanos = System.nanoTime();
    }
    return collectGarbage();
  }

  /**
   * Lists {@code <tenant>/blocks/} and deletes what no reader needs: retired blocks past their
   * grace, and folders without a committed {@code meta.json} older than {@link
   * Options#uncommittedGrace()}. Publishes pending blocks found committed and adopts committed
   * blocks the index lacks. Everything deleted is logged at INFO. Meant for the one compactor of
   * a tenant, but safe if several run.
   *
   * @throws StorageException if listing fails
   */
  public GcReport collectGarbage() {
    synchronized (lock) {
      lastGcNanos = System.nanoTime();
    }
    poll();
    long now = clock.getAsLong();
    long grace = options.uncommittedGrace().toMillis();
    String prefix = tenant + "/blocks/";
    Map<String, Set<String>> folders = new HashMap<>();
    try {
      for (String k : store.list(prefix)) {
        String rest = k.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash > 0) {
          folders.computeIfAbsent(rest.substring(0, slash), x -> new HashSet<>()).add(rest.substring(slash + 1));
        }
      }
    } catch (IOException e) {
      throw new StorageException("could not list the blocks of tenant " + tenant + ": " + e.getMessage(), e);
    }
    List<String> deletedUncommitted = new ArrayList<>();
    List<String> deletedRetired = new ArrayList<>();
    List<BlockMeta> adopt = new ArrayList<>();
    Set<String> track = new HashSet<>();
    Set<String> forget = new HashSet<>();
    TenantIndex v = view;
    Map<String, TenantIndex.Pending> pending = new HashMap<>();
    v.pending().forEach(p -> pending.put(p.meta().blockId(), p));
    Map<String, Long> firstSeen = new HashMap<>();
    v.uncommitted().forEach(u -> firstSeen.put(u.blockId(), u.firstSeenUnixMilli()));

    // 1. retired blocks past their grace: meta first, so a crash midway leaves data without meta
    for (TenantIndex.Retired r : v.retired()) {
      if (r.deleteAfterUnixMilli() <= now) {
        if (deleteFolder(r.blockId())) {
          deletedRetired.add(r.blockId());
          forget.add(r.blockId());
        }
        folders.remove(r.blockId());
      }
    }
    // 2. folders
    for (Map.Entry<String, Set<String>> e : folders.entrySet()) {
      String id = e.getKey();
      if (v.isLive(id) || v.knows(id) && !pending.containsKey(id)) {
        continue; // live, retired within its grace, or quarantined
      }
      byte[] metaJson = null;
      if (e.getValue().contains("meta.json")) {
        try {
          metaJson = store.get(BlockWriter.metaKey(tenant, id));
        } catch (ObjectNotFoundException gone) {
          metaJson = null;
        } catch (IOException | RuntimeException ex) {
          LOG.warn("tenant {}: could not read the meta of block {}: {}", tenant, id, ex.toString());
          continue;
        }
      }
      if (metaJson != null && !BlockTombstone.is(metaJson)) {
        if (!pending.containsKey(id)) {
          try {
            adopt.add(BlockMeta.fromJson(metaJson, BlockWriter.metaKey(tenant, id)));
          } catch (RuntimeException bad) {
            LOG.warn("tenant {}: block {} has an unreadable meta.json, left alone: {}", tenant, id, bad.getMessage());
          }
        }
        continue; // committed (a pending one is published by the poll above)
      }
      if (metaJson != null) { // a tombstone: delete the folder once the tombstone is past the grace
        if (BlockTombstone.time(metaJson) + grace <= now && deleteData(id) && deleteMeta(id)) {
          deletedUncommitted.add(id);
          forget.add(id);
        }
        continue;
      }
      long since = pending.containsKey(id) ? pending.get(id).meta().createdUnixMilli() : firstSeen.getOrDefault(id, -1L);
      if (since < 0) {
        track.add(id);
        continue;
      }
      if (since + grace > now) {
        continue; // young: maybe an upload in flight in another process
      }
      try {
        if (!store.putIfAbsent(BlockWriter.metaKey(tenant, id), BlockTombstone.json(now))) {
          continue; // committed just now
        }
        store.delete(BlockWriter.dataKey(tenant, id));
        LOG.info("tenant {}: deleted uncommitted block folder {} (no meta.json since {} ms)", tenant, id, now - since);
        deletedUncommitted.add(id);
        forget.add(id); // the tombstone is deleted by a collection after another grace period
      } catch (IOException | RuntimeException ex) {
        LOG.warn("tenant {}: could not delete uncommitted block folder {}: {}", tenant, id, ex.toString());
      }
    }
    // 3. pending entries whose upload never started, past the grace
    for (TenantIndex.Pending p : v.pending()) {
      String id = p.meta().blockId();
      if (!folders.containsKey(id) && p.meta().createdUnixMilli() + grace <= now && !isCommitted(p.meta())) {
        forget.add(id);
        LOG.info("tenant {}: forgot pending block {} that was never uploaded", tenant, id);
      }
    }
    if (!forget.isEmpty() || !adopt.isEmpty() || !track.isEmpty()) {
      try {
        change(x -> x.forget(forget).adopt(adopt).trackUncommitted(track, now));
      } catch (IOException e) {
        throw new StorageException(e.getMessage(), e);
      }
      if (!adopt.isEmpty()) {
        LOG.warn("tenant {}: adopted {} committed block(s) the index did not list: {}", tenant, adopt.size(),
            adopt.stream().map(BlockMeta::blockId).toList());
      }
    }
    return new GcReport(deletedUncommitted, deletedRetired, adopt.stream().map(BlockMeta::blockId).toList());
  }

  private boolean deleteFolder(String id) {
    return deleteMeta(id) && deleteData(id);
  }

  private boolean deleteMeta(String id) {
    try {
      store.delete(BlockWriter.metaKey(tenant, id));
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn("tenant {}: could not delete {}: {}", tenant, BlockWriter.metaKey(tenant, id), e.toString());
      return false;
    }
  }

  private boolean deleteData(String id) {
    try {
      store.delete(BlockWriter.dataKey(tenant, id));
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn("tenant {}: could not delete {}: {}", tenant, BlockWriter.dataKey(tenant, id), e.toString());
      return false;
    }
  }
}
