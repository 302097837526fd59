package io.tracestore.core.catalog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tracestore.api.CorruptDataException;
import io.tracestore.core.block.BlockMeta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * One version of a tenant's index ({@code <tenant>/index.json.gz}, spec in {@code
 * docs/block-format.md}): the live blocks with their whole metas, blocks being written, blocks
 * replaced by compaction or expired by retention that wait for deletion, quarantined blocks, and
 * uncommitted block folders seen by garbage collection. Immutable; every change returns a new
 * index with the same version (the writer assigns the next version when it stores it).
 *
 * @param version monotonically increasing; version {@code n} is stored once, at {@code
 *     <tenant>/index/<n>.json.gz}, with put-if-absent
 * @param tenant the tenant
 * @param writtenUnixMilli when this version was written
 * @param live committed blocks readers serve, in commit order
 * @param pending blocks whose cut or compaction started: recorded before their data is uploaded, so
 *     a crash between {@code meta.json} and the next index version loses nothing (a pending block
 *     whose {@code meta.json} exists is live)
 * @param retired blocks no longer served (compacted away, expired, or superseded), deleted once
 *     {@link Retired#deleteAfterUnixMilli()} has passed
 * @param quarantined blocks whose data failed its checksum or could not be parsed; not served
 * @param uncommitted block folders without {@code meta.json} and without a pending entry, with
 *     when garbage collection first saw them
 */
public record TenantIndex(
    long version,
    String tenant,
    long writtenUnixMilli,
    List<BlockMeta> live,
    List<Pending> pending,
    List<Retired> retired,
    List<Quarantined> quarantined,
    List<Uncommitted> uncommitted) {

  /** Version of the index file format. */
  public static final int FORMAT_VERSION = 1;
  private static final JsonFactory JSON = new JsonFactory();

  public TenantIndex {
    Objects.requireNonNull(tenant);
    live = List.copyOf(live);
    pending = List.copyOf(pending);
    retired = List.copyOf(retired);
    quarantined = List.copyOf(quarantined);
    uncommitted = List.copyOf(uncommitted);
  }

  /**
   * A block being written.
   *
   * @param meta its meta (known before upload)
   * @param replaces ids of the blocks it replaces (compaction inputs); empty for a cut
   */
  public record Pending(BlockMeta meta, List<String> replaces) {
    public Pending {
      replaces = List.copyOf(replaces);
    }
  }

  /**
   * A block no longer served, waiting for deletion.
   *
   * @param blockId the block
   * @param retiredUnixMilli when it left the live list
   * @param deleteAfterUnixMilli its files may be deleted after this (readers in flight finish)
   * @param reason {@code compacted}, {@code retention} or {@code superseded}
   */
  public record Retired(String blockId, long retiredUnixMilli, long deleteAfterUnixMilli, String reason) {}

  /** A quarantined block: its files moved to {@code <tenant>/quarantine/<blockId>/}. */
  public record Quarantined(String blockId, long unixMilli, String reason) {}

  /** A block folder with data but no meta and no pending entry, first seen at the given time. */
  public record Uncommitted(String blockId, long firstSeenUnixMilli) {}

  /** An empty index (version 0: not stored). */
  public static TenantIndex empty(String tenant) {
    return new TenantIndex(0, tenant, 0, List.of(), List.of(), List.of(), List.of(), List.of());
  }

  // ---------------------------------------------------------------- queries

  /** True if the block is live. */
  public boolean isLive(String blockId) {
    return live.stream().anyMatch(m -> m.blockId().equals(blockId));
  }

  /** True if the index names the block in any list. */
  public boolean knows(String blockId) {
    return isLive(blockId)
        || pending.stream().anyMatch(p -> p.meta().blockId().equals(blockId))
        || retired.stream().anyMatch(r -> r.blockId().equals(blockId))
        || quarantined.stream().anyMatch(q -> q.blockId().equals(blockId));
  }

  /** True if the block is quarantined. */
  public boolean isQuarantined(String blockId) {
    return quarantined.stream().anyMatch(q -> q.blockId().equals(blockId));
  }

  /** The same content with another version and write time. */
  public TenantIndex withVersion(long newVersion, long unixMilli) {
    return new TenantIndex(newVersion, tenant, unixMilli, live, pending, retired, quarantined, uncommitted);
  }

  /** True if the lists (not version or time) are equal. */
  public boolean sameContent(TenantIndex o) {
    return live.equals(o.live) && pending.equals(o.pending) && retired.equals(o.retired)
        && quarantined.equals(o.quarantined) && uncommitted.equals(o.uncommitted);
  }

  // ---------------------------------------------------------------- changes (each idempotent)

  /** Records a block about to be uploaded. */
  public TenantIndex addPending(BlockMeta meta, List<String> replaces) {
    if (knows(meta.blockId())) {
      return this;
    }
    List<Pending> p = new ArrayList<>(pending);
    p.add(new Pending(meta, replaces));
    return new TenantIndex(version, tenant, writtenUnixMilli, live, p, retired, quarantined, uncommitted);
  }

  /**
   * A committed block ({@code meta.json} exists) becomes live, and the blocks it replaces are
   * retired; if any of those is no longer live (another compactor replaced it), the new block is
   * retired instead (its spans are served by the blocks that are live), so no span is served twice
   * and none is lost.
   */
  public TenantIndex publish(BlockMeta meta, List<String> replaces, long nowMilli, long graceMillis) {
    String id = meta.blockId();
    List<Pending> p = new ArrayList<>(pending);
    p.removeIf(x -> x.meta().blockId().equals(id));
    if (isLive(id) || retired.stream().anyMatch(r -> r.blockId().equals(id)) || isQuarantined(id)) {
      return new TenantIndex(version, tenant, writtenUnixMilli, live, p, retired, quarantined, uncommitted);
    }
    List<BlockMeta> l = new ArrayList<>(live);
    List<Retired> r = new ArrayList<>(retired);
    List<Uncommitted> u = new ArrayList<>(uncommitted);
    u.removeIf(x -> x.blockId().equals(id));
    boolean inputsLive = replaces.stream().allMatch(this::isLive);
    if (inputsLive) {
      Set<String> gone = new HashSet<>(replaces);
      l.removeIf(m -> gone.contains(m.blockId()));
      for (String in : replaces) {
        r.add(new Retired(in, nowMilli, nowMilli + graceMillis, "compacted"));
      }
      l.add(meta);
    } else {
      r.add(new Retired(id, nowMilli, nowMilli + graceMillis, "superseded"));
    }
    return new TenantIndex(version, tenant, writtenUnixMilli, l, p, r, quarantined, u);
  }

  /** Live blocks leave the live list and wait {@code graceMillis} for deletion. */
  public TenantIndex retire(Set<String> ids, String reason, long nowMilli, long graceMillis) {
    List<BlockMeta> l = new ArrayList<>(live);
    List<Retired> r = new ArrayList<>(retired);
    for (BlockMeta m : live) {
      if (ids.contains(m.blockId())) {
        l.remove(m);
        r.add(new Retired(m.blockId(), nowMilli, nowMilli + graceMillis, reason));
      }
    }
    return new TenantIndex(version, tenant, writtenUnixMilli, l, pending, r, quarantined, uncommitted);
  }

  /** Forgets blocks whose files are deleted: drops them from the retired, pending and uncommitted lists. */
  public TenantIndex forget(Set<String> ids) {
    Predicate<String> gone = ids::contains;
    List<Retired> r = new ArrayList<>(retired);
    r.removeIf(x -> gone.test(x.blockId()));
    List<Pending> p = new ArrayList<>(pending);
    p.removeIf(x -> gone.test(x.meta().blockId()));
    List<Uncommitted> u = new ArrayList<>(uncommitted);
    u.removeIf(x -> gone.test(x.blockId()));
    return new TenantIndex(version, tenant, writtenUnixMilli, live, p, r, quarantined, u);
  }

  /** Takes a block out of service (from live or pending) and records why. */
  public TenantIndex quarantine(String blockId, String reason, long nowMilli) {
    if (isQuarantined(blockId)) {
      return this;
    }
    List<BlockMeta> l = new ArrayList<>(live);
    l.removeIf(m -> m.blockId().equals(blockId));
    List<Pending> p = new ArrayList<>(pending);
    p.removeIf(x -> x.meta().blockId().equals(blockId));
    List<Quarantined> q = new ArrayList<>(quarantined);
    q.add(new Quarantined(blockId, nowMilli, reason));
    return new TenantIndex(version, tenant, writtenUnixMilli, l, p, retired, q, uncommitted);
  }

  /** Adds committed blocks found by listing that the index did not know (e.g. written by a pre-index version). */
  public TenantIndex adopt(List<BlockMeta> metas) {
    List<BlockMeta> l = new ArrayList<>(live);
    for (BlockMeta m : metas) {
      if (!knows(m.blockId())) {
        l.add(m);
      }
    }
    return new TenantIndex(version, tenant, writtenUnixMilli, l, pending, retired, quarantined, uncommitted);
  }

  /** Records uncommitted folders first seen now (those already recorded keep their time). */
  public TenantIndex trackUncommitted(Set<String> ids, long nowMilli) {
    List<Uncommitted> u = new ArrayList<>(uncommitted);
    Set<String> known = new HashSet<>();
    u.forEach(x -> known.add(x.blockId()));
    for (String id : ids) {
      if (!known.contains(id) && !knows(id)) {
        u.add(new Uncommitted(id, nowMilli));
      }
    }
    return new TenantIndex(version, tenant, writtenUnixMilli, live, pending, retired, quarantined, u);
  }

  // ---------------------------------------------------------------- encoding

  /** Gzip-compressed JSON. */
  public byte[] toGzipJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (GZIPOutputStream gz = new GZIPOutputStream(out); JsonGenerator g = JSON.createGenerator(gz)) {
      g.writeStartObject();
      g.writeNumberField("formatVersion", FORMAT_VERSION);
      g.writeStringField("tenant", tenant);
      g.writeNumberField("version", version);
      g.writeNumberField("writtenUnixMilli", writtenUnixMilli);
      g.writeArrayFieldStart("blocks");
      for (BlockMeta m : live) {
        writeMeta(g, m);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("pending");
      for (Pending p : pending) {
        g.writeStartObject();
        g.writeArrayFieldStart("replaces");
        for (String r : p.replaces()) {
          g.writeString(r);
        }
        g.writeEndArray();
        g.writeFieldName("meta");
        writeMeta(g, p.meta());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("retired");
      for (Retired r : retired) {
        g.writeStartObject();
        g.writeStringField("blockId", r.blockId());
        g.writeNumberField("retiredUnixMilli", r.retiredUnixMilli());
        g.writeNumberField("deleteAfterUnixMilli", r.deleteAfterUnixMilli());
        g.writeStringField("reason", r.reason());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("quarantined");
      for (Quarantined q : quarantined) {
        g.writeStartObject();
        g.writeStringField("blockId", q.blockId());
        g.writeNumberField("unixMilli", q.unixMilli());
        g.writeStringField("reason", q.reason());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("uncommitted");
      for (Uncommitted u : uncommitted) {
        g.writeStartObject();
        g.writeStringField("blockId", u.blockId());
        g.writeNumberField("firstSeenUnixMilli", u.firstSeenUnixMilli());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeMeta(JsonGenerator g, BlockMeta m) throws IOException {
    g.writeRawValue(new String(m.toJson(), StandardCharsets.UTF_8));
  }

  /**
   * Parses an index file; unknown fields are ignored.
   *
   * @throws CorruptDataException naming {@code source} if it is not gzip, not JSON, lacks a field or
   *     has an unknown format version
   */
  public static TenantIndex fromGzipJson(byte[] gzip, String source) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip)); JsonParser p = JSON.createParser(in)) {
      expect(p.nextToken(), JsonToken.START_OBJECT, source);
      Integer format = null;
      String tenant = null;
      Long version = null;
      long written = 0;
      List<BlockMeta> live = new ArrayList<>();
      List<Pending> pending = new ArrayList<>();
      List<Retired> retired = new ArrayList<>();
      List<Quarantined> quarantined = new ArrayList<>();
      List<Uncommitted> uncommitted = new ArrayList<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "formatVersion" -> format = p.getIntValue();
          case "tenant" -> tenant = p.getText();
          case "version" -> version = p.getLongValue();
          case "writtenUnixMilli" -> written = p.getLongValue();
          case "blocks" -> {
            expect(t, JsonToken.START_ARRAY, source);
            while (p.nextToken() == JsonToken.START_OBJECT) {
              live.add(readMeta(p, source));
            }
          }
          case "pending" -> {
            expect(t, JsonToken.START_ARRAY, source);
            while (p.nextToken() == JsonToken.START_OBJECT) {
              BlockMeta meta = null;
              List<String> replaces = new ArrayList<>();
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                if (f.equals("meta")) {
                  expect(v, JsonToken.START_OBJECT, source);
                  meta = readMeta(p, source);
                } else if (f.equals("replaces")) {
                  expect(v, JsonToken.START_ARRAY, source);
                  while (p.nextToken() == JsonToken.VALUE_STRING) {
                    replaces.add(p.getText());
                  }
                } else {
                  p.skipChildren();
                }
              }
              pending.add(new Pending(require(meta, "pending[].meta", source), replaces));
            }
          }
          case "retired" -> {
            expect(t, JsonToken.START_ARRAY, source);
            while (p.nextToken() == JsonToken.START_OBJECT) {
              Map<String, Object> o = readFlat(p);
              retired.add(new Retired(str(o, "blockId", source), num(o, "retiredUnixMilli", source),
                  num(o, "deleteAfterUnixMilli", source), o.getOrDefault("reason", "compacted").toString()));
            }
          }
          case "quarantined" -> {
            expect(t, JsonToken.START_ARRAY, source);
            while (p.nextToken() == JsonToken.START_OBJECT) {
              Map<String, Object> o = readFlat(p);
              quarantined.add(new Quarantined(str(o, "blockId", source), num(o, "unixMilli", source),
                  o.getOrDefault("reason", "").toString()));
            }
          }
          case "uncommitted" -> {
            expect(t, JsonToken.START_ARRAY, source);
            while (p.nextToken() == JsonToken.START_OBJECT) {
              Map<String, Object> o = readFlat(p);
              uncommitted.add(new Uncommitted(str(o, "blockId", source), num(o, "firstSeenUnixMilli", source)));
            }
          }
          default -> p.skipChildren();
        }
      }
      int f = require(format, "formatVersion", source);
      if (f != FORMAT_VERSION) {
        throw new CorruptDataException(source + ": index format version " + f + " is not supported (this build reads " + FORMAT_VERSION + ")");
      }
      return new TenantIndex(require(version, "version", source), require(tenant, "tenant", source), written,
          live, pending, retired, quarantined, uncommitted);
    } catch (IOException | IllegalArgumentException e) {
      throw new CorruptDataException(source + ": malformed index: " + e.getMessage(), e);
    }
  }

  /** Copies the object the parser is at (its START_OBJECT read) and parses it as a meta. */
  private static BlockMeta readMeta(JsonParser p, String source) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JSON.createGenerator(buf)) {
      g.copyCurrentStructure(p);
    }
    return BlockMeta.fromJson(buf.toByteArray(), source);
  }

  /** Scalar fields of an object (its START_OBJECT read); nested values are skipped. */
  private static Map<String, Object> readFlat(JsonParser p) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_NUMBER_INT) {
        out.put(f, p.getLongValue());
      } else if (v == JsonToken.VALUE_STRING) {
        out.put(f, p.getText());
      } else {
        p.skipChildren();
      }
    }
    return out;
  }

  private static String str(Map<String, Object> o, String f, String source) {
    Object v = o.get(f);
    if (!(v instanceof String s)) {
      throw new CorruptDataException(source + ": index entry lacks \"" + f + "\"");
    }
    return s;
  }

  private static long num(Map<String, Object> o, String f, String source) {
    Object v = o.get(f);
    if (!(v instanceof Long l)) {
      throw new CorruptDataException(source + ": index entry lacks \"" + f + "\"");
    }
    return l;
  }

  private static void expect(JsonToken actual, JsonToken expected, String source) {
    if (actual != expected) {
      throw new CorruptDataException(source + ": malformed index: expected " + expected + " but found " + actual);
    }
  }

  private static <T> T require(T value, String field, String source) {
    if (value == null) {
      throw new CorruptDataException(source + ": index lacks \"" + field + "\"");
    }
    return value;
  }
}
