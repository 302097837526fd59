/**
 * OTLP codecs for traces, with no dependency on protobuf-java or generated classes.
 *
 * <ul>
 *   <li>{@link io.tracestore.core.otlp.OtlpProtobuf}: binary protobuf
 *       {@code ExportTraceServiceRequest}/{@code TracesData}, decoded by a hand-written streaming
 *       decoder straight into {@link io.tracestore.api.Span}s, and encoded back;
 *   <li>{@link io.tracestore.core.otlp.OtlpJson}: OTLP/JSON (hex ids, integer enums, 64-bit
 *       integers as strings), on jackson-core's streaming API;
 *   <li>{@link io.tracestore.core.otlp.OtlpInput}: gzip with a decompressed-size limit;
 *   <li>{@link io.tracestore.core.otlp.OtlpFormatException}: the one exception malformed input
 *       gives, with the byte offset and the field path.
 * </ul>
 *
 * Everything public here is stateless and thread-safe. A span decoded from either format and
 * encoded again in either format decodes to an equal span. The model keeps attributes sorted by
 * key with unique keys, so the order of attributes in the input is not kept (the order of values in
 * arrays and kvlists is), and a key repeated in one attribute list keeps its last value.
 */
package io.tracestore.core.otlp;
