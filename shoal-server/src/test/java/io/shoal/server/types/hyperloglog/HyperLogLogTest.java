package io.shoal.server.types.hyperloglog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The HyperLogLog format and estimator against values written by Redis 7.0 (the fixtures are
 * {@code GET} of keys after {@code PFADD small a b ... z} and {@code PFADD big el0 ... el4999};
 * both carry the cardinality Redis cached after PFCOUNT).
 */
class HyperLogLogTest {
  static byte[] fixture(String name) throws IOException {
    try (InputStream in = HyperLogLogTest.class.getResourceAsStream(name)) {
      return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
    }
  }

  static byte[][] elements(String prefix, int from, int to) {
    byte[][] elements = new byte[to - from][];
    for (int i = from; i < to; i++) {
      elements[i - from] = (prefix + i).getBytes(StandardCharsets.US_ASCII);
    }
    return elements;
  }

  static byte[] addAll(byte[] value, byte[][] elements) {
    return HyperLogLog.add(value, elements, 0, 3000, new boolean[1]);
  }

  @Test
  void sparseValueFromRedisHasTheRegistersAndEstimateShoalComputes() throws IOException {
    byte[] redis = fixture("redis-sparse-a-to-z.hex");
    assertThat(HyperLogLog.isValid(redis)).isTrue();
    assertThat(HyperLogLog.isDense(redis)).isFalse();
    byte[][] letters = new byte[26][];
    for (int i = 0; i < 26; i++) {
      letters[i] = new byte[] {(byte) ('a' + i)};
    }
    byte[] ours = addAll(HyperLogLog.createEmpty(), letters);
    assertThat(HyperLogLog.registers(ours)).isEqualTo(HyperLogLog.registers(redis));
    assertThat(HyperLogLog.count(redis)).isEqualTo(25);
    assertThat(HyperLogLog.estimate(HyperLogLog.registers(redis))).isEqualTo(25);
    // The canonical re-encoding happens to match Redis's bytes apart from the cache.
    assertThat(HyperLogLog.count(ours)).isEqualTo(25);
    assertThat(HyperLogLog.withCache(ours)).isEqualTo(redis);
  }

  @Test
  void denseValueFromRedisHasTheRegistersAndEstimateShoalComputes() throws IOException {
    byte[] redis = fixture("redis-dense-el0-to-el4999.hex");
    assertThat(HyperLogLog.isDense(redis)).isTrue();
    assertThat(redis).hasSize(HyperLogLog.DENSE_BYTES);
    byte[] ours = addAll(HyperLogLog.createEmpty(), elements("el", 0, 5000));
    assertThat(HyperLogLog.isDense(ours)).isTrue();
    assertThat(HyperLogLog.registers(ours)).isEqualTo(HyperLogLog.registers(redis));
    assertThat(HyperLogLog.estimate(HyperLogLog.registers(redis))).isEqualTo(5041);
    assertThat(HyperLogLog.count(ours)).isEqualTo(5041);
    assertThat(HyperLogLog.withCache(ours)).isEqualTo(redis);
  }

  @Test
  void emptyValueIsRedisEmptySparseWithValidZeroCache() {
    byte[] empty = HyperLogLog.createEmpty();
    assertThat(HexFormat.of().formatHex(empty)).isEqualTo("48594c4c01000000000000000000000000000000".substring(0, 32) + "7fff");
    assertThat(HyperLogLog.count(empty)).isZero();
  }

  @Test
  void denseRegistersRoundTripAtEveryBitOffset() {
    byte[] registers = new byte[HyperLogLog.REGISTERS];
    for (int i = 0; i < registers.length; i++) {
      registers[i] = (byte) ((i * 7 + 3) % 64);
    }
    byte[] dense = HyperLogLog.encodeDense(registers);
    assertThat(HyperLogLog.registers(dense)).isEqualTo(registers);
    assertThat(HyperLogLog.encodeSparse(registers)).isNull();
  }

  @Test
  void sparseEncodingRoundTripsRunsOfEveryLength() {
    byte[] registers = new byte[HyperLogLog.REGISTERS];
    registers[0] = 1;
    registers[70] = 32;
    registers[71] = 32;
    registers[72] = 32;
    registers[73] = 32;
    registers[74] = 32;
    registers[200] = 5;
    registers[HyperLogLog.REGISTERS - 1] = 2;
    byte[] sparse = HyperLogLog.encodeSparse(registers);
    assertThat(HyperLogLog.isValid(sparse)).isTrue();
    assertThat(HyperLogLog.registers(sparse)).isEqualTo(registers);
  }

  @Test
  void sparseTurnsDenseWhenOverTheByteLimit() {
    byte[] value = HyperLogLog.add(HyperLogLog.createEmpty(), elements("x", 0, 2000), 0, 100, new boolean[1]);
    assertThat(HyperLogLog.isDense(value)).isTrue();
  }

  @Test
  void corruptSparseDataIsRejected() {
    byte[] value = HyperLogLog.createEmpty();
    value[HyperLogLog.HEADER_BYTES + 1] = 0; // The XZERO run now covers 16128 registers, not 16384.
    assertThatThrownBy(() -> HyperLogLog.registers(value)).hasMessage("INVALIDOBJ Corrupted HLL object detected");
  }

  @Test
  void invalidValuesAreRecognised() {
    assertThat(HyperLogLog.isValid("hello".getBytes(StandardCharsets.US_ASCII))).isFalse();
    assertThat(HyperLogLog.isValid("HYLLxxxxxxxxxxxxxxxxxx".getBytes(StandardCharsets.US_ASCII))).isFalse();
    byte[] shortDense = HyperLogLog.createEmpty();
    shortDense[4] = 0;
    assertThat(HyperLogLog.isValid(shortDense)).isFalse();
  }

  @Test
  void estimatesStayWithinTwoPercentAtOneHundredThousandAndOneMillion() {
    byte[] value = HyperLogLog.createEmpty();
    value = addAll(value, elements("element:", 0, 100_000));
    double error = Math.abs(HyperLogLog.count(value) - 100_000) / 100_000.0;
    assertThat(error).isLessThan(0.02);
    value = addAll(value, elements("element:", 100_000, 1_000_000));
    error = Math.abs(HyperLogLog.count(value) - 1_000_000) / 1_000_000.0;
    assertThat(error).isLessThan(0.02);
  }

  @Test
  void smallCardinalitiesAreNearlyExact() {
    for (int n : new int[] {0, 1, 2, 10, 100, 1000}) {
      byte[] value = addAll(HyperLogLog.createEmpty(), elements("s", 0, n));
      assertThat(HyperLogLog.count(value)).as("n=%d", n).isBetween((long) (n * 0.97), (long) Math.ceil(n * 1.03));
    }
  }
}
