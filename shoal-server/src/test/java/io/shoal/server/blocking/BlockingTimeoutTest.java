package io.shoal.server.blocking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BlockingTimeoutTest {
  static long parse(String text) {
    return BlockingTimeout.parseSecondsToMillis(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void secondsBecomeMillisecondsRoundedUp() {
    assertThat(parse("0")).isZero();
    assertThat(parse("1")).isEqualTo(1000);
    assertThat(parse("0.0015")).isEqualTo(2);
    assertThat(parse("2.5")).isEqualTo(2500);
    assertThat(parse("-0.0001")).isZero();
    assertThat(parse("1e3")).isEqualTo(1_000_000);
  }

  @Test
  void redisErrors() {
    assertThatThrownBy(() -> parse("-1")).hasMessage("ERR timeout is negative");
    assertThatThrownBy(() -> parse("abc")).hasMessage("ERR timeout is not a float or out of range");
    assertThatThrownBy(() -> parse("")).hasMessage("ERR timeout is not a float or out of range");
    assertThatThrownBy(() -> parse(" 1")).hasMessage("ERR timeout is not a float or out of range");
    assertThatThrownBy(() -> parse("1d")).hasMessage("ERR timeout is not a float or out of range");
    assertThatThrownBy(() -> parse("nan")).hasMessage("ERR timeout is not a float or out of range");
    assertThatThrownBy(() -> parse("1e300")).hasMessage("ERR timeout is out of range");
  }
}
