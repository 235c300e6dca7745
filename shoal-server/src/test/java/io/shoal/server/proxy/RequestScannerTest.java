package io.shoal.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.shoal.server.resp.ProtocolException;
import io.shoal.server.resp.RequestParser;
import io.shoal.server.slot.KeySlot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestScannerTest {
  private static final long MAX_BULK = 512L * 1024 * 1024;

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static List<String> args(RequestScanner scanner, byte[] array, int from) {
    List<String> args = new ArrayList<>();
    for (byte[] arg : scanner.args(array, from)) {
      args.add(new String(arg, StandardCharsets.ISO_8859_1));
    }
    return args;
  }

  @Test
  void findsTheArgumentsOfARequestInPlace() {
    byte[] request = bytes("xx*3\r\n$3\r\nSET\r\n$5\r\nkey:1\r\n$0\r\n\r\n+rest");
    RequestScanner scanner = new RequestScanner(MAX_BULK);
    int length = scanner.scan(request, 2, request.length);
    assertThat(length).isEqualTo(request.length - 2 - 5);
    assertThat(scanner.count()).isEqualTo(3);
    assertThat(scanner.start(1)).isEqualTo(17);
    assertThat(scanner.length(1)).isEqualTo(5);
    assertThat(args(scanner, request, 2)).containsExactly("SET", "key:1", "");
    assertThat(scanner.inProgress()).isFalse();
  }

  @Test
  void anEmptyRequestHasNoArguments() {
    RequestScanner scanner = new RequestScanner(MAX_BULK);
    assertThat(scanner.scan(bytes("*0\r\n"), 0, 4)).isEqualTo(4);
    assertThat(scanner.count()).isZero();
    assertThat(scanner.scan(bytes("*-1\r\n"), 0, 5)).isEqualTo(5);
    assertThat(scanner.count()).isZero();
  }

  @Test
  void aRequestArrivingByteByByteIsFoundOnceComplete() {
    byte[] request = bytes("*3\r\n$3\r\nset\r\n$4\r\n{ab}\r\n$11\r\nhello world\r\n");
    RequestScanner scanner = new RequestScanner(MAX_BULK);
    for (int received = 1; received < request.length; received++) {
      assertThat(scanner.scan(request, 0, received)).as("after %d bytes", received).isEqualTo(-1);
    }
    assertThat(scanner.scan(request, 0, request.length)).isEqualTo(request.length);
    assertThat(args(scanner, request, 0)).containsExactly("set", "{ab}", "hello world");
  }

  @Test
  void resumesAfterTheBufferMoved() {
    // The connection compacts its buffer between reads: positions are relative to the request.
    byte[] first = bytes("*2\r\n$3\r\nGET\r\n$3\r\nk");
    byte[] moved = bytes("....*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n");
    RequestScanner scanner = new RequestScanner(MAX_BULK);
    assertThat(scanner.scan(first, 0, first.length)).isEqualTo(-1);
    assertThat(scanner.inProgress()).isTrue();
    assertThat(scanner.scan(moved, 4, moved.length)).isEqualTo(moved.length - 4);
    assertThat(args(scanner, moved, 4)).containsExactly("GET", "key");
  }

  @Test
  void computesSlotsAsKeySlotDoes() {
    Random random = new Random(7);
    String[] keys = {"foo", "{user1000}.following", "{}x", "a{b}c", "{{x}}", "x{", "", "key:000000123456"};
    for (String key : keys) {
      assertSlot(key);
    }
    for (int i = 0; i < 1000; i++) {
      byte[] key = new byte[random.nextInt(12)];
      for (int j = 0; j < key.length; j++) {
        key[j] = (byte) "ab{}\u00ff".charAt(random.nextInt(5));
      }
      assertSlot(new String(key, StandardCharsets.ISO_8859_1));
    }
  }

  private static void assertSlot(String key) {
    byte[] request = bytes("*2\r\n$3\r\nGET\r\n$" + key.length() + "\r\n" + key + "\r\n");
    RequestScanner scanner = new RequestScanner(MAX_BULK);
    assertThat(scanner.scan(request, 0, request.length)).isEqualTo(request.length);
    assertThat(scanner.slot(request, 0, 1)).as(key).isEqualTo(KeySlot.of(bytes(key)));
  }

  @Test
  void refusesWhatTheServersParserRefusesWithItsText() {
    String[] inputs = {"*x\r\n", "*3\r\n+OK\r\n", "*1\r\n$-5\r\n", "*1\r\n$abc\r\n", "*1\r\n$\r\n", "*\r\n",
        "*99999999999999999999999\r\n", "*1\r\n$2000000000000\r\n", "*1\r\n$20\r\n"};
    for (String input : inputs) {
      String expected = parserError(input, 10);
      byte[] array = bytes(input);
      RequestScanner scanner = new RequestScanner(10);
      if (expected == null) {
        assertThat(scanner.scan(array, 0, array.length)).as(input).isEqualTo(-1);
      } else {
        assertThatThrownBy(() -> scanner.scan(array, 0, array.length)).as(input)
            .isInstanceOf(ProtocolException.class).hasMessage(expected);
      }
    }
  }

  @Test
  void refusesAHeaderLineLongerThanRedisAllows() {
    String count = "*" + "1".repeat(RequestParser.INLINE_MAX_BYTES + 10);
    assertThatThrownBy(() -> new RequestScanner(MAX_BULK).scan(bytes(count), 0, count.length()))
        .hasMessage(parserError(count, MAX_BULK));
    String bulk = "*1\r\n$" + "1".repeat(RequestParser.INLINE_MAX_BYTES + 10);
    assertThatThrownBy(() -> new RequestScanner(MAX_BULK).scan(bytes(bulk), 0, bulk.length()))
        .hasMessage(parserError(bulk, MAX_BULK));
  }

  /** What the server's own parser says to {@code input}: its error, or null when it waits for more. */
  private static String parserError(String input, long maxBulk) {
    try {
      byte[][] args = new RequestParser(maxBulk).next(Unpooled.wrappedBuffer(bytes(input)));
      assertThat(args).as(input).isNull();
      return null;
    } catch (ProtocolException e) {
      return e.getMessage();
    }
  }
}
