package io.tracestore.core.search;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Resource;
import io.tracestore.core.block.BlockMeta;
import io.tracestore.core.block.BlockReader;
import io.tracestore.core.block.BlockSchema;
import io.tracestore.core.block.ColumnVector;
import io.tracestore.core.block.DedicatedColumn;
import io.tracestore.core.block.PageIndex;
import io.tracestore.core.block.TraceDirectory;
import io.tracestore.core.search.plan.SpanPredicate;
import io.tracestore.core.search.plan.StringMatcher;
import io.tracestore.core.search.plan.TraceCondition;
import io.tracestore.traceql.ast.BinaryOp;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;

/**
 * Finds the traces of a block that may satisfy a {@link TraceCondition}, reading only the columns
 * its predicates name. Per row group: a predicate that the column chunk statistics rule out is not
 * evaluated (a row group where that holds for every predicate is pruned, nothing read); otherwise
 * its columns are decoded (through the {@link ColumnCache}) and evaluated into a dense row bitset.
 * String predicates are decided once per dictionary entry; the terms of a conjunction run cheapest
 * and most selective kind first, each on the rows the previous ones left. Rows then mark their
 * traces, and the condition is decided per trace. Stateless apart from the cache; thread-safe.
 */
final class BlockScanner {
  private static final int STRING_CODE = AttributeValue.Type.STRING.code();
  private static final int LONG_CODE = AttributeValue.Type.LONG.code();
  private static final int DOUBLE_CODE = AttributeValue.Type.DOUBLE.code();
  private static final int ARRAY_CODE = AttributeValue.Type.ARRAY.code();
  private static final int KVLIST_CODE = AttributeValue.Type.KVLIST.code();

  private final TraceCondition condition;
  private final List<TraceCondition.Exists> leaves;
  private final ColumnCache cache;

  BlockScanner(TraceCondition condition, ColumnCache cache) {
    this.condition = condition;
    this.leaves = condition.leaves();
    this.cache = cache;
  }

  /** Number of {@link TraceCondition.Exists} leaves: the length of the flag arrays. */
  int leafCount() {
    return leaves.size();
  }

  /**
   * Per leaf of the condition, the traces of the block (indices into its {@link TraceDirectory})
   * with spans that may satisfy the leaf: {@code decided} those with at least the leaf's minimum
   * count of such spans, {@code any} those with at least one (the same sets when the minimum is 1).
   * A trace split over blocks is decided on {@code any} combined over its blocks.
   */
  record Flags(BitSet[] decided, BitSet[] any) {}

  /** The {@link Flags} of {@code block}'s traces, its row groups scanned one after another. */
  Flags flags(BlockReader block, ScanStats stats) {
    boolean[] possible = possibleLeaves(block, stats);
    if (possible == null) {
      return noFlags();
    }
    Marks marks = newMarks(block); // reads the directory: a damaged block is quarantined, with no row groups
    for (int rg = 0; rg < block.rowGroupCount(); rg++) {
      marks.add(scanRowGroup(block, rg, possible, stats));
    }
    return flags(marks);
  }

  /**
   * Per leaf, whether {@code block}'s {@code meta.json} leaves it possible; null (and its row groups
   * counted as pruned) if it leaves none: the block is not read at all. Reads nothing.
   */
  boolean[] possibleLeaves(BlockReader block, ScanStats stats) {
    boolean[] possible = new boolean[leaves.size()];
    boolean anyPossible = false;
    for (int i = 0; i < possible.length; i++) {
      possible[i] = blockMayMatch(block, leaves.get(i).predicate());
      anyPossible |= possible[i];
    }
    if (!anyPossible) {
      stats.rowGroupsPruned += block.meta().rowGroups().size(); // ruled out by meta.json: not even the footer is read
      return null;
    }
    return possible;
  }

  /** The flags of a block none of whose traces can match. */
  Flags noFlags() {
    return flags(newMarks(0, 0));
  }

  /**
   * Per leaf, the traces of one block (indices into its directory, from {@code firstTrace} on)
   * with a row that may satisfy it, and for a leaf needing more than one span the number of such
   * rows per trace (null otherwise). Marks of different row groups are combined with {@link #add}.
   * Not thread-safe.
   */
  record Marks(int firstTrace, BitSet[] any, int[][] counts) {
    /** Adds {@code other}'s marks (of traces from at least this one's first on) to these. */
    void add(Marks other) {
      int shift = other.firstTrace - firstTrace;
      for (int i = 0; i < any.length; i++) {
        BitSet o = other.any[i];
        for (int t = o.nextSetBit(0); t >= 0; t = o.nextSetBit(t + 1)) {
          any[i].set(t + shift);
        }
        if (other.counts[i] != null) {
          for (int t = 0; t < other.counts[i].length; t++) {
            counts[i][t + shift] += other.counts[i][t];
          }
        }
      }
    }
  }

  /** Empty marks for all of {@code block}'s traces. */
  Marks newMarks(BlockReader block) {
    return newMarks(0, block.directory().traceCount());
  }

  private Marks newMarks(int firstTrace, int traces) {
    BitSet[] any = new BitSet[leaves.size()];
    int[][] counts = new int[leaves.size()][];
    for (int i = 0; i < any.length; i++) {
      any[i] = new BitSet(traces);
      if (leaves.get(i).minCount() > 1) {
        counts[i] = new int[traces];
      }
    }
    return new Marks(firstTrace, any, counts);
  }

  /**
   * Evaluates the {@code possible} leaves on row group {@code rg} of {@code block}: the marks of
   * the traces with passing rows, sized to the traces of that row group, however many the block
   * has ({@link Marks#add} them to the block's). Row groups of one block may be scanned on
   * different threads.
   */
  Marks scanRowGroup(BlockReader block, int rg, boolean[] possible, ScanStats stats) {
    TraceDirectory dir = block.directory(); // a damaged block is quarantined here, and has no row groups
    List<BlockMeta.RowGroup> groups = block.meta().rowGroups();
    long rowCount = groups.get(rg).rowCount();
    if (rowCount == 0 || rg >= block.rowGroupCount()) {
      return newMarks(0, 0);
    }
    long firstRow = 0;
    for (int g = 0; g < rg; g++) {
      firstRow += groups.get(g).rowCount();
    }
    BlockMetaData md = block.rowGroup(rg);
    if (md.getRowCount() != rowCount) {
      throw new io.tracestore.api.CorruptDataException("block " + block.meta().blockId() + ": row group " + rg + " has "
          + md.getRowCount() + " rows, its meta.json says " + rowCount);
    }
    int firstTrace = dir.traceAt(firstRow);
    Marks marks = newMarks(firstTrace, dir.traceAt(firstRow + rowCount - 1) - firstTrace + 1);
    RowGroup group = new RowGroup(block, rg, md, stats);
    boolean read = false;
    for (int i = 0; i < leaves.size(); i++) {
      SpanPredicate p = leaves.get(i).predicate();
      if (possible[i] && group.mayMatch(p)) {
        read = true;
        long[] rows = group.eval(p, ones(group.rows));
        markTraces(rows, group.rows, firstRow, dir, marks.any[i], marks.firstTrace());
        if (marks.counts[i] != null) {
          countTraces(rows, firstRow, dir, marks.counts[i], marks.firstTrace());
        }
      }
    }
    if (read) {
      stats.rowGroupsInspected++;
    } else {
      stats.rowGroupsPruned++;
    }
    return marks;
  }

  /** The flags of a block's traces from the marks of all its row groups. */
  Flags flags(Marks marks) {
    BitSet[] flags = new BitSet[leaves.size()];
    BitSet[] any = marks.any;
    for (int i = 0; i < flags.length; i++) {
      if (leaves.get(i).minCount() <= 1) {
        flags[i] = any[i];
        continue;
      }
      flags[i] = new BitSet();
      int[] counts = marks.counts[i];
      int min = leaves.get(i).minCount();
      for (int t = any[i].nextSetBit(0); t >= 0; t = any[i].nextSetBit(t + 1)) {
        if (counts[t] >= min) {
          flags[i].set(t);
        }
      }
    }
    return new Flags(flags, any);
  }

  /**
   * False if the block's {@code meta.json} value lists and ranges show no span of it can satisfy
   * {@code p}: a number test no value in its column's range passes (below), a string test of a
   * listed column no listed value passes (nor a null, where one passes as ""),
   * or of an attribute whose dedicated column is listed without a passing value and whose key is
   * listed as absent from the scope's generic attribute list.
   */
  private static boolean blockMayMatch(BlockReader block, SpanPredicate p) {
    if (p instanceof SpanPredicate.Constant c) {
      return c.value();
    }
    if (p instanceof SpanPredicate.And a) {
      return a.terms().stream().allMatch(t -> blockMayMatch(block, t));
    }
    if (p instanceof SpanPredicate.Or o) {
      return o.terms().stream().anyMatch(t -> blockMayMatch(block, t));
    }
    if (p instanceof SpanPredicate.NumberTest n) {
      return blockMayMatch(block.meta(), n);
    }
    if (!(p instanceof SpanPredicate.StringTest s)) {
      return true;
    }
    BlockMeta meta = block.meta();
    if (s.field() instanceof SpanPredicate.Column c) {
      List<String> values = meta.valuesOf(c.name());
      return values == null || s.matcher().test("") || values.stream().anyMatch(s.matcher()::test);
    }
    SpanPredicate.AttributeField a = (SpanPredicate.AttributeField) s.field();
    List<String> keys = meta.valuesOf((a.resource() ? BlockSchema.RESOURCE_ATTRS : BlockSchema.SPAN_ATTRS) + ".list.element." + BlockSchema.KEY);
    if (keys == null || keys.contains(a.key())) {
      return true; // the generic list may hold it
    }
    String column = dedicatedColumn(meta, a, AttributeValue.Type.STRING);
    if (column == null) {
      return false; // no dedicated string column and not in the generic list: no span has the attribute
    }
    List<String> values = meta.valuesOf(column);
    return values == null || values.stream().anyMatch(s.matcher()::test);
  }

  /**
   * False if the block's {@code meta.json} value ranges show no span can satisfy {@code n}: its
   * column's range (an intrinsic, or the attribute's dedicated integer column) holds no passing
   * value, or the attribute is in no generic list and in no dedicated number column.
   */
  private static boolean blockMayMatch(BlockMeta meta, SpanPredicate.NumberTest n) {
    if (n.field() instanceof SpanPredicate.Column c) {
      BlockMeta.Range r = meta.rangeOf(c.name());
      return r == null || rangeMayMatch(n, r);
    }
    SpanPredicate.AttributeField a = (SpanPredicate.AttributeField) n.field();
    List<String> keys = meta.valuesOf((a.resource() ? BlockSchema.RESOURCE_ATTRS : BlockSchema.SPAN_ATTRS) + ".list.element." + BlockSchema.KEY);
    if (keys == null || keys.contains(a.key()) || dedicatedColumn(meta, a, AttributeValue.Type.DOUBLE) != null) {
      return true; // the generic list may hold it (an array may pass), or a double column: no range kept
    }
    String column = dedicatedColumn(meta, a, AttributeValue.Type.LONG);
    if (column == null) {
      return false; // no span has the attribute as a number
    }
    BlockMeta.Range r = meta.rangeOf(column);
    return r == null || rangeMayMatch(n, r);
  }

  /** False if no value in {@code r} satisfies the test (integers compared exactly). */
  private static boolean rangeMayMatch(SpanPredicate.NumberTest n, BlockMeta.Range r) {
    if (!n.integral()) { // widened: a long far from zero may not be a double
      return rangeMayMatch(n, Math.nextDown((double) r.min()), Math.nextUp((double) r.max()));
    }
    long k = n.longConstant();
    return switch (n.op()) {
      case EQ -> r.min() <= k && k <= r.max();
      case NEQ -> !(r.min() == k && r.max() == k);
      case LT -> r.min() < k;
      case LTE -> r.min() <= k;
      case GT -> r.max() > k;
      case GTE -> r.max() >= k;
      default -> true;
    };
  }

  /** Adds to {@code counts} (from trace {@code firstTrace} on) one per row set in {@code bits}, for the row's trace. */
  private static void countTraces(long[] bits, long first, TraceDirectory dir, int[] counts, int firstTrace) {
    int t = dir.traceAt(first);
    for (int r = nextSetBit(bits, 0); r >= 0; r = nextSetBit(bits, r + 1)) {
      while (dir.firstRow(t + 1) <= first + r) {
        t++;
      }
      counts[t - firstTrace]++;
    }
  }

  /** The traces whose flags satisfy the condition. */
  BitSet decide(BitSet[] flags) {
    BitSet any = new BitSet();
    for (BitSet f : flags) {
      any.or(f);
    }
    BitSet out = new BitSet();
    boolean[] f = new boolean[flags.length];
    for (int t = any.nextSetBit(0); t >= 0; t = any.nextSetBit(t + 1)) {
      for (int i = 0; i < flags.length; i++) {
        f[i] = flags[i].get(t);
      }
      if (condition.test(f)) {
        out.set(t);
      }
    }
    return out;
  }

  /** True if a trace with these flags (one per leaf) satisfies the condition. */
  boolean decide(boolean[] flags) {
    return condition.test(flags);
  }

  /**
   * Sets in {@code flags} (from trace {@code firstTrace} on) the trace of every row set in {@code
   * bits} (rows of a row group starting at block row {@code first}).
   */
  private static void markTraces(long[] bits, int rows, long first, TraceDirectory dir, BitSet flags, int firstTrace) {
    int t = dir.traceAt(first);
    int r = nextSetBit(bits, 0);
    while (r >= 0) {
      long row = first + r;
      while (dir.firstRow(t + 1) <= row) {
        t++;
      }
      flags.set(t - firstTrace);
      long next = dir.firstRow(t + 1) - first;
      if (next >= rows) {
        break;
      }
      r = nextSetBit(bits, (int) next);
    }
  }

  // ------------------------------------------------------------------ bitsets

  static long[] ones(int n) {
    long[] b = new long[(n + 63) >>> 6];
    java.util.Arrays.fill(b, -1L);
    if ((n & 63) != 0) {
      b[b.length - 1] = (1L << (n & 63)) - 1;
    }
    return b;
  }

  static int nextSetBit(long[] bits, int from) {
    int w = from >>> 6;
    if (w >= bits.length) {
      return -1;
    }
    long word = bits[w] & (-1L << (from & 63));
    while (true) {
      if (word != 0) {
        return (w << 6) + Long.numberOfTrailingZeros(word);
      }
      if (++w == bits.length) {
        return -1;
      }
      word = bits[w];
    }
  }

  private static boolean isEmpty(long[] bits) {
    for (long w : bits) {
      if (w != 0) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ one row group

  /** Evaluation of predicates over one row group. */
  private final class RowGroup {
    final BlockReader block;
    final int index;
    final BlockMetaData md;
    final int rows;
    final ScanStats stats;

    RowGroup(BlockReader block, int index, BlockMetaData md, ScanStats stats) {
      this.block = block;
      this.index = index;
      this.md = md;
      this.rows = (int) md.getRowCount();
      this.stats = stats;
    }

    ColumnVector vector(String column) {
      return cache.vector(block, index, column, stats);
    }

    /** False if the chunk statistics show no row can satisfy {@code p}. */
    boolean mayMatch(SpanPredicate p) {
      if (p instanceof SpanPredicate.Constant c) {
        return c.value();
      }
      if (p instanceof SpanPredicate.And a) {
        return a.terms().stream().allMatch(this::mayMatch);
      }
      if (p instanceof SpanPredicate.Or o) {
        return o.terms().stream().anyMatch(this::mayMatch);
      }
      if (p instanceof SpanPredicate.NumberTest n && n.field() instanceof SpanPredicate.Column c) {
        ColumnChunkMetaData chunk = chunk(c.name());
        Statistics<?> st = chunk == null ? null : chunk.getStatistics();
        if (st == null || st.isEmpty() || !(st.genericGetMin() instanceof Number min) || !(st.genericGetMax() instanceof Number max)) {
          return true;
        }
        return rangeMayMatch(n, min.doubleValue(), max.doubleValue());
      }
      if (p instanceof SpanPredicate.StringTest t && t.field() instanceof SpanPredicate.Column c) {
        ColumnChunkMetaData chunk = chunk(c.name());
        Statistics<?> st = chunk == null ? null : chunk.getStatistics();
        if (st == null || st.isEmpty()) {
          return true;
        }
        boolean onlyNulls = !st.hasNonNullValue();
        return stringBoundsMayMatch(onlyNulls ? null : st.getMinBytes(), onlyNulls ? null : st.getMaxBytes(),
            !st.isNumNullsSet() || st.getNumNulls() > 0, onlyNulls, t.matcher(), true);
      }
      return true;
    }

    /** The chunk of top-level column {@code column}, or null. */
    private ColumnChunkMetaData chunk(String column) {
      int c = block.columnPosition(column);
      return c < 0 || md.getColumns().get(c).getPath().size() != 1 ? null : md.getColumns().get(c);
    }

    /** The rows of {@code mask} that satisfy {@code p}. */
    long[] eval(SpanPredicate p, long[] mask) {
      if (p instanceof SpanPredicate.Constant c) {
        return c.value() ? mask.clone() : new long[mask.length];
      }
      if (p instanceof SpanPredicate.And a) {
        List<SpanPredicate> terms = new ArrayList<>(a.terms());
        terms.sort(Comparator.comparingInt(BlockScanner::cost));
        long[] m = mask;
        for (SpanPredicate t : terms) {
          m = eval(t, m);
          if (isEmpty(m)) {
            break;
          }
        }
        return m == mask ? mask.clone() : m;
      }
      if (p instanceof SpanPredicate.Or o) {
        long[] r = new long[mask.length];
        for (SpanPredicate t : o.terms()) {
          long[] rest = mask.clone();
          for (int i = 0; i < rest.length; i++) {
            rest[i] &= ~r[i];
          }
          long[] hit = eval(t, rest);
          for (int i = 0; i < r.length; i++) {
            r[i] |= hit[i];
          }
        }
        return r;
      }
      if (p instanceof SpanPredicate.StringTest s) {
        return strings(s, mask);
      }
      return numbers((SpanPredicate.NumberTest) p, mask);
    }

    private long[] strings(SpanPredicate.StringTest s, long[] mask) {
      long[] out = new long[mask.length];
      StringMatcher m = s.matcher();
      if (s.field() instanceof SpanPredicate.Column c) {
        column(c.name(), mask, (pages, p) -> stringPageMayMatch(pages, p, m, true), dictionaryTest(m, true),
            (v, rows) -> stringColumn(v, m, true, rows, out));
        return out;
      }
      SpanPredicate.AttributeField a = (SpanPredicate.AttributeField) s.field();
      String column = dedicated(a, AttributeValue.Type.STRING);
      if (column != null) {
        column(column, mask, (pages, p) -> stringPageMayMatch(pages, p, m, false), dictionaryTest(m, false),
            (v, rows) -> stringColumn(v, m, false, rows, out));
      }
      generic(a, mask, out, s, null);
      return out;
    }

    private long[] numbers(SpanPredicate.NumberTest n, long[] mask) {
      long[] out = new long[mask.length];
      if (n.field() instanceof SpanPredicate.Column c) {
        column(c.name(), mask, (pages, p) -> numberPageMayMatch(pages, p, n), null, (v, rows) -> numberColumn(v, n, rows, out));
        return out;
      }
      SpanPredicate.AttributeField a = (SpanPredicate.AttributeField) n.field();
      String column = dedicated(a, AttributeValue.Type.LONG);
      if (column == null) {
        column = dedicated(a, AttributeValue.Type.DOUBLE);
      }
      if (column != null) {
        column(column, mask, (pages, p) -> numberPageMayMatch(pages, p, n), null, (v, rows) -> numberColumn(v, n, rows, out));
      }
      generic(a, mask, out, null, n);
      return out;
    }

    /**
     * Runs {@code kernel} over the rows of {@code mask} in flat column {@code name} that lie on pages
     * {@code mayMatch} keeps (the page index rules the others out unread). The column comes from the
     * cache if it is there. Else, if the chunk is wholly dictionary-encoded and {@code dictionary}
     * (if not null) finds no entry that may pass, nothing is read; if at most half its pages are
     * wanted and no search read part of it recently, only those pages are read (and not cached);
     * else the whole chunk is decoded into the cache (so a repeated query decodes it once).
     * Nothing if the block has no such column.
     */
    private void column(String name, long[] mask, PageTest mayMatch, java.util.function.Predicate<String[]> dictionary, Kernel kernel) {
      PageIndex pages = block.pageIndex(index, name);
      if (pages == null) {
        return;
      }
      long[] live = mask;
      int count = pages.pageCount();
      long[] from = new long[count];
      long[] to = new long[count];
      int ranges = 0;
      int wanted = 0;
      for (int p = 0; p < count; p++) {
        int first = (int) pages.firstRow(p);
        int end = (int) pages.endRow(p);
        if (!anySet(live, first, end)) {
          continue;
        }
        if (!mayMatch.test(pages, p)) {
          stats.pagesPruned++;
          if (live == mask) {
            live = mask.clone();
          }
          clear(live, first, end);
          continue;
        }
        wanted++;
        if (ranges > 0 && to[ranges - 1] == first) {
          to[ranges - 1] = end;
        } else {
          from[ranges] = first;
          to[ranges] = end;
          ranges++;
        }
      }
      if (wanted == 0) {
        return;
      }
      ColumnVector whole = cache.cached(block, index, name, stats);
      if (whole == null && dictionary != null) {
        String[] values = block.dictionaryStrings(index, name);
        if (values != null && !dictionary.test(values)) {
          stats.pagesPruned += wanted; // no value of the chunk passes: its data pages are not read
          return;
        }
      }
      stats.pagesInspected += wanted;
      if (whole == null && (2 * wanted > count || cache.readInPartBefore(block, index, name))) {
        whole = cache.vector(block, index, name, stats);
      }
      if (whole != null) {
        kernel.run(new Slice(whole, new long[] {0}, new long[] {rows}), live);
      } else {
        from = java.util.Arrays.copyOf(from, ranges);
        to = java.util.Arrays.copyOf(to, ranges);
        ColumnVector part = cache.readRows(block, index, name, from, to, stats);
        if (part != null) {
          kernel.run(new Slice(part, from, to), live);
        }
      }
    }

    /** The block's dedicated column holding values of {@code type} for the attribute, or null. */
    private String dedicated(SpanPredicate.AttributeField a, AttributeValue.Type type) {
      return dedicatedColumn(block.meta(), a, type);
    }

    /**
     * Sets in {@code out} the rows of {@code mask} whose generic attribute list holds the key with a
     * value that passes (or may pass: arrays, lists) the string or number test.
     */
    private void generic(SpanPredicate.AttributeField a, long[] mask, long[] out, SpanPredicate.StringTest s, SpanPredicate.NumberTest n) {
      String list = (a.resource() ? BlockSchema.RESOURCE_ATTRS : BlockSchema.SPAN_ATTRS) + ".list.element.";
      ColumnVector keys = cache.cached(block, index, list + BlockSchema.KEY, stats);
      if (keys == null) {
        String[] dict = block.dictionaryStrings(index, list + BlockSchema.KEY);
        if (dict != null && !java.util.Arrays.asList(dict).contains(a.key())) {
          return; // the key is in no generic list of this row group: nothing read
        }
        keys = vector(list + BlockSchema.KEY);
      }
      if (keys == null) {
        return;
      }
      int keyId = -1;
      String[] dict = keys.dictionary();
      for (int i = 0; i < dict.length; i++) {
        if (dict[i].equals(a.key())) {
          keyId = i;
          break;
        }
      }
      if (keyId < 0) {
        return; // no row of this row group has the key in its generic list
      }
      int[] types = vector(list + BlockSchema.TYPE).ints();
      int[] keyIds = keys.ids();
      int[] starts = keys.rowStarts();
      ColumnVector strs = s != null ? vector(list + BlockSchema.STR) : null;
      boolean[] ok = s != null ? passing(strs, s.matcher()) : null;
      ColumnVector ints = n != null ? vector(list + BlockSchema.INT) : null;
      ColumnVector dbls = n != null ? vector(list + BlockSchema.DBL) : null;
      for (int r = nextSetBit(mask, 0); r >= 0; r = nextSetBit(mask, r + 1)) {
        for (int e = starts[r], end = starts[r + 1]; e < end; e++) {
          if (keyIds[e] != keyId) {
            continue;
          }
          int type = types[e];
          boolean pass;
          if (type == ARRAY_CODE || type == KVLIST_CODE) {
            pass = true; // decided exactly later
          } else if (s != null) {
            int sid = strs.ids()[e];
            pass = type == STRING_CODE && (sid >= 0 ? ok[sid] : s.matcher().test("")); // a null str reads as ""
          } else if (type == LONG_CODE) {
            pass = compare(n, ints.longs()[e], true);
          } else if (type == DOUBLE_CODE) {
            pass = compare(n, dbls.doubles()[e], false);
          } else {
            pass = false;
          }
          if (pass) {
            out[r >>> 6] |= 1L << r;
            break;
          }
        }
      }
    }
  }

  /** The dedicated column of {@code meta}'s block holding values of {@code type} for the attribute, or null. */
  private static String dedicatedColumn(BlockMeta meta, SpanPredicate.AttributeField a, AttributeValue.Type type) {
    if (a.resource() && a.key().equals(Resource.SERVICE_NAME)) {
      return type == AttributeValue.Type.STRING ? BlockSchema.SERVICE_NAME : null;
    }
    List<DedicatedColumn> columns = a.resource() ? meta.dedicatedResourceColumns() : meta.dedicatedSpanColumns();
    for (DedicatedColumn d : columns) {
      if (d.key().equals(a.key()) && d.type() == type) {
        return (a.resource() ? BlockSchema.RESOURCE_PREFIX : BlockSchema.SPAN_PREFIX) + d.key();
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ kernels

  /** Per dictionary entry: does it pass. */
  private static boolean[] passing(ColumnVector v, StringMatcher m) {
    String[] dict = v.dictionary();
    boolean[] ok = new boolean[dict.length];
    for (int i = 0; i < dict.length; i++) {
      ok[i] = m.test(dict[i]);
    }
    return ok;
  }

  /** Decides from its bounds whether a page may hold a row passing a test. */
  @FunctionalInterface
  private interface PageTest {
    boolean test(PageIndex pages, int page);
  }

  /** Evaluates a test on the rows of {@code rows} that {@code slice} holds, setting those that pass. */
  @FunctionalInterface
  private interface Kernel {
    void run(Slice slice, long[] rows);
  }

  /**
   * Rows {@code [from[k], to[k])} of a row group held by one vector, one run after another: row
   * {@code r} of run {@code k} is value {@code r - from[k] + (rows of the runs before)}.
   */
  private record Slice(ColumnVector vector, long[] from, long[] to) {}

  // stringColumn and numberColumn share their loop over the slice's runs and the mask's words: the
  // test is written out in each so it is inlined in the loop, not called through a lambda per row

  /** Rows of {@code mask} in {@code slice} whose value passes; a null passes as "" if {@code nullIsEmpty}. */
  private static void stringColumn(Slice slice, StringMatcher m, boolean nullIsEmpty, long[] mask, long[] out) {
    ColumnVector v = slice.vector();
    boolean[] ok = passing(v, m);
    boolean nullOk = nullIsEmpty && m.test("");
    int[] ids = v.ids();
    int at = 0;
    for (int k = 0; k < slice.from().length; k++) {
      int lo = (int) slice.from()[k];
      int hi = (int) slice.to()[k];
      int shift = at - lo;
      for (int w = lo >>> 6, last = (hi - 1) >>> 6; w <= last; w++) {
        long word = mask[w] & within(w, lo, hi);
        long hit = 0;
        while (word != 0) {
          int b = Long.numberOfTrailingZeros(word);
          word &= word - 1;
          int id = ids[(w << 6) + b + shift];
          if (id >= 0 ? ok[id] : nullOk) {
            hit |= 1L << b;
          }
        }
        out[w] |= hit;
      }
      at += hi - lo;
    }
  }

  private static void numberColumn(Slice slice, SpanPredicate.NumberTest n, long[] mask, long[] out) {
    ColumnVector v = slice.vector();
    int at = 0;
    for (int k = 0; k < slice.from().length; k++) {
      int lo = (int) slice.from()[k];
      int hi = (int) slice.to()[k];
      int shift = at - lo;
      for (int w = lo >>> 6, last = (hi - 1) >>> 6; w <= last; w++) {
        long word = mask[w] & within(w, lo, hi);
        long hit = 0;
        while (word != 0) {
          int b = Long.numberOfTrailingZeros(word);
          word &= word - 1;
          int i = (w << 6) + b + shift;
          if (!v.isSet(i)) {
            continue;
          }
          boolean pass = switch (v.kind()) {
            case LONG -> compare(n, v.longs()[i], true);
            case INT -> compare(n, v.ints()[i], true);
            case DOUBLE -> compare(n, v.doubles()[i], false);
            default -> true;
          };
          if (pass) {
            hit |= 1L << b;
          }
        }
        out[w] |= hit;
      }
      at += hi - lo;
    }
  }

  /** The bits of word {@code w} that stand for rows in {@code [lo, hi)} (hi > lo). */
  private static long within(int w, int lo, int hi) {
    long bits = -1L;
    if (w == lo >>> 6) {
      bits &= -1L << (lo & 63);
    }
    if (w == (hi - 1) >>> 6) {
      bits &= -1L >>> (63 - ((hi - 1) & 63));
    }
    return bits;
  }

  /** True if a bit of {@code bits} in {@code [lo, hi)} is set. */
  private static boolean anySet(long[] bits, int lo, int hi) {
    if (hi <= lo) {
      return false;
    }
    for (int w = lo >>> 6, last = (hi - 1) >>> 6; w <= last; w++) {
      if ((bits[w] & within(w, lo, hi)) != 0) {
        return true;
      }
    }
    return false;
  }

  /** Clears the bits of {@code bits} in {@code [lo, hi)}. */
  private static void clear(long[] bits, int lo, int hi) {
    if (hi <= lo) {
      return;
    }
    for (int w = lo >>> 6, last = (hi - 1) >>> 6; w <= last; w++) {
      bits[w] &= ~within(w, lo, hi);
    }
  }

  // ------------------------------------------------------------------ page bounds

  /**
   * False if the page's bounds show no value passes the number test (a null never passes one).
   * Integral columns against integral constants are compared as longs, as the kernels compare.
   */
  static boolean numberPageMayMatch(PageIndex pages, int p, SpanPredicate.NumberTest n) {
    if (!pages.hasBounds()) {
      return true;
    }
    if (pages.onlyNulls(p)) {
      return false;
    }
    switch (pages.type()) {
      case INT32, INT64 -> {
        long min = pages.minLong(p);
        long max = pages.maxLong(p);
        if (n.integral()) {
          long k = n.longConstant();
          return switch (n.op()) {
            case EQ -> min <= k && k <= max;
            case NEQ -> !(min == k && max == k);
            case LT -> min < k;
            case LTE -> min <= k;
            case GT -> max > k;
            case GTE -> max >= k;
            default -> true;
          };
        }
        return rangeMayMatch(n, min, max);
      }
      case DOUBLE -> {
        double min = pages.minDouble(p);
        double max = pages.maxDouble(p);
        // NaN passes only !=, and a page's bounds need not say whether it holds one
        return n.op() == BinaryOp.NEQ || Double.isNaN(min) || Double.isNaN(max) || rangeMayMatch(n, min, max);
      }
      default -> {
        return true;
      }
    }
  }

  /**
   * False if the page's bounds show no value passes the string test: equality, sets and prefixes are
   * checked against the bounds in UTF-8 byte order (as Parquet orders strings; bounds may be
   * truncated, which only widens them); a null passes as "" if {@code nullIsEmpty}.
   */
  static boolean stringPageMayMatch(PageIndex pages, int p, StringMatcher m, boolean nullIsEmpty) {
    if (!pages.hasBounds()) {
      return true;
    }
    boolean onlyNulls = pages.onlyNulls(p);
    return stringBoundsMayMatch(onlyNulls ? null : pages.minBytes(p), onlyNulls ? null : pages.maxBytes(p), pages.mayHaveNulls(p),
        onlyNulls, m, nullIsEmpty);
  }

  /** {@link #stringPageMayMatch} for values between {@code min} and {@code max} (UTF-8, unsigned byte order). */
  static boolean stringBoundsMayMatch(byte[] min, byte[] max, boolean mayHaveNulls, boolean onlyNulls, StringMatcher m,
      boolean nullIsEmpty) {
    if (mayHaveNulls && nullIsEmpty && m.test("")) {
      return true;
    }
    if (onlyNulls) {
      return false;
    }
    if (m instanceof StringMatcher.Equals e) {
      return inBounds(e.value(), min, max);
    }
    if (m instanceof StringMatcher.In in) {
      return in.values().stream().anyMatch(v -> inBounds(v, min, max));
    }
    if (m instanceof StringMatcher.Prefix pre) {
      byte[] prefix = utf8(pre.prefix());
      if (prefix == null) {
        return true;
      }
      // values with the prefix lie between min and max, so the bounds cut to its length enclose it
      return java.util.Arrays.compareUnsigned(min, 0, Math.min(min.length, prefix.length), prefix, 0, prefix.length) <= 0
          && java.util.Arrays.compareUnsigned(max, 0, Math.min(max.length, prefix.length), prefix, 0, prefix.length) >= 0;
    }
    return true;
  }

  /** A test of a chunk's dictionary: true if an entry passes {@code m}, or a null would and the chunk may hold one. */
  private static java.util.function.Predicate<String[]> dictionaryTest(StringMatcher m, boolean nullIsEmpty) {
    if (nullIsEmpty && m.test("")) {
      return null; // nulls pass; the dictionary cannot rule the chunk out
    }
    return values -> {
      for (String v : values) {
        if (m.test(v)) {
          return true;
        }
      }
      return false;
    };
  }

  private static boolean inBounds(String value, byte[] min, byte[] max) {
    byte[] v = utf8(value);
    return v == null || (java.util.Arrays.compareUnsigned(min, v) <= 0 && java.util.Arrays.compareUnsigned(v, max) <= 0);
  }

  /** The UTF-8 bytes of {@code s}; null if it is not well-formed UTF-16 (it then has no exact UTF-8 form). */
  private static byte[] utf8(String s) {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8).equals(s) ? b : null;
  }

  /** {@code value op constant}, as longs when both are integral (as TraceQL compares). */
  private static boolean compare(SpanPredicate.NumberTest n, double value, boolean integral) {
    if (integral && n.integral()) {
      return Values.ordered(n.op(), Long.compare((long) value, n.longConstant()));
    }
    if (Double.isNaN(value) || Double.isNaN(n.constant())) {
      return n.op() == BinaryOp.NEQ;
    }
    return Values.ordered(n.op(), Double.compare(value, n.constant()));
  }

  private static boolean compare(SpanPredicate.NumberTest n, long value, boolean integral) {
    if (integral && n.integral()) {
      return Values.ordered(n.op(), Long.compare(value, n.longConstant()));
    }
    return compare(n, (double) value, false);
  }

  /** False if no value in {@code [min, max]} satisfies the test. */
  private static boolean rangeMayMatch(SpanPredicate.NumberTest n, double min, double max) {
    double k = n.constant();
    return switch (n.op()) {
      case EQ -> min <= k && k <= max;
      case NEQ -> !(min == k && max == k);
      case LT -> min < k;
      case LTE -> min <= k;
      case GT -> max > k;
      case GTE -> max >= k;
      default -> true;
    };
  }

  /** Evaluation order within a conjunction: cheap and usually selective first. */
  private static int cost(SpanPredicate p) {
    if (p instanceof SpanPredicate.NumberTest n && n.field() instanceof SpanPredicate.Column) {
      return n.op() == BinaryOp.EQ ? 0 : 2;
    }
    if (p instanceof SpanPredicate.StringTest s && (s.matcher() instanceof StringMatcher.Equals || s.matcher() instanceof StringMatcher.In)) {
      return s.field() instanceof SpanPredicate.Column ? 1 : 3;
    }
    if (p instanceof SpanPredicate.StringTest || p instanceof SpanPredicate.NumberTest) {
      return 4;
    }
    return 5;
  }
}
