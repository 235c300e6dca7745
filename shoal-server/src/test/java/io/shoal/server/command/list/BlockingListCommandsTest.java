package io.shoal.server.command.list;

import static io.shoal.server.command.list.ListCommandsTest.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.server.blocking.BlockingRegistry;
import io.shoal.server.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

class BlockingListCommandsTest {
  static TestServer server;
  static BlockingRegistry registry;
  static ExecutorService threads = Executors.newCachedThreadPool();
  final List<Jedis> opened = new ArrayList<>();
  Jedis jedis;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    StandIns.installIfMissing(server.server());
    registry = server.server().module(BlockingRegistry.class);
  }

  @AfterAll
  static void stop() {
    threads.shutdownNow();
    server.close();
  }

  @BeforeEach
  void connect() {
    jedis = open();
  }

  @AfterEach
  void closeAll() {
    opened.forEach(Jedis::close);
    waitUntil(() -> registry.blockedClients() == 0);
  }

  Jedis open() {
    Jedis client = server.jedis();
    opened.add(client);
    return client;
  }

  /** Runs a command on a fresh connection in the background and waits until it is blocked. */
  CompletableFuture<Object> blocked(String... args) {
    Jedis client = open();
    int before = registry.blockedClients();
    CompletableFuture<Object> reply = CompletableFuture.supplyAsync(() -> {
      try {
        return call(client, args);
      } catch (JedisDataException e) {
        return e.getMessage();
      }
    }, threads);
    waitUntil(() -> registry.blockedClients() > before || reply.isDone());
    assertThat(reply).as("%s should block", String.join(" ", args)).isNotDone();
    return reply;
  }

  static void waitUntil(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static boolean exists(String key) {
    return server.server().keyspace().db(0).exists(key.getBytes(StandardCharsets.UTF_8));
  }

  static Object result(CompletableFuture<Object> reply) throws Exception {
    return reply.get(10, TimeUnit.SECONDS);
  }

  @Test
  void servedAtOnceWhenDataIsThere() {
    jedis.rpush("now", "a", "b");
    assertThat(call(jedis, "BLPOP", "none", "now", "0")).isEqualTo(List.of("now", "a"));
    assertThat(call(jedis, "BRPOP", "now", "0")).isEqualTo(List.of("now", "b"));
    assertThat(exists("now")).isFalse();
  }

  @Test
  void pushFromAnotherConnectionWakesTheWaiter() throws Exception {
    CompletableFuture<Object> reply = blocked("BLPOP", "w1", "w2", "0");
    jedis.rpush("w2", "x", "y");
    assertThat(result(reply)).isEqualTo(List.of("w2", "x"));
    assertThat(jedis.lrange("w2", 0, -1)).containsExactly("y");
  }

  @Test
  void waitersAreServedFirstComeFirstServed() throws Exception {
    List<CompletableFuture<Object>> replies = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      replies.add(blocked(i % 2 == 0 ? "BLPOP" : "BRPOP", "fifo", "0"));
    }
    jedis.rpush("fifo", "a", "b", "c");
    assertThat(result(replies.get(0))).isEqualTo(List.of("fifo", "a"));
    assertThat(result(replies.get(1))).isEqualTo(List.of("fifo", "c"));
    assertThat(result(replies.get(2))).isEqualTo(List.of("fifo", "b"));
    assertThat(replies.get(3)).isNotDone();
    jedis.lpush("fifo", "d");
    assertThat(result(replies.get(3))).isEqualTo(List.of("fifo", "d"));
  }

  @Test
  void execWakesTheWaiterAndBlockingInsideMultiDoesNotBlock() throws Exception {
    CompletableFuture<Object> reply = blocked("BRPOP", "tx", "0");
    assertThat(call(jedis, "MULTI")).isEqualTo("OK");
    assertThat(call(jedis, "BLPOP", "empty", "0")).isEqualTo("QUEUED");
    assertThat(call(jedis, "BLMOVE", "empty", "d", "LEFT", "LEFT", "0")).isEqualTo("QUEUED");
    assertThat(call(jedis, "RPUSH", "tx", "1", "2")).isEqualTo("QUEUED");
    List<Object> exec = new ArrayList<>();
    exec.add(null);
    exec.add(null);
    exec.add(2L);
    assertThat(call(jedis, "EXEC")).isEqualTo(exec);
    assertThat(result(reply)).isEqualTo(List.of("tx", "2"));
  }

  @Test
  void anyWriteOfTheKeyWakesTheWaiterButOnlyAListServesIt() throws Exception {
    CompletableFuture<Object> reply = blocked("BLPOP", "rs", "0");
    jedis.set("rs", "a string");
    // The wake-up attempt ran before SET replied: the client is still waiting.
    assertThat(registry.blockedClients()).isEqualTo(1);
    assertThat(reply).isNotDone();
    assertThat(call(jedis, "TEST.REPLACE", "rs", "restored")).isEqualTo("OK");
    assertThat(result(reply)).isEqualTo(List.of("rs", "restored"));
  }

  @Test
  void waitersBelongToTheirDatabase() throws Exception {
    CompletableFuture<Object> reply;
    Jedis other = open();
    other.select(1);
    reply = CompletableFuture.supplyAsync(() -> call(other, "BLPOP", "perdb", "0"), threads);
    waitUntil(() -> registry.blockedClients() == 1);
    jedis.rpush("perdb", "db0");
    assertThat(registry.blockedClients()).isEqualTo(1);
    jedis.select(1);
    jedis.rpush("perdb", "db1");
    assertThat(result(reply)).isEqualTo(List.of("perdb", "db1"));
    assertThat(jedis.llen("perdb")).isZero();
    jedis.select(0);
    assertThat(jedis.lrange("perdb", 0, -1)).containsExactly("db0");
  }

  @Test
  void servedPopsSendTheirKeyspaceEvents() throws Exception {
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    server.server().notifications().configure("El");
    server.server().notifications().publisher((channel, message) ->
        events.add(new String(channel, StandardCharsets.UTF_8) + " " + new String(message, StandardCharsets.UTF_8)));
    try {
      CompletableFuture<Object> reply = blocked("BLMOVE", "evsrc", "evdst", "LEFT", "RIGHT", "0");
      jedis.rpush("evsrc", "e");
      assertThat(result(reply)).isEqualTo("e");
      assertThat(events).containsExactly("__keyevent@0__:rpush evsrc", "__keyevent@0__:rpush evdst",
          "__keyevent@0__:lpop evsrc");
    } finally {
      server.server().notifications().configure("");
    }
  }

  @Test
  void timeoutsAreHonouredToTheMillisecond() throws Exception {
    for (String seconds : new String[] {"0.05", "0.2"}) {
      long millis = (long) (Double.parseDouble(seconds) * 1000);
      long started = System.nanoTime();
      assertThat(call(jedis, "BLPOP", "never", seconds)).isNull();
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(elapsed).isBetween(millis - 1, millis + 400);
    }
    long started = System.nanoTime();
    assertThat(call(jedis, "BLMOVE", "never", "d", "LEFT", "RIGHT", "0.03")).isNull();
    assertThat(call(jedis, "BLMPOP", "0.03", "1", "never", "LEFT")).isNull();
    assertThat(call(jedis, "BRPOPLPUSH", "never", "d", "0.03")).isNull();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(89);
  }

  @Test
  void timeoutErrors() {
    assertThatThrownBy(() -> call(jedis, "BLPOP", "k", "-1")).hasMessage("ERR timeout is negative");
    assertThatThrownBy(() -> call(jedis, "BLPOP", "k", "soon")).hasMessage("ERR timeout is not a float or out of range");
    assertThatThrownBy(() -> call(jedis, "BRPOP", "k", "nan")).hasMessage("ERR timeout is not a float or out of range");
    assertThatThrownBy(() -> call(jedis, "BLMOVE", "k", "d", "LEFT", "LEFT", "x"))
        .hasMessage("ERR timeout is not a float or out of range");
    assertThatThrownBy(() -> call(jedis, "BLMOVE", "k", "d", "UP", "LEFT", "x")).hasMessage("ERR syntax error");
    assertThatThrownBy(() -> call(jedis, "BLPOP", "k", "1e300")).hasMessage("ERR timeout is out of range");
    assertThatThrownBy(() -> call(jedis, "BLMPOP", "0", "0", "k", "LEFT")).hasMessage("ERR numkeys should be greater than 0");
    assertThatThrownBy(() -> call(jedis, "BLMPOP", "x", "1", "k", "LEFT"))
        .hasMessage("ERR timeout is not a float or out of range");
  }

  @Test
  void blmoveWaitsOnItsSourceAndWakesWaitersOfItsDestination() throws Exception {
    CompletableFuture<Object> mover = blocked("BLMOVE", "mvsrc", "mvdst", "RIGHT", "LEFT", "0");
    CompletableFuture<Object> popper = blocked("BLPOP", "mvdst", "0");
    jedis.rpush("mvsrc", "a", "b");
    assertThat(result(mover)).isEqualTo("b");
    assertThat(result(popper)).isEqualTo(List.of("mvdst", "b"));
    assertThat(jedis.lrange("mvsrc", 0, -1)).containsExactly("a");
    assertThat(exists("mvdst")).isFalse();
    CompletableFuture<Object> rotator = blocked("BRPOPLPUSH", "ring", "ring", "0");
    jedis.rpush("ring", "1", "2");
    assertThat(result(rotator)).isEqualTo("2");
    assertThat(jedis.lrange("ring", 0, -1)).containsExactly("2", "1");
  }

  @Test
  void blmoveToAKeyThatBecameAnotherTypeFails() throws Exception {
    CompletableFuture<Object> mover = blocked("BLMOVE", "wsrc", "wdst", "LEFT", "LEFT", "0");
    jedis.set("wdst", "string");
    jedis.rpush("wsrc", "a");
    assertThat(result(mover)).isEqualTo(ListCommandsTest.WRONGTYPE);
    assertThat(jedis.lrange("wsrc", 0, -1)).containsExactly("a");
  }

  @Test
  void blmpopServesWithCount() throws Exception {
    CompletableFuture<Object> reply = blocked("BLMPOP", "0", "2", "bm1", "bm2", "RIGHT", "COUNT", "2");
    jedis.rpush("bm2", "a", "b", "c");
    assertThat(result(reply)).isEqualTo(List.of("bm2", List.of("c", "b")));
  }

  @Test
  void disconnectedWaitersAreForgottenAndLoseNothing() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.getOutputStream().write("BLPOP gone 0\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      waitUntil(() -> registry.blockedClients() == 1);
    }
    waitUntil(() -> registry.blockedClients() == 0);
    jedis.rpush("gone", "kept");
    assertThat(jedis.lrange("gone", 0, -1)).containsExactly("kept");
  }

  @Test
  void clientUnblockEndsTheWait() throws Exception {
    Jedis waiting = open();
    long id = (Long) call(waiting, "CLIENT", "ID");
    CompletableFuture<Object> timeout = CompletableFuture.supplyAsync(() -> call(waiting, "BLPOP", "ub", "0"), threads);
    waitUntil(() -> registry.isBlocked(id));
    assertThat(call(jedis, "CLIENT", "UNBLOCK", Long.toString(id))).isEqualTo(1L);
    assertThat(result(timeout)).isNull();
    CompletableFuture<Object> error = CompletableFuture.supplyAsync(() -> {
      try {
        return call(waiting, "BLPOP", "ub", "0");
      } catch (JedisDataException e) {
        return e.getMessage();
      }
    }, threads);
    waitUntil(() -> registry.isBlocked(id));
    assertThat(call(jedis, "CLIENT", "UNBLOCK", Long.toString(id), "error")).isEqualTo(1L);
    assertThat(result(error)).isEqualTo("UNBLOCKED client unblocked via CLIENT UNBLOCK");
    assertThat(call(jedis, "CLIENT", "UNBLOCK", Long.toString(id))).isEqualTo(0L);
    assertThatThrownBy(() -> call(jedis, "CLIENT", "UNBLOCK", Long.toString(id), "later"))
        .hasMessage("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    assertThat(call(waiting, "PING")).isEqualTo("PONG");
  }

  @Test
  void pipelinedRequestsBehindABlockedOneWaitForItsReply() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("BLPOP pipe 0\r\nPING\r\nRPUSH other 1\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      waitUntil(() -> registry.blockedClients() == 1);
      assertThat(socket.getInputStream().available()).isZero();
      jedis.rpush("pipe", "v");
      String expected = "*2\r\n$4\r\npipe\r\n$1\r\nv\r\n+PONG\r\n:1\r\n";
      assertThat(read(socket.getInputStream(), expected.length())).isEqualTo(expected);
    }
  }

  private static String read(InputStream in, int length) throws Exception {
    byte[] bytes = in.readNBytes(length);
    return new String(bytes, StandardCharsets.US_ASCII);
  }
}
