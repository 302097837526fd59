package io.tracestore.benchmarks;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracestore.api.Span;
import io.tracestore.core.otlp.OtlpGen;
import io.tracestore.core.otlp.OtlpJson;
import io.tracestore.core.otlp.OtlpProtobuf;
import io.tracestore.testing.WorkloadGenerator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * OTLP decode throughput in spans/s on the same bytes (10,000 generated spans in one request):
 * TraceStore's streaming protobuf and JSON decoders against the official generated classes'
 * {@code parseFrom} followed by conversion to the span model (the test suite's reference
 * converter), and {@code parseFrom} alone. Bytes per span are printed at setup, for MB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class OtlpDecodeBenchmark {
  static final int SPANS = 10_000;

  byte[] protobuf;
  byte[] json;

  @Setup
  public void setUp() {
    List<Span> spans = WorkloadGenerator.generate(42, SPANS).subList(0, SPANS);
    protobuf = OtlpProtobuf.encode(spans);
    json = OtlpJson.encode(spans);
    System.out.printf("OtlpDecodeBenchmark: %d spans, protobuf %.0f bytes/span, JSON %.0f bytes/span%n",
        SPANS, protobuf.length / (double) SPANS, json.length / (double) SPANS);
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public List<Span> tracestoreProtobuf() {
    return OtlpProtobuf.decode(protobuf);
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public List<Span> tracestoreJson() {
    return OtlpJson.decode(json);
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public List<Span> generatedParseThenConvert() throws Exception {
    return OtlpGen.toModel(ExportTraceServiceRequest.parseFrom(protobuf));
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public ExportTraceServiceRequest generatedParseOnly() throws Exception {
    return ExportTraceServiceRequest.parseFrom(protobuf);
  }
}
