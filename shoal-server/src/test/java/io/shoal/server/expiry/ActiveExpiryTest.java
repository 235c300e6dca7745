package io.shoal.server.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.ShoalServer;
import io.shoal.server.config.Settings;
import io.shoal.server.keyspace.Database;
import io.shoal.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class ActiveExpiryTest {
  private static void awaitTrue(BooleanSupplier condition, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within %d ms", timeoutMillis).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void keysNobodyReadsAreDeletedInTheBackground() throws Exception {
    try (TestServer server = TestServer.start("hz", "50"); Jedis jedis = server.jedis()) {
      for (int i = 0; i < 500; i++) {
        jedis.psetex("short:" + i, 100, "v");
      }
      jedis.set("forever", "v");
      Database db = server.server().keyspace().db(0);
      awaitTrue(() -> db.size() == 1, 10_000);
      assertThat(server.server().stats().expiredKeys.sum()).isEqualTo(500);
      assertThat(jedis.get("forever")).isEqualTo("v");
    }
  }

  @Test
  void lazyExpiryCountsAndNotifies() throws Exception {
    try (TestServer server = TestServer.start("hz", "1", "notify-keyspace-events", "KEA"); Jedis jedis = server.jedis()) {
      List<String> events = new CopyOnWriteArrayList<>();
      server.server().notifications().publisher((channel, message) ->
          events.add(new String(channel, StandardCharsets.UTF_8) + " " + new String(message, StandardCharsets.UTF_8)));
      jedis.set("k", "v");
      jedis.pexpire("k", 50);
      assertThat(events).contains("__keyspace@0__:k set", "__keyevent@0__:set k", "__keyspace@0__:k expire");
      awaitTrue(() -> jedis.get("k") == null, 5_000);
      assertThat(server.server().stats().expiredKeys.sum()).isEqualTo(1);
      assertThat(events).contains("__keyevent@0__:expired k");
    }
  }

  /** A node that is never started: no background cycle, a clock the test moves. */
  @Test
  void cycleStaysWithinItsBudgetAndResumesWhereItStopped() {
    AtomicLong now = new AtomicLong(1_000_000);
    ShoalServer server = new ShoalServer(new Settings(), now::get);
    Database db = server.keyspace().db(0);
    int total = 20_000;
    for (int i = 0; i < total; i++) {
      byte[] key = ("key:" + i).getBytes(StandardCharsets.UTF_8);
      db.set(key, "v".getBytes(StandardCharsets.UTF_8));
      db.expireTime(key, now.get() + 1000);
    }
    now.addAndGet(5000);
    ActiveExpiry expiry = server.module(ActiveExpiry.class);
    long first = expiry.runCycle(0);
    assertThat(first).isPositive().isLessThan(total);
    long removed = first;
    for (int cycle = 0; cycle < 10_000 && removed < total; cycle++) {
      removed += expiry.runCycle(1_000_000);
    }
    assertThat(removed).isEqualTo(total);
    assertThat(db.size()).isZero();
    assertThat(server.stats().expiredKeys.sum()).isEqualTo(total);
  }

  @Test
  void cycleMovesOnWhenFewKeysHaveExpired() {
    AtomicLong now = new AtomicLong(1_000_000);
    ShoalServer server = new ShoalServer(new Settings(), now::get);
    Database db = server.keyspace().db(0);
    for (int i = 0; i < 20_000; i++) {
      byte[] key = ("key:" + i).getBytes(StandardCharsets.UTF_8);
      db.set(key, "v".getBytes(StandardCharsets.UTF_8));
      db.expireTime(key, now.get() + (i % 100 == 0 ? 10 : 1_000_000));
    }
    now.addAndGet(100);
    ActiveExpiry expiry = server.module(ActiveExpiry.class);
    expiry.runCycle(Long.MAX_VALUE / 4);
    assertThat(expiry.cursor(0)).as("slots walked in one cycle").isLessThan(1000);
    assertThat(db.size()).isGreaterThan(19_790);
  }
}
