package io.shoal.server.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.blocking.BlockingRegistry;
import io.shoal.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The connection parses the requests of a read ahead of running them (to prefetch their keys):
 * each pipeline here is written in one piece, so that it arrives in one read and is parsed ahead,
 * and every request whose effect changes what the later ones do (a blocked command, QUIT, MULTI,
 * CLIENT REPLY, SELECT, RESET, a protocol error) must keep the order and replies of requests run
 * one at a time.
 */
class PipelineParseAheadTest {
  static TestServer server;
  static BlockingRegistry registry;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    registry = server.server().module(BlockingRegistry.class);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void flush() {
    try (Jedis jedis = server.jedis()) {
      jedis.flushAll();
    }
  }

  @Test
  void requestsAfterABlockedOneRunOnlyAfterItsReply() throws Exception {
    try (Socket socket = open(); Jedis other = server.jedis()) {
      send(socket, resp("SET", "a", "1") + resp("BLPOP", "q", "0") + resp("GET", "a") + resp("SET", "a", "2")
          + resp("INCR", "n") + resp("GET", "a"));
      assertThat(read(socket, "+OK\r\n".length())).isEqualTo("+OK\r\n");
      waitUntil(() -> registry.blockedClients() == 1);
      // Nothing behind the blocked BLPOP ran: a write parsed ahead would show here.
      assertThat(other.get("a")).isEqualTo("1");
      assertThat(other.exists("n")).isFalse();
      other.set("a", "99");
      other.rpush("q", "v");
      String expected = "*2\r\n$1\r\nq\r\n$1\r\nv\r\n$2\r\n99\r\n+OK\r\n:1\r\n$1\r\n2\r\n";
      assertThat(read(socket, expected.length())).isEqualTo(expected);
      assertThat(other.get("a")).isEqualTo("2");
    }
  }

  @Test
  void aPartialRequestBehindABlockedOneIsCompletedAfterIt() throws Exception {
    try (Socket socket = open(); Jedis other = server.jedis()) {
      String set = resp("SET", "key", "value");
      // BLPOP and GET complete, SET cut in the middle of its value: the parser holds a partial
      // request when BLPOP blocks, and GET goes back to the input.
      send(socket, resp("BLPOP", "q", "0") + resp("GET", "key") + set.substring(0, set.length() - 4));
      waitUntil(() -> registry.blockedClients() == 1);
      send(socket, set.substring(set.length() - 4));
      other.set("key", "before");
      other.rpush("q", "v");
      String expected = "*2\r\n$1\r\nq\r\n$1\r\nv\r\n$6\r\nbefore\r\n+OK\r\n";
      assertThat(read(socket, expected.length())).isEqualTo(expected);
      assertThat(other.get("key")).isEqualTo("value");
    }
  }

  @Test
  void aProtocolErrorComesAfterTheRepliesOfTheRequestsBeforeIt() throws Exception {
    try (Socket socket = open()) {
      send(socket, resp("SET", "a", "1") + resp("INCR", "a") + resp("GET", "a") + "*2\r\n$3\r\nGET\r\n$x\r\n"
          + resp("SET", "a", "never"));
      assertThat(readUntilClosed(socket))
          .isEqualTo("+OK\r\n:2\r\n$1\r\n2\r\n-ERR Protocol error: invalid bulk length\r\n");
    }
    try (Jedis jedis = server.jedis()) {
      assertThat(jedis.get("a")).isEqualTo("2");
    }
  }

  @Test
  void aProtocolErrorBehindABlockedRequestWaitsForItsReply() throws Exception {
    try (Socket socket = open(); Jedis other = server.jedis()) {
      send(socket, resp("BLPOP", "q", "0") + resp("SET", "a", "1") + "*1\r\n$x\r\n");
      waitUntil(() -> registry.blockedClients() == 1);
      assertThat(other.exists("a")).isFalse();
      assertThat(socket.getInputStream().available()).isZero();
      other.rpush("q", "v");
      assertThat(readUntilClosed(socket))
          .isEqualTo("*2\r\n$1\r\nq\r\n$1\r\nv\r\n+OK\r\n-ERR Protocol error: invalid bulk length\r\n");
      assertThat(other.get("a")).isEqualTo("1");
    }
  }

  @Test
  void requestsAfterAHeldReplyRunOnlyOnceItIsReleased() throws Exception {
    try (TestServer node = TestServer.start(); Socket socket = new Socket("127.0.0.1", node.port());
        Jedis other = node.jedis()) {
      socket.setSoTimeout(10_000);
      java.util.concurrent.LinkedBlockingQueue<java.util.concurrent.CompletableFuture<Boolean>> holds =
          new java.util.concurrent.LinkedBlockingQueue<>();
      java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
      node.server().addReplyBarrier(client -> {
        if (!"held".equals(client.name()) || !armed.compareAndSet(true, false)) {
          return null;
        }
        java.util.concurrent.CompletableFuture<Boolean> hold = new java.util.concurrent.CompletableFuture<>();
        holds.add(hold);
        return hold;
      });
      String big = "b".repeat(70_000);
      other.set("big", big);
      send(socket, resp("CLIENT", "SETNAME", "held"));
      assertThat(read(socket, "+OK\r\n".length())).isEqualTo("+OK\r\n");
      armed.set(true);
      // GET's reply passes 64 KB of output, so the connection flushes (and is held) right after
      // it, in the middle of the batch parsed ahead.
      send(socket, resp("GET", "big") + resp("SET", "after", "1") + resp("INCR", "n") + resp("GET", "after"));
      java.util.concurrent.CompletableFuture<Boolean> hold = holds.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(hold).as("the flush after GET is held").isNotNull();
      assertThat(other.exists("after")).isFalse();
      assertThat(other.exists("n")).isFalse();
      hold.complete(true);
      String expected = "$70000\r\n" + big + "\r\n+OK\r\n:1\r\n$1\r\n1\r\n";
      assertThat(read(socket, expected.length())).isEqualTo(expected);
    }
  }

  @Test
  void multiQueuesThePipelinedRequestsUntilExec() throws Exception {
    try (Socket socket = open()) {
      send(socket, resp("SET", "a", "1") + resp("MULTI") + resp("INCR", "a") + resp("GET", "a") + resp("EXEC")
          + resp("GET", "a") + resp("MULTI") + resp("SET", "a", "x") + resp("DISCARD") + resp("GET", "a"));
      String expected = "+OK\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:2\r\n$1\r\n2\r\n$1\r\n2\r\n"
          + "+OK\r\n+QUEUED\r\n+OK\r\n$1\r\n2\r\n";
      assertThat(read(socket, expected.length())).isEqualTo(expected);
    }
  }

  @Test
  void clientReplyOffAndSkipApplyToTheRequestsAfterThem() throws Exception {
    try (Socket socket = open()) {
      send(socket, resp("CLIENT", "REPLY", "SKIP") + resp("SET", "a", "1") + resp("GET", "a")
          + resp("CLIENT", "REPLY", "OFF") + resp("SET", "b", "2") + resp("GET", "b")
          + resp("CLIENT", "REPLY", "ON") + resp("GET", "b") + resp("INCR", "a"));
      String expected = "$1\r\n1\r\n+OK\r\n$1\r\n2\r\n:2\r\n";
      assertThat(read(socket, expected.length())).isEqualTo(expected);
      send(socket, resp("PING"));
      assertThat(read(socket, "+PONG\r\n".length())).isEqualTo("+PONG\r\n");
    }
  }

  @Test
  void selectChangesTheDatabaseOfTheRequestsAfterIt() throws Exception {
    try (Socket socket = open()) {
      send(socket, resp("SET", "k", "zero") + resp("SELECT", "1") + resp("GET", "k") + resp("SET", "k", "one")
          + resp("INCR", "c") + resp("SELECT", "0") + resp("GET", "k") + resp("GET", "c"));
      String expected = "+OK\r\n+OK\r\n$-1\r\n+OK\r\n:1\r\n+OK\r\n$4\r\nzero\r\n$-1\r\n";
      assertThat(read(socket, expected.length())).isEqualTo(expected);
    }
    try (Jedis jedis = server.jedis()) {
      jedis.select(1);
      assertThat(jedis.get("k")).isEqualTo("one");
      assertThat(jedis.get("c")).isEqualTo("1");
    }
  }

  @Test
  void quitEndsThePipeline() throws Exception {
    try (Socket socket = open()) {
      send(socket, resp("SET", "a", "1") + resp("QUIT") + resp("SET", "a", "2") + resp("INCR", "n"));
      assertThat(readUntilClosed(socket)).isEqualTo("+OK\r\n+OK\r\n");
    }
    try (Jedis jedis = server.jedis()) {
      assertThat(jedis.get("a")).isEqualTo("1");
      assertThat(jedis.exists("n")).isFalse();
    }
  }

  @Test
  void aLongPipelineIsAnsweredInOrder() throws Exception {
    StringBuilder requests = new StringBuilder();
    StringBuilder expected = new StringBuilder();
    // More requests than one batch parsed ahead, and more bytes than its byte limit.
    String big = "v".repeat(3000);
    for (int i = 0; i < 500; i++) {
      requests.append(resp("INCR", "counter")).append(resp("SET", "k" + i, i % 50 == 0 ? big : "x" + i))
          .append(resp("GET", "k" + (i / 2)));
      String value = (i / 2) % 50 == 0 ? big : "x" + (i / 2);
      expected.append(':').append(i + 1).append("\r\n+OK\r\n$").append(value.length()).append("\r\n")
          .append(value).append("\r\n");
    }
    try (Socket socket = open()) {
      send(socket, requests.toString());
      assertThat(read(socket, expected.length())).isEqualTo(expected.toString());
    }
  }

  @Test
  void resetDropsAuthenticationForTheRequestsAfterIt() throws Exception {
    try (TestServer secured = TestServer.start("requirepass", "pw"); Socket socket = new Socket("127.0.0.1", secured.port())) {
      socket.setSoTimeout(10_000);
      String[] eleven = new String[11];
      java.util.Arrays.fill(eleven, "x");
      eleven[0] = "DEL";
      // The AUTH runs alone (the parser's unauthenticated limits); SET, RESET and the 11-argument
      // DEL are parsed ahead while authenticated, and DEL must be parsed again after RESET.
      send(socket, resp("AUTH", "pw"));
      assertThat(read(socket, "+OK\r\n".length())).isEqualTo("+OK\r\n");
      send(socket, resp("SET", "a", "1") + resp("RESET") + resp(eleven));
      assertThat(readUntilClosed(socket))
          .isEqualTo("+OK\r\n+RESET\r\n-ERR Protocol error: invalid multibulk length\r\n");
    }
  }

  @Test
  void beforeAuthRequestsAreParsedOneAtATimeWithTheSmallLimits() throws Exception {
    try (TestServer secured = TestServer.start("requirepass", "pw"); Socket socket = new Socket("127.0.0.1", secured.port())) {
      socket.setSoTimeout(10_000);
      String[] eleven = new String[11];
      java.util.Arrays.fill(eleven, "x");
      eleven[0] = "DEL";
      send(socket, resp("AUTH", "pw") + resp("SET", "a", "1") + resp(eleven) + resp("GET", "a"));
      assertThat(read(socket, "+OK\r\n+OK\r\n:0\r\n$1\r\n1\r\n".length())).isEqualTo("+OK\r\n+OK\r\n:0\r\n$1\r\n1\r\n");
    }
  }

  private static Socket open() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static String resp(String... args) {
    StringBuilder text = new StringBuilder("*").append(args.length).append("\r\n");
    for (String arg : args) {
      text.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
    }
    return text.toString();
  }

  /** Writes the whole pipeline with one write, so that the node reads it together. */
  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String read(Socket socket, int length) throws IOException {
    byte[] bytes = socket.getInputStream().readNBytes(length);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String readUntilClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream reply = new ByteArrayOutputStream();
    byte[] chunk = new byte[4096];
    try {
      int n;
      while ((n = in.read(chunk)) != -1) {
        reply.write(chunk, 0, n);
      }
    } catch (SocketException e) {
      // A reset after the close: the server did close.
    }
    return reply.toString(StandardCharsets.UTF_8);
  }

  private static void waitUntil(BooleanSupplier condition) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached in 10 s");
      }
      Thread.onSpinWait();
    }
  }
}
