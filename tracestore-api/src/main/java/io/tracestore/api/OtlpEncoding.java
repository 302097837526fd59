package io.tracestore.api;

/** The two OTLP encodings of a trace export request ({@code ExportTraceServiceRequest} / {@code TracesData}). */
public enum OtlpEncoding {
  /** Binary protobuf, as sent by OTLP/gRPC and OTLP/HTTP with {@code application/x-protobuf}. */
  PROTOBUF,
  /** OTLP/JSON, as sent by OTLP/HTTP with {@code application/json}. */
  JSON
}
