package io.shoal.server.command.zset;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.testing.TestServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class BlockingZSetCommandsTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void bzpopminReturnsAtOnceWhenDataIsThere() {
    try (Jedis jedis = server.jedis()) {
      jedis.del("bz1");
      jedis.zadd("bz1", 2, "b");
      jedis.zadd("bz1", 1, "a");
      List<Object> reply = (List<Object>) jedis.sendCommand(() -> "BZPOPMIN".getBytes(), "bz1", "0");
      assertThat(reply).hasSize(3);
      assertThat(new String((byte[]) reply.get(0))).isEqualTo("bz1");
      assertThat(new String((byte[]) reply.get(1))).isEqualTo("a");
      assertThat(new String((byte[]) reply.get(2))).isEqualTo("1");
    }
  }

  @Test
  void bzpopmaxWaitsForAnAddFromAnotherClient() throws Exception {
    try (Jedis waiter = server.jedis(); Jedis writer = server.jedis()) {
      writer.del("bz2");
      CompletableFuture<Object> result = CompletableFuture.supplyAsync(
          () -> waiter.sendCommand(() -> "BZPOPMAX".getBytes(), "bz2", "5"));
      awaitBlocked(writer, 1);
      writer.zadd("bz2", 7, "x");
      List<Object> reply = (List<Object>) result.get(10, TimeUnit.SECONDS);
      assertThat(new String((byte[]) reply.get(1))).isEqualTo("x");
      assertThat(new String((byte[]) reply.get(2))).isEqualTo("7");
      assertThat(writer.exists("bz2")).isFalse();
    }
  }

  @Test
  void bzmpopWaitsAndReturnsKeyWithEntries() throws Exception {
    try (Jedis waiter = server.jedis(); Jedis writer = server.jedis()) {
      writer.del("bz3");
      CompletableFuture<Object> result = CompletableFuture.supplyAsync(
          () -> waiter.sendCommand(() -> "BZMPOP".getBytes(), "5", "1", "bz3", "MIN", "COUNT", "2"));
      awaitBlocked(writer, 1);
      writer.zadd("bz3", java.util.Map.of("p", 1.0, "q", 2.0, "r", 3.0));
      List<Object> reply = (List<Object>) result.get(10, TimeUnit.SECONDS);
      assertThat(new String((byte[]) reply.get(0))).isEqualTo("bz3");
      assertThat((List<Object>) reply.get(1)).hasSize(2);
      assertThat(writer.zcard("bz3")).isEqualTo(1);
    }
  }

  @Test
  void timesOutWithNull() {
    try (Jedis jedis = server.jedis()) {
      jedis.del("bz4");
      assertThat(jedis.sendCommand(() -> "BZPOPMIN".getBytes(), "bz4", "0.05")).isNull();
    }
  }

  private static void awaitBlocked(Jedis jedis, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (jedis.info("clients").contains("blocked_clients:" + count)) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no client blocked: " + jedis.info("clients"));
  }
}
