package io.tracestore.core.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracestore.testing.WorkloadGenerator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of both decoders: byte flips, random bytes, truncations, insertions,
 * deletions and duplications applied to valid encodings. Every input must decode or throw
 * {@link OtlpFormatException}; nothing else (no other exception, no error, no hang).
 */
class OtlpFuzzTest {
  static final int PROTOBUF_INPUTS = 70_000;
  static final int JSON_INPUTS = 35_000;

  @Test
  void protobufDecoderOnlyEverSucceedsOrThrowsTheTypedException() {
    List<byte[]> seeds = new ArrayList<>();
    for (long s = 0; s < 60; s++) {
      OtlpGen gen = new OtlpGen(s);
      gen.unknownFields = true;
      byte[] b = gen.request().toByteArray();
      if (b.length < 2500) {
        seeds.add(b);
      }
    }
    System.out.printf("protobuf fuzz seeds: %d, %d bytes on average%n", seeds.size(),
        seeds.stream().mapToInt(b -> b.length).sum() / seeds.size());
    seeds.add(OtlpProtobuf.encode(WorkloadGenerator.generate(1, 4)));
    Result r = fuzz(seeds, PROTOBUF_INPUTS, 0xC0FFEEL, OtlpProtobuf::decode, false);
    System.out.printf("protobuf fuzz: %d inputs, %d decoded, %d rejected, %d ms%n",
        r.inputs, r.ok, r.rejected, r.millis);
    assertThat(r.rejected).isGreaterThan(r.inputs / 10);
    assertThat(r.ok).isGreaterThan(r.inputs / 20);
  }

  @Test
  void jsonDecoderOnlyEverSucceedsOrThrowsTheTypedException() throws Exception {
    List<byte[]> seeds = new ArrayList<>();
    for (long s = 0; s < 60; s++) {
      ExportTraceServiceRequest req = new OtlpGen(s).request();
      String json = OtlpGen.idsToHex(JsonFormat.printer().omittingInsignificantWhitespace().print(req), s % 2 == 0);
      if (json.length() < 3000) {
        seeds.add(json.getBytes(StandardCharsets.UTF_8));
      }
    }
    System.out.printf("json fuzz seeds: %d, %d bytes on average%n", seeds.size(),
        seeds.stream().mapToInt(b -> b.length).sum() / seeds.size());
    seeds.add(OtlpJson.encode(WorkloadGenerator.generate(2, 3)));
    Result r = fuzz(seeds, JSON_INPUTS, 0xBEEFL, OtlpJson::decode, true);
    System.out.printf("json fuzz: %d inputs, %d decoded, %d rejected, %d ms%n", r.inputs, r.ok, r.rejected, r.millis);
    assertThat(r.rejected).isGreaterThan(r.inputs / 10);
    assertThat(r.ok).isGreaterThan(r.inputs / 50);
  }

  record Result(int inputs, int ok, int rejected, long millis) {}

  private static final byte[] JSON_TOKENS = "{}[]\":,0123456789-.eE\\ntrufalsxyz ".getBytes(StandardCharsets.US_ASCII);

  static Result fuzz(List<byte[]> seeds, int n, long seed, Consumer<byte[]> decoder, boolean json) {
    Random rnd = new Random(seed);
    int ok = 0;
    int rejected = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      byte[] base = seeds.get(rnd.nextInt(seeds.size()));
      int mutations = 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(8) : 0);
      byte[] input = base;
      for (int m = 0; m < mutations; m++) {
        input = mutate(input, rnd, json);
      }
      try {
        decoder.accept(input);
        ok++;
      } catch (OtlpFormatException e) {
        rejected++;
        if (e.getMessage() == null || e.getMessage().isEmpty()) {
          throw new AssertionError("empty message for input " + i);
        }
      } catch (Throwable t) {
        throw new AssertionError("input " + i + " (seed " + seed + "): " + t + "\n" + Arrays.toString(input), t);
      }
    }
    return new Result(n, ok, rejected, (System.nanoTime() - t0) / 1_000_000);
  }

  static byte[] mutate(byte[] in, Random rnd, boolean json) {
    if (in.length == 0) {
      return new byte[] {(byte) rnd.nextInt()};
    }
    int at = rnd.nextInt(in.length);
    switch (rnd.nextInt(8)) {
      case 0 -> { // flip a bit
        byte[] b = in.clone();
        b[at] ^= (byte) (1 << rnd.nextInt(8));
        return b;
      }
      case 1 -> { // set a byte: random, or an interesting one
        byte[] b = in.clone();
        byte[] interesting = json ? JSON_TOKENS : new byte[] {0, 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff, 0x0a, 0x12};
        b[at] = rnd.nextBoolean() ? (byte) rnd.nextInt() : interesting[rnd.nextInt(interesting.length)];
        return b;
      }
      case 2 -> { // truncate
        return Arrays.copyOf(in, at);
      }
      case 3 -> { // insert random bytes
        int len = 1 + rnd.nextInt(4);
        byte[] b = new byte[in.length + len];
        System.arraycopy(in, 0, b, 0, at);
        for (int i = 0; i < len; i++) {
          b[at + i] = json && rnd.nextBoolean() ? JSON_TOKENS[rnd.nextInt(JSON_TOKENS.length)] : (byte) rnd.nextInt();
        }
        System.arraycopy(in, at, b, at + len, in.length - at);
        return b;
      }
      case 4 -> { // delete a range
        int len = Math.min(in.length - at, 1 + rnd.nextInt(16));
        byte[] b = new byte[in.length - len];
        System.arraycopy(in, 0, b, 0, at);
        System.arraycopy(in, at + len, b, at, in.length - at - len);
        return b;
      }
      case 5 -> { // duplicate a range
        int len = Math.min(in.length - at, 1 + rnd.nextInt(64));
        byte[] b = new byte[in.length + len];
        System.arraycopy(in, 0, b, 0, at + len);
        System.arraycopy(in, at, b, at + len, in.length - at);
        return b;
      }
      case 6 -> { // overwrite with a large varint / a long run
        byte[] b = in.clone();
        int len = Math.min(b.length - at, 1 + rnd.nextInt(11));
        Arrays.fill(b, at, at + len, json ? (byte) '[' : (byte) 0xff);
        return b;
      }
      default -> { // swap two bytes
        byte[] b = in.clone();
        int other = rnd.nextInt(in.length);
        byte t = b[at];
        b[at] = b[other];
        b[other] = t;
        return b;
      }
    }
  }
}
