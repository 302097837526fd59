package io.tracestore.core.search;

import io.tracestore.api.Span;
import io.tracestore.api.TraceId;
import io.tracestore.core.block.BlockReader;
import java.util.List;
import java.util.Map;

/**
 * What one search reads: the spans not yet in committed blocks (the head and blocks being cut),
 * grouped by trace (a span appended twice may be listed twice: readers merge by span id), and the
 * committed blocks. Taken by the store at the
 * start of a search; later appends are not seen. Immutable by convention (the store hands over
 * copies).
 *
 * @param memory spans still in memory, by trace
 * @param blocks committed blocks
 */
public record SearchSnapshot(Map<TraceId, List<Span>> memory, List<BlockReader> blocks) {}
