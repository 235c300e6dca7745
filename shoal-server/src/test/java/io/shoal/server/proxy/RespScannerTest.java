package io.shoal.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RespScannerTest {
  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }

  @Test
  void findsTheEndOfEachReplyType() {
    assertThat(RespScanner.end(bytes("+OK\r\n"), 0)).isEqualTo(5);
    assertThat(RespScanner.end(bytes("$5\r\nhello\r\n+OK\r\n"), 0)).isEqualTo(11);
    assertThat(RespScanner.end(bytes("$-1\r\n"), 0)).isEqualTo(5);
    assertThat(RespScanner.end(bytes("*2\r\n$1\r\na\r\n:12\r\n"), 0)).isEqualTo(16);
    assertThat(RespScanner.end(bytes("*-1\r\n"), 0)).isEqualTo(5);
    assertThat(RespScanner.end(bytes("xx$10\r\n0123456789\r\n"), 2)).isEqualTo(19);
  }

  @Test
  void anIncompleteReplyHasNoEndYet() {
    assertThat(RespScanner.end(bytes("$5\r\nhel"), 0)).isEqualTo(-1);
    assertThat(RespScanner.end(bytes("$12"), 0)).isEqualTo(-1);
    assertThat(RespScanner.end(bytes("*2\r\n$1\r\na\r\n"), 0)).isEqualTo(-1);
  }

  @Test
  void aMalformedLengthIsRefused() {
    assertThatThrownBy(() -> RespScanner.end(bytes("$1x\r\n"), 0)).isInstanceOf(NumberFormatException.class);
    assertThatThrownBy(() -> RespScanner.end(bytes("$\r\n"), 0)).isInstanceOf(NumberFormatException.class);
    assertThatThrownBy(() -> RespScanner.end(bytes("$99999999999999999999\r\n"), 0))
        .isInstanceOf(NumberFormatException.class);
  }
}
