package io.tracestore.core.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracestore.api.Span;
import io.tracestore.testing.WorkloadGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class OtlpInputTest {

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bos)) {
      out.write(data);
    }
    return bos.toByteArray();
  }

  @Test
  void gunzipsGzippedPayloadsAndPassesOthersThrough() throws IOException {
    List<Span> spans = WorkloadGenerator.generate(9, 200);
    byte[] pb = OtlpProtobuf.encode(spans);
    byte[] json = OtlpJson.encode(spans);
    assertThat(OtlpInput.gunzipIfGzipped(pb)).isSameAs(pb);
    assertThat(OtlpInput.gunzipIfGzipped(json)).isSameAs(json);
    assertThat(OtlpProtobuf.decode(OtlpInput.gunzipIfGzipped(gzip(pb)))).isEqualTo(OtlpProtobuf.decode(pb));
    assertThat(OtlpJson.decode(OtlpInput.gunzipIfGzipped(gzip(json)))).isEqualTo(OtlpJson.decode(json));
    assertThat(OtlpInput.gunzipIfGzipped(gzip(new byte[0]))).isEmpty();
    assertThat(OtlpInput.gunzipIfGzipped(new byte[0])).isEmpty();
    // concatenated members decompress to the concatenation
    byte[] two = concat(gzip("ab".getBytes(StandardCharsets.UTF_8)), gzip("cd".getBytes(StandardCharsets.UTF_8)));
    assertThat(new String(OtlpInput.gunzipIfGzipped(two), StandardCharsets.UTF_8)).isEqualTo("abcd");
  }

  @Test
  void neverTruncatesSilently() throws IOException {
    byte[] zeros = new byte[3 << 20];
    byte[] z = gzip(zeros);
    assertThat(OtlpInput.gunzipIfGzipped(z, zeros.length)).hasSize(zeros.length); // exactly the limit
    assertThatThrownBy(() -> OtlpInput.gunzipIfGzipped(z, zeros.length - 1))
        .isInstanceOf(OtlpFormatException.class).hasMessageContaining("exceeds the limit of " + (zeros.length - 1));
    assertThatThrownBy(() -> OtlpInput.gunzipIfGzipped(z, 0)).isInstanceOf(OtlpFormatException.class);
    // a 64 MiB + 1 bomb against the default limit
    byte[] bomb = gzip(new byte[(64 << 20) + 1]);
    assertThatThrownBy(() -> OtlpInput.gunzipIfGzipped(bomb))
        .isInstanceOf(OtlpFormatException.class).hasMessageContaining("exceeds the limit");
  }

  @Test
  void corruptGzipIsTheTypedException() throws IOException {
    byte[] z = gzip(OtlpJson.encode(WorkloadGenerator.generate(2, 20)));
    for (int len = 2; len < z.length; len += Math.max(1, z.length / 97)) {
      byte[] cut = Arrays.copyOf(z, len);
      assertThatThrownBy(() -> OtlpInput.gunzipIfGzipped(cut)).as("len %d", len).isInstanceOf(OtlpFormatException.class);
    }
    byte[] badCrc = z.clone();
    badCrc[badCrc.length - 6] ^= 1;
    assertThatThrownBy(() -> OtlpInput.gunzipIfGzipped(badCrc)).hasMessageContaining("CRC-32");
    byte[] badSize = z.clone();
    badSize[badSize.length - 2] ^= 1;
    assertThatThrownBy(() -> OtlpInput.gunzipIfGzipped(badSize)).hasMessageContaining("length mismatch");
    byte[] trailing = concat(z, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> OtlpInput.gunzipIfGzipped(trailing))
        .isInstanceOf(OtlpFormatException.class).hasMessageContaining("trailing bytes")
        .hasMessageContaining("byte offset " + z.length);
    byte[] badMethod = z.clone();
    badMethod[2] = 7;
    assertThatThrownBy(() -> OtlpInput.gunzipIfGzipped(badMethod)).hasMessageContaining("compression method");
    Random rnd = new Random(5);
    for (int i = 0; i < 3000; i++) {
      byte[] m = OtlpFuzzTest.mutate(z, rnd, false);
      try {
        OtlpInput.gunzipIfGzipped(m);
      } catch (OtlpFormatException expected) {
        // fine
      }
    }
  }

  @Test
  void utf8ValidationAgreesWithTheStrictJdkDecoder() {
    Random rnd = new Random(11);
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    byte[] interesting = {0x00, 0x41, 0x7f, (byte) 0x80, (byte) 0x8f, (byte) 0x90, (byte) 0x9f, (byte) 0xa0, (byte) 0xbf,
      (byte) 0xc0, (byte) 0xc1, (byte) 0xc2, (byte) 0xdf, (byte) 0xe0, (byte) 0xe1, (byte) 0xec, (byte) 0xed,
      (byte) 0xee, (byte) 0xef, (byte) 0xf0, (byte) 0xf1, (byte) 0xf3, (byte) 0xf4, (byte) 0xf5, (byte) 0xff};
    int valid = 0;
    for (int i = 0; i < 200_000; i++) {
      byte[] b = new byte[rnd.nextInt(14)];
      for (int j = 0; j < b.length; j++) {
        b[j] = interesting[rnd.nextInt(interesting.length)];
      }
      boolean jdk;
      try {
        decoder.reset().decode(java.nio.ByteBuffer.wrap(b));
        jdk = true;
      } catch (CharacterCodingException e) {
        jdk = false;
      }
      boolean ours = Utf8.firstInvalid(b, 0, b.length) < 0;
      if (ours != jdk) {
        throw new AssertionError("disagree on " + Arrays.toString(b) + ": ours " + ours + ", jdk " + jdk);
      }
      valid += ours ? 1 : 0;
    }
    assertThat(valid).isGreaterThan(1000);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
