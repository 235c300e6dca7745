package io.shoal.server.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The integer fast path of double parsing gives exactly what the general parser gives. */
class NumberFormatTest {
  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void integerTextIsWhatLongToStringWrites() {
    Random random = new Random(11);
    long[] edges = {0, 1, -1, 9, 10, -10, 99, 100, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1,
        Long.MIN_VALUE + 1, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L, -1_000_000_000_000_000_000L};
    for (long value : edges) {
      assertThat(new String(NumberFormat.toBytes(value), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(value));
    }
    for (int i = 0; i < 20_000; i++) {
      long value = random.nextLong() >> random.nextInt(64);
      assertThat(new String(NumberFormat.toBytes(value), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(value));
    }
  }

  @Test
  void integerTextParsesAsTheGeneralParserDoes() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      int digits = 1 + random.nextInt(17);
      StringBuilder text = new StringBuilder(random.nextBoolean() ? "-" : "");
      for (int d = 0; d < digits; d++) {
        text.append((char) ('0' + random.nextInt(10)));
      }
      double expected = Double.parseDouble(text.toString());
      assertThat(Double.doubleToRawLongBits(NumberFormat.parseDouble(bytes(text.toString()))))
          .as(text.toString()).isEqualTo(Double.doubleToRawLongBits(expected));
      assertThat(NumberFormat.tryParseDouble(bytes(text.toString()))).as(text.toString()).isEqualTo(expected);
    }
  }

  @Test
  void minusZeroLeadingZerosAndNonNumbers() {
    assertThat(Double.doubleToRawLongBits(NumberFormat.parseDouble(bytes("-0")))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(NumberFormat.parseDouble(bytes("007"))).isEqualTo(7.0);
    assertThat(NumberFormat.tryParseDouble(bytes("-"))).isNull();
    assertThat(NumberFormat.tryParseDouble(bytes("1 "))).isNull();
    assertThat(NumberFormat.tryParseDouble(bytes("12a"))).isNull();
    assertThat(NumberFormat.tryParseDouble(bytes("+inf"))).isEqualTo(Double.POSITIVE_INFINITY);
  }
}
