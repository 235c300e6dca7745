package io.shoal.server.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Limits and bad input against a started node: each offending connection gets Redis's error and
 * is closed, and the next client is served as if nothing happened.
 */
class ProtocolLimitsTest {

  /** Sends bytes and returns everything the server wrote before it closed the connection. */
  private static String sendUntilClosed(int port, byte[] bytes) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        // The server may close while we still write; what it replied is still readable.
      }
      InputStream in = socket.getInputStream();
      java.io.ByteArrayOutputStream reply = new java.io.ByteArrayOutputStream();
      byte[] chunk = new byte[4096];
      try {
        int n;
        while ((n = in.read(chunk)) != -1) {
          reply.write(chunk, 0, n);
        }
      } catch (java.net.SocketException e) {
        // A reset after the close is fine: the server did close.
      }
      return reply.toString(StandardCharsets.UTF_8);
    }
  }

  private static void assertServed(TestServer server) {
    try (Jedis jedis = server.jedis()) {
      assertThat(jedis.ping()).isEqualTo("PONG");
      assertThat(jedis.echo("still here")).isEqualTo("still here");
    }
  }

  @Test
  void bulkLongerThanProtoMaxBulkLenIsRefused() throws IOException {
    try (TestServer server = TestServer.start("proto-max-bulk-len", "1048576")) {
      String reply = sendUntilClosed(server.port(), "*2\r\n$4\r\nECHO\r\n$1048577\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(reply).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
      String fits = sendUntilClosed(server.port(), "*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n*1\r\n$4\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(fits).isEqualTo("$3\r\nabc\r\n+OK\r\n");
      assertServed(server);
    }
  }

  @Test
  void maxclientsRefusesTheConnectionOverTheLimit() throws IOException {
    try (TestServer server = TestServer.start("maxclients", "2"); Jedis first = server.jedis(); Jedis second = server.jedis()) {
      assertThat(first.ping()).isEqualTo("PONG");
      assertThat(second.ping()).isEqualTo("PONG");
      String reply = sendUntilClosed(server.port(), "PING\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(reply).isEqualTo("-ERR max number of clients reached\r\n");
      assertThat(InfoLinesOf.field(first.info("stats"), "rejected_connections")).isEqualTo("1");
      second.close();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (server.server().clients().size() > 1 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      try (Jedis third = server.jedis()) {
        assertThat(third.ping()).isEqualTo("PONG");
      }
    }
  }

  @Test
  void malformedProtocolGetsRedisErrorsAndOthersKeepBeingServed() throws IOException {
    try (TestServer server = TestServer.start(); Jedis bystander = server.jedis()) {
      assertThat(sendUntilClosed(server.port(), "*1\r\n+PING\r\n".getBytes(StandardCharsets.US_ASCII)))
          .isEqualTo("-ERR Protocol error: expected '$', got '+'\r\n");
      assertThat(sendUntilClosed(server.port(), "*x\r\n".getBytes(StandardCharsets.US_ASCII)))
          .isEqualTo("-ERR Protocol error: invalid multibulk length\r\n");
      assertThat(sendUntilClosed(server.port(), "*1\r\n$-5\r\n".getBytes(StandardCharsets.US_ASCII)))
          .isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
      assertThat(sendUntilClosed(server.port(), "PING\r\nECHO \"unbalanced\r\n".getBytes(StandardCharsets.US_ASCII)))
          .isEqualTo("+PONG\r\n-ERR Protocol error: unbalanced quotes in request\r\n");
      assertThat(bystander.ping()).isEqualTo("PONG");
      assertServed(server);
    }
  }

  @Test
  void randomDamagedInputNeverStopsTheServer() throws IOException {
    Random random = new Random(20261123L);
    try (TestServer server = TestServer.start(); Jedis bystander = server.jedis()) {
      for (int round = 0; round < 30; round++) {
        byte[] garbage = new byte[1 + random.nextInt(2000)];
        random.nextBytes(garbage);
        garbage[0] = (byte) (round % 2 == 0 ? '*' : '$');
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
          socket.setSoTimeout(10_000);
          socket.getOutputStream().write(garbage);
          socket.getOutputStream().flush();
          socket.shutdownOutput();
          // Whatever the garbage means, the server replies and/or closes; it never hangs.
          InputStream in = socket.getInputStream();
          byte[] chunk = new byte[4096];
          try {
            while (in.read(chunk) != -1) {
              // drain
            }
          } catch (java.net.SocketException e) {
            // reset after close
          } catch (java.net.SocketTimeoutException e) {
            // A half-read request waits for more input, as Redis does; the server must still serve others.
          }
        }
        assertThat(bystander.ping()).isEqualTo("PONG");
      }
      assertServed(server);
    }
  }

  /** Reads one field of an INFO reply. */
  static final class InfoLinesOf {
    static String field(String info, String name) {
      for (String line : info.split("\r\n")) {
        if (line.startsWith(name + ":")) {
          return line.substring(name.length() + 1);
        }
      }
      return null;
    }
  }
}
