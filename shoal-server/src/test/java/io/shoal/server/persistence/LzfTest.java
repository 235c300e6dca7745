package io.shoal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LzfTest {
  @Test
  void decompressesGoldenLiblzfOutput() {
    // "aaaaaaaaaaaaaaaaaaaa" (20 bytes) as liblzf compresses it: literal 'a', then a match of 19
    // bytes at offset 1 (control 0xe0 = length 7, extra 10, offset 0).
    byte[] compressed = HexFormat.of().parseHex("0061e00a00");
    assertThat(new String(Lzf.decompress(compressed, 20), StandardCharsets.US_ASCII)).isEqualTo("a".repeat(20));
  }

  @Test
  void compressesRepetitiveDataToTheGoldenBytes() {
    byte[] compressed = Lzf.compress("a".repeat(20).getBytes(StandardCharsets.US_ASCII));
    assertThat(HexFormat.of().formatHex(compressed)).isEqualTo("0061e00a00");
  }

  @Test
  void refusesIncompressibleData() {
    assertThat(Lzf.compress("abcdefgh".getBytes(StandardCharsets.US_ASCII))).isNull();
  }

  @Test
  void rejectsReferenceBeforeTheStart() {
    assertThatThrownBy(() -> Lzf.decompress(HexFormat.of().parseHex("20ff"), 3)).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 300)
  void roundTrips(@ForAll @Size(max = 3000) byte[] data, @ForAll boolean repetitive) {
    byte[] input = data;
    if (repetitive && data.length > 0) {
      input = new byte[data.length * 3];
      for (int i = 0; i < input.length; i++) {
        input[i] = data[(i * 7) % Math.max(1, data.length / 5 + 1)];
      }
    }
    byte[] compressed = Lzf.compress(input);
    if (compressed != null) {
      assertThat(compressed.length).isLessThan(input.length);
      assertThat(Lzf.decompress(compressed, input.length)).isEqualTo(input);
    }
  }
}
