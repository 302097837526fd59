package io.tracestore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void traceIdsRoundTripThroughHexAndBytes() {
    Random r = new Random(1);
    for (int i = 0; i < 1000; i++) {
      TraceId id = TraceId.of(r.nextLong(), r.nextLong());
      assertThat(TraceId.fromHex(id.toHex())).isEqualTo(id);
      assertThat(TraceId.fromHex(id.toHex().toUpperCase())).isEqualTo(id);
      assertThat(TraceId.fromBytes(id.toBytes())).isEqualTo(id);
      assertThat(id.toHex()).hasSize(32).matches("[0-9a-f]+");
    }
  }

  @Test
  void spanIdsRoundTripThroughHexAndBytes() {
    Random r = new Random(2);
    for (int i = 0; i < 1000; i++) {
      SpanId id = SpanId.of(r.nextLong());
      assertThat(SpanId.fromHex(id.toHex())).isEqualTo(id);
      assertThat(SpanId.fromBytes(id.toBytes())).isEqualTo(id);
    }
  }

  @Test
  void traceIdsOrderAsUnsignedBytes() {
    TraceId small = TraceId.fromHex("7fffffffffffffffffffffffffffffff");
    TraceId large = TraceId.fromHex("80000000000000000000000000000000");
    assertThat(small).isLessThan(large);
    assertThat(TraceId.fromHex("000000000000000000000000000000ff"))
        .isGreaterThan(TraceId.fromHex("000000000000000000000000000000fe"));
  }

  @Test
  void wrongLengthsAndNonHexAreRejectedWithTheReason() {
    assertThatThrownBy(() -> TraceId.fromHex("abc")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 hex digits");
    assertThatThrownBy(() -> TraceId.fromHex("0123456789abcdef0123456789abcdeg"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'g'");
    assertThatThrownBy(() -> SpanId.fromHex("0123456789abcdeZ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TraceId.fromBytes(new byte[15])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16 bytes");
    assertThatThrownBy(() -> SpanId.fromBytes(new byte[9])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8 bytes");
    assertThatThrownBy(() -> SpanId.fromHex("+123456789abcdef")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void allZeroIdsAreInvalid() {
    assertThat(TraceId.fromHex("00000000000000000000000000000000").isValid()).isFalse();
    assertThat(SpanId.fromHex("0000000000000000")).isEqualTo(SpanId.NONE);
    assertThat(SpanId.NONE.isValid()).isFalse();
  }

  @Test
  void attributesAreSortedUniqueAndOrderIndependent() {
    Attributes a = Attributes.of(Attribute.of("b", 1), Attribute.of("a", "x"));
    Attributes b = Attributes.builder().put("a", "x").put("b", 1L).build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.key(0)).isEqualTo("a");
    assertThat(a.getString("a")).isEqualTo("x");
    assertThat(a.getString("b")).isNull();
    assertThat(a.get("c")).isEmpty();
    assertThatThrownBy(() -> Attributes.of(Attribute.of("k", 1), Attribute.of("k", 2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"k\"");
  }

  @Test
  void bytesValuesCompareByContentAndStayImmutable() {
    byte[] raw = {1, 2, 3};
    AttributeValue.BytesValue v = AttributeValue.of(raw);
    raw[0] = 9;
    assertThat(v).isEqualTo(AttributeValue.of(new byte[] {1, 2, 3}));
    v.value()[1] = 9;
    assertThat(v.value()).containsExactly(1, 2, 3);
  }
}
