package io.shoal.server.command.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Expected texts were produced by Redis 7.0.15 on x86-64 (HINCRBYFLOAT). */
class LongDoubleTest {
  private static String add(String left, String right) {
    return LongDouble.add(left == null ? null : left.getBytes(StandardCharsets.US_ASCII), right.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void matchesRedisDigits() {
    assertThat(add(null, "0.1")).isEqualTo("0.1");
    assertThat(add("0.1", "0.2")).isEqualTo("0.3");
    assertThat(add(null, "10.5")).isEqualTo("10.5");
    assertThat(add("10.5", "0.1")).isEqualTo("10.6");
    assertThat(add("10.6", "5.0e3")).isEqualTo("5010.60000000000000009");
    assertThat(add(null, "1e20")).isEqualTo("100000000000000000000");
    assertThat(add("100000000000000000000", "1.5")).isEqualTo("100000000000000000000");
    assertThat(add("100000000000000000000", "-1e20")).isEqualTo("0");
    assertThat(add("3", "-5")).isEqualTo("-2");
  }

  @Test
  void refusesWhatIsNotADecimal() {
    assertThat(add("abc", "1")).isNull();
  }
}
