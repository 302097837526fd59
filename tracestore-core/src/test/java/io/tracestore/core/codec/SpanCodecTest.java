package io.tracestore.core.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.AttributeValue;
import io.tracestore.api.Span;
import io.tracestore.core.RandomSpans;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpanCodecTest {

  @Test
  void randomBatchesRoundTripExactly() {
    for (int seed = 0; seed < 50; seed++) {
      List<Span> spans = new RandomSpans(seed).traces(50, 20);
      ByteSink sink = new ByteSink(16);
      SpanCodec.encodeBatch(spans, sink);
      assertThat(SpanCodec.decodeBatch(sink.array(), 0, sink.size())).as("seed %d", seed).isEqualTo(spans);
    }
  }

  @Test
  void spansOfABatchShareDecodedResources() {
    List<Span> spans = new RandomSpans(7).traces(200, 10);
    ByteSink sink = new ByteSink(16);
    SpanCodec.encodeBatch(spans, sink);
    List<Span> back = SpanCodec.decodeBatch(sink.array(), 0, sink.size());
    long distinct = back.stream().map(s -> System.identityHashCode(s.resource())).distinct().count();
    assertThat(distinct).isLessThanOrEqualTo(5);
  }

  @Test
  void everyTruncationOrByteFlipIsADecodeExceptionOrAValidBatch() {
    List<Span> spans = new RandomSpans(3).traces(5, 5);
    ByteSink sink = new ByteSink(16);
    SpanCodec.encodeBatch(spans, sink);
    byte[] good = sink.toByteArray();
    for (int len = 0; len < good.length; len++) {
      int n = len;
      assertThatThrownBy(() -> SpanCodec.decodeBatch(good, 0, n)).isInstanceOf(DecodeException.class);
    }
    Random r = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      byte[] bad = good.clone();
      for (int k = 1 + r.nextInt(3); k > 0; k--) {
        bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
      }
      try {
        SpanCodec.decodeBatch(bad, 0, bad.length);
      } catch (DecodeException expected) {
        // fine: typed, with an offset
      }
    }
  }

  @Test
  void declaredLengthsCannotForceHugeAllocations() {
    ByteSink sink = new ByteSink(16);
    sink.writeByte(1);
    sink.writeVarInt(Integer.MAX_VALUE); // resources
    assertThatThrownBy(() -> SpanCodec.decodeBatch(sink.array(), 0, sink.size()))
        .isInstanceOf(DecodeException.class).hasMessageContaining("exceeds the input");
  }

  @Test
  void deeplyNestedValuesAreRefused() {
    ByteSink sink = new ByteSink(16);
    for (int i = 0; i < 100; i++) {
      sink.writeByte(5);
      sink.writeVarInt(1);
    }
    sink.writeByte(3);
    sink.writeByte(1);
    assertThatThrownBy(() -> SpanCodec.decodeValue(sink.toByteArray()))
        .isInstanceOf(DecodeException.class).hasMessageContaining("nested deeper");
  }

  @Test
  void singleValuesRoundTrip() {
    RandomSpans random = new RandomSpans(5);
    for (int i = 0; i < 500; i++) {
      AttributeValue v = random.value(0);
      assertThat(SpanCodec.decodeValue(SpanCodec.encodeValue(v))).isEqualTo(v);
    }
  }
}
