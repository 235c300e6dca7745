package io.shoal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Crc64Test {
  @Test
  void matchesRedisCheckValue() {
    // The check value Redis's crc64.c tests against (crc64Test in crc64.c).
    assertThat(Crc64.of("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xe9c6d914c4b8d9caL);
  }

  @Test
  void runningChecksumEqualsOneShot() {
    byte[] data = "hello, shoal persistence".getBytes(StandardCharsets.US_ASCII);
    long running = Crc64.update(Crc64.update(0, data, 0, 7), data, 7, data.length - 7);
    assertThat(running).isEqualTo(Crc64.of(data));
  }

  @Test
  void eightBytesAtATimeEqualsOneByteAtATime() {
    java.util.Random random = new java.util.Random(42);
    byte[] data = new byte[4096];
    random.nextBytes(data);
    for (int offset = 0; offset < 9; offset++) {
      for (int length : new int[] {0, 1, 7, 8, 9, 15, 16, 17, 100, 4000}) {
        long bytewise = 0;
        for (int i = offset; i < offset + length; i++) {
          bytewise = Crc64.update(bytewise, data[i]);
        }
        assertThat(Crc64.update(0, data, offset, length)).as(offset + "+" + length).isEqualTo(bytewise);
      }
    }
  }
}
