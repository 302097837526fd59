package io.tracestore.core.block;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tracestore.api.CorruptDataException;
import io.tracestore.api.TraceId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The contents of a block's {@code meta.json}, its commit marker: a block without one does not
 * exist for readers. Immutable.
 *
 * @param formatVersion block format version ({@value #FORMAT_VERSION})
 * @param blockId the block's id, also its key segment
 * @param tenant the tenant that owns the block
 * @param createdUnixMilli when the block was written
 * @param minStartUnixNano earliest span start in the block
 * @param maxEndUnixNano latest span end in the block
 * @param minTraceId smallest trace id
 * @param maxTraceId largest trace id
 * @param spanCount rows in {@code data.parquet}
 * @param traceCount distinct trace ids
 * @param dedicatedResourceColumns resource attributes with a column of their own ({@code resource.<key>})
 * @param dedicatedSpanColumns span attributes with a column of their own ({@code span.<key>})
 * @param dataSize bytes of {@code data.parquet}
 * @param dataCrc32c CRC32C of {@code data.parquet}, as 8 hex digits
 * @param rowGroups per row group: rows and trace-id range, in file order
 * @param compactionLevel 0 for a block cut from the head; a compaction's output is one above its
 *     highest input (absent in older {@code meta.json}: 0)
 * @param columnValues every non-null value, sorted, of some string columns of the block (by dotted
 *     column path: {@code service_name}, {@code name}, dedicated string columns, the generic
 *     attribute lists' key columns), for columns with few distinct values; a column not listed may
 *     hold anything (absent in older {@code meta.json}: none listed)
 * @param columnRanges the smallest and largest value of the block's flat integer columns (by
 *     dotted path: {@code duration_nano}, {@code status_code}, {@code kind}, dedicated integer
 *     columns, ...), from the row groups' statistics; a column not listed may hold anything, one
 *     with no value is not listed (absent in older {@code meta.json}: none listed)
 */
public record BlockMeta(
    int formatVersion,
    String blockId,
    String tenant,
    long createdUnixMilli,
    long minStartUnixNano,
    long maxEndUnixNano,
    TraceId minTraceId,
    TraceId maxTraceId,
    long spanCount,
    long traceCount,
    List<DedicatedColumn> dedicatedResourceColumns,
    List<DedicatedColumn> dedicatedSpanColumns,
    long dataSize,
    String dataCrc32c,
    List<RowGroup> rowGroups,
    int compactionLevel,
    java.util.Map<String, List<String>> columnValues,
    java.util.Map<String, Range> columnRanges) {

  public static final int FORMAT_VERSION = 1;
  private static final JsonFactory JSON = new JsonFactory();

  public BlockMeta {
    Objects.requireNonNull(blockId);
    Objects.requireNonNull(tenant);
    dedicatedResourceColumns = List.copyOf(dedicatedResourceColumns);
    dedicatedSpanColumns = List.copyOf(dedicatedSpanColumns);
    rowGroups = List.copyOf(rowGroups);
    java.util.TreeMap<String, List<String>> values = new java.util.TreeMap<>();
    columnValues.forEach((k, v) -> values.put(k, List.copyOf(new java.util.TreeSet<>(v))));
    columnValues = java.util.Collections.unmodifiableMap(values);
    columnRanges = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(columnRanges));
    if (compactionLevel < 0) {
      throw new IllegalArgumentException("compaction level " + compactionLevel);
    }
  }

  /** A meta of compaction level 0 (a block cut from the head). */
  public BlockMeta(int formatVersion, String blockId, String tenant, long createdUnixMilli, long minStartUnixNano,
      long maxEndUnixNano, TraceId minTraceId, TraceId maxTraceId, long spanCount, long traceCount,
      List<DedicatedColumn> dedicatedResourceColumns, List<DedicatedColumn> dedicatedSpanColumns, long dataSize,
      String dataCrc32c, List<RowGroup> rowGroups) {
    this(formatVersion, blockId, tenant, createdUnixMilli, minStartUnixNano, maxEndUnixNano, minTraceId, maxTraceId,
        spanCount, traceCount, dedicatedResourceColumns, dedicatedSpanColumns, dataSize, dataCrc32c, rowGroups, 0, java.util.Map.of(),
        java.util.Map.of());
  }

  /** The smallest and largest value of a column ({@code min <= max}). */
  public record Range(long min, long max) {
    public Range {
      if (min > max) {
        throw new IllegalArgumentException("a range from " + min + " to " + max);
      }
    }
  }

  /** Most values listed per column in {@link #columnValues()}. */
  public static final int MAX_COLUMN_VALUES = 64;
  /** Most characters of the values listed per column in {@link #columnValues()}. */
  public static final int MAX_COLUMN_VALUE_CHARS = 4096;

  /** This meta with {@code values} as its {@link #columnValues()}. */
  public BlockMeta withColumnValues(java.util.Map<String, List<String>> values) {
    return new BlockMeta(formatVersion, blockId, tenant, createdUnixMilli, minStartUnixNano, maxEndUnixNano, minTraceId,
        maxTraceId, spanCount, traceCount, dedicatedResourceColumns, dedicatedSpanColumns, dataSize, dataCrc32c, rowGroups,
        compactionLevel, values, columnRanges);
  }

  /** This meta with {@code ranges} as its {@link #columnRanges()}. */
  public BlockMeta withColumnRanges(java.util.Map<String, Range> ranges) {
    return new BlockMeta(formatVersion, blockId, tenant, createdUnixMilli, minStartUnixNano, maxEndUnixNano, minTraceId,
        maxTraceId, spanCount, traceCount, dedicatedResourceColumns, dedicatedSpanColumns, dataSize, dataCrc32c, rowGroups,
        compactionLevel, columnValues, ranges);
  }

  /** The range of column {@code path}'s values in the block if {@link #columnRanges()} lists it, else null (unknown). */
  public Range rangeOf(String path) {
    return columnRanges.get(path);
  }

  /** The values of column {@code path} in the block if {@link #columnValues()} lists them, else null (unknown). */
  public List<String> valuesOf(String path) {
    return columnValues.get(path);
  }

  /** This meta with compaction level {@code level}. */
  public BlockMeta withCompactionLevel(int level) {
    return new BlockMeta(formatVersion, blockId, tenant, createdUnixMilli, minStartUnixNano, maxEndUnixNano, minTraceId,
        maxTraceId, spanCount, traceCount, dedicatedResourceColumns, dedicatedSpanColumns, dataSize, dataCrc32c, rowGroups,
        level, columnValues, columnRanges);
  }

  /** One row group's rows and trace-id range. */
  public record RowGroup(long rowCount, TraceId minTraceId, TraceId maxTraceId) {
    /** True if {@code id} lies within this row group's trace-id range. */
    public boolean mayContain(TraceId id) {
      return minTraceId.compareTo(id) <= 0 && id.compareTo(maxTraceId) <= 0;
    }
  }

  /** True if {@code id} lies within the block's trace-id range. */
  public boolean mayContain(TraceId id) {
    return minTraceId.compareTo(id) <= 0 && id.compareTo(maxTraceId) <= 0;
  }

  /** True if the block's time range overlaps {@code [start, end]}. */
  public boolean overlaps(long startUnixNano, long endUnixNano) {
    return minStartUnixNano <= endUnixNano && maxEndUnixNano >= startUnixNano;
  }

  /** Pretty-printed UTF-8 JSON. */
  public byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeNumberField("formatVersion", formatVersion);
      g.writeStringField("blockId", blockId);
      g.writeStringField("tenant", tenant);
      g.writeNumberField("createdUnixMilli", createdUnixMilli);
      g.writeNumberField("minStartUnixNano", minStartUnixNano);
      g.writeNumberField("maxEndUnixNano", maxEndUnixNano);
      g.writeStringField("minTraceId", minTraceId.toHex());
      g.writeStringField("maxTraceId", maxTraceId.toHex());
      g.writeNumberField("spanCount", spanCount);
      g.writeNumberField("traceCount", traceCount);
      g.writeObjectFieldStart("dedicatedColumns");
      writeColumns(g, "resource", dedicatedResourceColumns);
      writeColumns(g, "span", dedicatedSpanColumns);
      g.writeEndObject();
      g.writeNumberField("dataSize", dataSize);
      g.writeStringField("dataCrc32c", dataCrc32c);
      g.writeNumberField("compactionLevel", compactionLevel);
      g.writeArrayFieldStart("rowGroups");
      for (RowGroup rg : rowGroups) {
        g.writeStartObject();
        g.writeNumberField("rowCount", rg.rowCount());
        g.writeStringField("minTraceId", rg.minTraceId().toHex());
        g.writeStringField("maxTraceId", rg.maxTraceId().toHex());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeObjectFieldStart("columnValues");
      for (java.util.Map.Entry<String, List<String>> e : columnValues.entrySet()) {
        g.writeArrayFieldStart(e.getKey());
        for (String v : e.getValue()) {
          g.writeString(v);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
      g.writeObjectFieldStart("columnRanges");
      for (java.util.Map.Entry<String, Range> e : columnRanges.entrySet()) {
        g.writeArrayFieldStart(e.getKey());
        g.writeNumber(e.getValue().min());
        g.writeNumber(e.getValue().max());
        g.writeEndArray();
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeColumns(JsonGenerator g, String name, List<DedicatedColumn> columns) throws IOException {
    g.writeArrayFieldStart(name);
    for (DedicatedColumn c : columns) {
      g.writeStartObject();
      g.writeStringField("key", c.key());
      g.writeStringField("type", c.typeName());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /**
   * Parses {@code meta.json}; unknown fields are ignored so later minor versions stay readable.
   *
   * @throws CorruptDataException naming {@code source} if the JSON is malformed, lacks a field, or
   *     has a format version this code cannot read
   */
  public static BlockMeta fromJson(byte[] json, String source) {
    try (JsonParser p = JSON.createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT, source);
      Integer version = null;
      String blockId = null;
      String tenant = null;
      Long created = null;
      Long minStart = null;
      Long maxEnd = null;
      TraceId minTrace = null;
      TraceId maxTrace = null;
      Long spans = null;
      Long traces = null;
      List<DedicatedColumn> dedRes = List.of();
      List<DedicatedColumn> dedSpan = List.of();
      Long dataSize = null;
      int level = 0;
      String crc = null;
      List<RowGroup> rowGroups = new ArrayList<>();
      java.util.Map<String, List<String>> columnValues = new java.util.HashMap<>();
      java.util.Map<String, Range> columnRanges = new java.util.HashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "formatVersion" -> version = p.getIntValue();
          case "blockId" -> blockId = p.getText();
          case "tenant" -> tenant = p.getText();
          case "createdUnixMilli" -> created = p.getLongValue();
          case "minStartUnixNano" -> minStart = p.getLongValue();
          case "maxEndUnixNano" -> maxEnd = p.getLongValue();
          case "minTraceId" -> minTrace = TraceId.fromHex(p.getText());
          case "maxTraceId" -> maxTrace = TraceId.fromHex(p.getText());
          case "spanCount" -> spans = p.getLongValue();
          case "traceCount" -> traces = p.getLongValue();
          case "dataSize" -> dataSize = p.getLongValue();
          case "dataCrc32c" -> crc = p.getText();
          case "compactionLevel" -> level = p.getIntValue();
          case "columnValues" -> {
            expect(t, JsonToken.START_OBJECT, source);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String column = p.currentName();
              expect(p.nextToken(), JsonToken.START_ARRAY, source);
              List<String> values = new ArrayList<>();
              while (p.nextToken() == JsonToken.VALUE_STRING) {
                values.add(p.getText());
              }
              expect(p.currentToken(), JsonToken.END_ARRAY, source);
              columnValues.put(column, values);
            }
          }
          case "columnRanges" -> {
            expect(t, JsonToken.START_OBJECT, source);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String column = p.currentName();
              expect(p.nextToken(), JsonToken.START_ARRAY, source);
              expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT, source);
              long min = p.getLongValue();
              expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT, source);
              long max = p.getLongValue();
              expect(p.nextToken(), JsonToken.END_ARRAY, source);
              columnRanges.put(column, new Range(min, max));
            }
          }
          case "dedicatedColumns" -> {
            expect(t, JsonToken.START_OBJECT, source);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String scope = p.currentName();
              p.nextToken();
              List<DedicatedColumn> keys = readColumns(p, source);
              if (scope.equals("resource")) {
                dedRes = keys;
              } else if (scope.equals("span")) {
                dedSpan = keys;
              }
            }
          }
          case "rowGroups" -> {
            expect(t, JsonToken.START_ARRAY, source);
            while (p.nextToken() == JsonToken.START_OBJECT) {
              Long rows = null;
              TraceId lo = null;
              TraceId hi = null;
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                switch (f) {
                  case "rowCount" -> rows = p.getLongValue();
                  case "minTraceId" -> lo = TraceId.fromHex(p.getText());
                  case "maxTraceId" -> hi = TraceId.fromHex(p.getText());
                  default -> p.skipChildren();
                }
              }
              rowGroups.add(new RowGroup(require(rows, "rowGroups[].rowCount", source),
                  require(lo, "rowGroups[].minTraceId", source), require(hi, "rowGroups[].maxTraceId", source)));
            }
          }
          default -> p.skipChildren();
        }
      }
      int v = require(version, "formatVersion", source);
      if (v != FORMAT_VERSION) {
        throw new CorruptDataException(source + ": block format version " + v + " is not supported (this build reads " + FORMAT_VERSION + ")");
      }
      return new BlockMeta(v, require(blockId, "blockId", source), require(tenant, "tenant", source),
          require(created, "createdUnixMilli", source), require(minStart, "minStartUnixNano", source),
          require(maxEnd, "maxEndUnixNano", source), require(minTrace, "minTraceId", source),
          require(maxTrace, "maxTraceId", source), require(spans, "spanCount", source),
          require(traces, "traceCount", source), dedRes, dedSpan, require(dataSize, "dataSize", source),
          require(crc, "dataCrc32c", source), rowGroups, level, columnValues, columnRanges);
    } catch (IOException | IllegalArgumentException e) {
      throw new CorruptDataException(source + ": malformed meta.json: " + e.getMessage(), e);
    }
  }

  private static List<DedicatedColumn> readColumns(JsonParser p, String source) throws IOException {
    expect(p.currentToken(), JsonToken.START_ARRAY, source);
    List<DedicatedColumn> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String key = null;
      String type = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        p.nextToken();
        switch (f) {
          case "key" -> key = p.getText();
          case "type" -> type = p.getText();
          default -> p.skipChildren();
        }
      }
      out.add(new DedicatedColumn(require(key, "dedicatedColumns[].key", source),
          DedicatedColumn.parseType(require(type, "dedicatedColumns[].type", source))));
    }
    return out;
  }

  private static void expect(JsonToken actual, JsonToken expected, String source) {
    if (actual != expected) {
      throw new CorruptDataException(source + ": malformed meta.json: expected " + expected + " but found " + actual);
    }
  }

  private static <T> T require(T value, String field, String source) {
    if (value == null) {
      throw new CorruptDataException(source + ": meta.json lacks \"" + field + "\"");
    }
    return value;
  }
}
