package io.tracestore.core;

import io.tracestore.api.Attribute;
import io.tracestore.api.AttributeValue;
import io.tracestore.api.Attributes;
import io.tracestore.api.InvalidSpanException;
import io.tracestore.api.Span;
import io.tracestore.api.SpanEvent;
import io.tracestore.api.SpanLink;
import io.tracestore.core.codec.SpanCodec;
import java.util.List;

/**
 * The checks {@code append} makes before anything is written, and the size estimate the head uses
 * for its cut policy. Stateless.
 */
final class SpanValidator {
  private SpanValidator() {}

  /**
   * Checks every span of the batch; returns the estimated encoded size of each.
   *
   * @throws InvalidSpanException naming the first bad span (position, trace id, span id) and field
   */
  static long[] validate(List<Span> spans, long maxSpanBytes) {
    long[] sizes = new long[spans.size()];
    for (int i = 0; i < sizes.length; i++) {
      Span s = spans.get(i);
      if (s == null) {
        throw new InvalidSpanException("span", "span #" + i + " of the batch is null");
      }
      sizes[i] = check(s, i, maxSpanBytes);
    }
    return sizes;
  }

  private static long check(Span s, int index, long maxSpanBytes) {
    if (!s.traceId().isValid()) {
      throw bad(s, index, "traceId", "the trace id is all zeros (invalid)");
    }
    if (!s.spanId().isValid()) {
      throw bad(s, index, "spanId", "the span id is all zeros (invalid)");
    }
    if (s.parentSpanId().equals(s.spanId())) {
      throw bad(s, index, "parentSpanId", "the span is its own parent");
    }
    if (s.startUnixNano() <= 0) {
      throw bad(s, index, "startUnixNano", "start time " + s.startUnixNano() + " is not after the Unix epoch");
    }
    if (s.endUnixNano() < s.startUnixNano()) {
      throw bad(s, index, "endUnixNano", "end time " + s.endUnixNano() + " is before start time " + s.startUnixNano());
    }
    if (s.droppedAttributesCount() < 0 || s.droppedEventsCount() < 0 || s.droppedLinksCount() < 0) {
      throw bad(s, index, "dropped counts", "a dropped count is negative");
    }
    long size = 80;
    size += text(s, index, "name", s.name());
    size += text(s, index, "statusMessage", s.statusMessage());
    size += text(s, index, "traceState", s.traceState());
    size += attributes(s, index, "attributes", s.attributes());
    for (int e = 0; e < s.events().size(); e++) {
      SpanEvent ev = s.events().get(e);
      size += 16 + text(s, index, "events.name", ev.name());
      size += attributes(s, index, "events.attributes", ev.attributes());
    }
    for (int l = 0; l < s.links().size(); l++) {
      SpanLink link = s.links().get(l);
      if (!link.traceId().isValid() || !link.spanId().isValid()) {
        throw bad(s, index, "links[" + l + "]", "a link has an all-zero trace or span id");
      }
      size += 32 + text(s, index, "links.traceState", link.traceState());
      size += attributes(s, index, "links.attributes", link.attributes());
    }
    // resource and scope are shared between spans: checked, not counted
    attributes(s, index, "resource.attributes", s.resource().attributes());
    text(s, index, "resource.schemaUrl", s.resource().schemaUrl());
    text(s, index, "scope.name", s.scope().name());
    text(s, index, "scope.version", s.scope().version());
    attributes(s, index, "scope.attributes", s.scope().attributes());
    if (size > maxSpanBytes) {
      throw bad(s, index, "span", "the span is about " + size + " bytes, over the limit of " + maxSpanBytes);
    }
    return size;
  }

  private static long attributes(Span s, int index, String field, Attributes attrs) {
    long size = 0;
    for (int i = 0; i < attrs.size(); i++) {
      String key = attrs.key(i);
      if (key.isEmpty()) {
        throw bad(s, index, field, "an attribute key is empty");
      }
      int badKey = unpairedSurrogate(key);
      if (badKey >= 0) {
        throw bad(s, index, field + "[" + key + "]", surrogateMessage(badKey));
      }
      long n = value(attrs.value(i), 0);
      if (n < 0) {
        // names are built only for the error message, never on the hot path
        throw bad(s, index, field + "[" + key + "]", n == TOO_DEEP
            ? "the value nests arrays or kvlists deeper than " + SpanCodec.MAX_VALUE_DEPTH
            : "the text has an unpaired surrogate (not valid Unicode)");
      }
      size += 4 + key.length() + n;
    }
    return size;
  }

  private static final long TOO_DEEP = -1;
  private static final long BAD_TEXT = -2;

  /** The value's estimated size, or {@link #TOO_DEEP} / {@link #BAD_TEXT}. */
  private static long value(AttributeValue v, int depth) {
    if (depth > SpanCodec.MAX_VALUE_DEPTH) {
      return TOO_DEEP;
    }
    switch (v.type()) {
      case STRING -> {
        String t = ((AttributeValue.StringValue) v).value();
        return unpairedSurrogate(t) >= 0 ? BAD_TEXT : t.length();
      }
      case LONG, DOUBLE -> {
        return 8;
      }
      case BOOLEAN -> {
        return 1;
      }
      case BYTES -> {
        return ((AttributeValue.BytesValue) v).length();
      }
      case ARRAY -> {
        long n = 2;
        for (AttributeValue e : ((AttributeValue.ArrayValue) v).values()) {
          long m = value(e, depth + 1);
          if (m < 0) {
            return m;
          }
          n += m;
        }
        return n;
      }
      default -> {
        long n = 2;
        for (Attribute e : ((AttributeValue.KeyValueListValue) v).values()) {
          long m = value(e.value(), depth + 1);
          if (m < 0 || unpairedSurrogate(e.key()) >= 0) {
            return m < 0 ? m : BAD_TEXT;
          }
          n += e.key().length() + m;
        }
        return n;
      }
    }
  }

  /** Length of a string, checking it is well-formed UTF-16 (so it encodes to UTF-8 losslessly). */
  private static long text(Span s, int index, String field, String text) {
    int bad = unpairedSurrogate(text);
    if (bad >= 0) {
      throw bad(s, index, field, surrogateMessage(bad));
    }
    return text.length();
  }

  private static String surrogateMessage(int at) {
    return "the text has an unpaired surrogate at index " + at + " (not valid Unicode)";
  }

  /** Index of the first unpaired surrogate, or -1. */
  private static int unpairedSurrogate(String text) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      }
    }
    return -1;
  }

  private static InvalidSpanException bad(Span s, int index, String field, String why) {
    return new InvalidSpanException(field, "span #" + index + " of the batch (trace " + s.traceId() + ", span "
        + s.spanId() + ") has an invalid " + field + ": " + why + "; nothing of the batch was stored");
  }
}
