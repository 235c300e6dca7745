package io.shoal.server.eviction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.server.ShoalServer;
import io.shoal.server.config.Settings;
import io.shoal.server.keyspace.Database;
import io.shoal.server.testing.RedisCli;
import io.shoal.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

class EvictionTest {
  private static final String VALUE = "x".repeat(1000);

  @Test
  void noevictionRefusesWritesButServesReadsAndDeletes() {
    try (TestServer server = TestServer.start("maxmemory", "200kb"); Jedis jedis = server.jedis()) {
      int written = 0;
      JedisDataException refused = null;
      for (int i = 0; i < 1000 && refused == null; i++) {
        try {
          jedis.set("k" + i, VALUE);
          written++;
        } catch (JedisDataException e) {
          refused = e;
        }
      }
      assertThat(refused).isNotNull();
      assertThat(refused.getMessage()).isEqualTo("OOM command not allowed when used memory > 'maxmemory'.");
      assertThat(written).isBetween(100, 300);
      assertThat(jedis.get("k0")).isEqualTo(VALUE);
      if (RedisCli.available()) {
        assertThat(RedisCli.run(server.port(), "SET", "cli", VALUE))
            .contains("OOM command not allowed when used memory > 'maxmemory'.");
      }
      assertThat(jedis.del("k0", "k1", "k2")).isEqualTo(3);
      assertThat(server.server().stats().evictedKeys.sum()).isZero();
      assertThatThrownBy(() -> {
        for (int i = 0; i < 1000; i++) {
          jedis.set("more" + i, VALUE);
        }
      }).hasMessage("OOM command not allowed when used memory > 'maxmemory'.");
    }
  }

  @Test
  void allkeysLruKeepsMemoryUnderTheLimit() {
    try (TestServer server = TestServer.start("maxmemory", "200kb", "maxmemory-policy", "allkeys-lru");
        Jedis jedis = server.jedis()) {
      for (int i = 0; i < 1000; i++) {
        assertThat(jedis.set("k" + i, VALUE)).isEqualTo("OK");
      }
      // The LRU clock counts seconds, as Redis's: keys written within one second are equally
      // old, so the second half is written only once the clock has moved on.
      long second = server.server().nowMillis() / 1000;
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (server.server().nowMillis() / 1000 == second) {
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.onSpinWait();
      }
      for (int i = 1000; i < 2000; i++) {
        assertThat(jedis.set("k" + i, VALUE)).isEqualTo("OK");
      }
      long used = server.server().keyspace().usedBytes();
      assertThat(used).isLessThan(200 * 1024 + 2 * 1100);
      assertThat(server.server().stats().evictedKeys.sum()).isGreaterThan(1500);
      // The older half goes first: of the ~180 keys that fit, nearly all are of the newer half.
      long older = 0;
      long newer = 0;
      for (int i = 0; i < 2000; i++) {
        if (server.server().keyspace().db(0).peek(("k" + i).getBytes(StandardCharsets.UTF_8)) != null) {
          if (i < 1000) {
            older++;
          } else {
            newer++;
          }
        }
      }
      assertThat(newer).isGreaterThan(100);
      assertThat(older).isLessThan(newer / 10);
    }
  }

  @Test
  void volatileTtlEvictsOnlyKeysWithTtlAndThenRefuses() {
    try (TestServer server = TestServer.start("maxmemory", "200kb", "maxmemory-policy", "volatile-ttl");
        Jedis jedis = server.jedis()) {
      for (int i = 0; i < 50; i++) {
        jedis.set("keep" + i, VALUE);
      }
      for (int i = 0; i < 1000; i++) {
        jedis.setex("temp" + i, 10_000 + i, VALUE);
      }
      for (int i = 0; i < 50; i++) {
        assertThat(jedis.get("keep" + i)).isEqualTo(VALUE);
      }
      assertThat(server.server().stats().evictedKeys.sum()).isGreaterThan(700);
      assertThat(jedis.exists("temp999")).isTrue();
      assertThatThrownBy(() -> {
        for (int i = 0; i < 1000; i++) {
          jedis.set("plain" + i, VALUE);
        }
      }).hasMessage("OOM command not allowed when used memory > 'maxmemory'.");
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-random"})
  void everyEvictingPolicyKeepsAcceptingWrites(String policy) {
    try (TestServer server = TestServer.start("maxmemory", "100kb", "maxmemory-policy", policy);
        Jedis jedis = server.jedis()) {
      for (int i = 0; i < 500; i++) {
        assertThat(jedis.setex("k" + i, 1000, VALUE)).isEqualTo("OK");
      }
      assertThat(server.server().keyspace().usedBytes()).isLessThan(100 * 1024 + 2 * 1100);
      assertThat(server.server().stats().evictedKeys.sum()).isGreaterThan(350);
      assertThat(server.server().module(Eviction.class).policy().configName()).isEqualTo(policy);
    }
  }

  /** With a clock the test moves, LRU sampling must overwhelmingly pick the idle keys. */
  @Test
  void lruSamplingPrefersIdleKeys() {
    AtomicLong now = new AtomicLong(1_700_000_000_000L);
    ShoalServer server = new ShoalServer(new Settings(), now::get);
    server.settings().set(List.<String[]>of(new String[] {"maxmemory-policy", "allkeys-lru"},
        new String[] {"maxmemory", "1gb"}));
    Database db = server.keyspace().db(0);
    int total = 2000;
    for (int i = 0; i < total; i++) {
      db.set(key(i), "v".getBytes(StandardCharsets.UTF_8));
    }
    now.addAndGet(100_000);
    for (int i = 0; i < total; i += 2) {
      db.get(key(i));
    }
    Eviction eviction = server.module(Eviction.class);
    java.util.Random seeded = new java.util.Random(42);
    eviction.randomSource(() -> seeded);
    for (int i = 0; i < total / 4; i++) {
      assertThat(eviction.evictOne()).isTrue();
    }
    int recentEvicted = 0;
    for (int i = 0; i < total; i += 2) {
      if (db.peek(key(i)) == null) {
        recentEvicted++;
      }
    }
    assertThat(db.size()).isEqualTo(total - total / 4);
    assertThat(recentEvicted).isLessThan(total / 4 / 10);
    assertThat(server.stats().evictedKeys.sum()).isEqualTo(total / 4);
  }

  private static byte[] key(int i) {
    return ("key:" + i).getBytes(StandardCharsets.UTF_8);
  }
}
