package io.shoal.server.persistence.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shoal.server.keyspace.Database;
import io.shoal.server.keyspace.Keyspace;
import io.shoal.server.keyspace.SlotTable;
import io.shoal.server.persistence.Snapshot;
import io.shoal.server.testing.RealRedis;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.Tuple;

/**
 * RDB files and DUMP payloads exchanged with Debian's redis-server 7, both ways, compared key by
 * key with type-specific reads (GET, LRANGE, SMEMBERS, ZRANGE WITHSCORES, HGETALL), never by DUMP.
 */
class RedisInteropTest {
  private static final long TTL_MILLIS = 1_000_000;

  @BeforeAll
  static void needsRedis() {
    assumeTrue(RealRedis.available(), "redis-server is not installed");
  }

  /** Fills Redis with every type in its compact and its large encodings, in two databases. */
  private static void fill(Jedis jedis) {
    jedis.set("s:text", "hello");
    jedis.set("s:int8", "-5");
    jedis.set("s:int16", "12345");
    jedis.set("s:int32", "-1234567890");
    jedis.set("s:int64", "12345678901234");
    jedis.set("s:notcanonical", "007");
    jedis.set("s:empty", "");
    jedis.set("s:long", "abc".repeat(400));
    jedis.set("s:utf8", "žluťoučký kůň");
    jedis.psetex("s:ttl", TTL_MILLIS, "expiring");
    for (int i = 0; i < 5; i++) {
      jedis.rpush("l:small", "item" + i, Integer.toString(i * 1000));
    }
    for (int i = 0; i < 700; i++) {
      jedis.rpush("l:big", i % 3 == 0 ? Integer.toString(i - 350) : "element-" + i);
    }
    jedis.rpush("l:huge-element", "x".repeat(20_000), "y");
    jedis.sadd("set:ints", "1", "2", "3", "-70000", "5000000000");
    jedis.sadd("set:small", "a", "b", "c");
    for (int i = 0; i < 600; i++) {
      jedis.sadd("set:big", "member-" + i);
    }
    jedis.zadd("z:small", 1.5, "a");
    jedis.zadd("z:small", Double.POSITIVE_INFINITY, "top");
    jedis.zadd("z:small", Double.NEGATIVE_INFINITY, "bottom");
    jedis.zadd("z:small", 42, "answer");
    for (int i = 0; i < 300; i++) {
      jedis.zadd("z:big", i * 0.25 - 10, "m" + i);
    }
    jedis.hset("h:small", Map.of("f1", "v1", "f2", "22", "f3", ""));
    for (int i = 0; i < 600; i++) {
      jedis.hset("h:big", "field" + i, "value" + i);
    }
    jedis.pexpire("h:big", TTL_MILLIS);
    jedis.select(3);
    jedis.set("db3:key", "in database three");
    jedis.rpush("db3:list", "a", "b");
    jedis.select(0);
  }

  /** Canonical text of every key of databases 0 and 3, read from Redis with type-specific commands. */
  private static Map<String, String> read(Jedis jedis) {
    Map<String, String> result = new TreeMap<>();
    for (int db : new int[] {0, 3}) {
      jedis.select(db);
      for (String key : jedis.keys("*")) {
        String type = jedis.type(key);
        List<String> parts = new ArrayList<>();
        switch (type) {
          case "string":
            result.put(db + "/" + key, "string:" + jedis.get(key));
            continue;
          case "list":
            result.put(db + "/" + key, "list:" + jedis.lrange(key, 0, -1));
            continue;
          case "set":
            parts.addAll(jedis.smembers(key));
            parts.sort(null);
            result.put(db + "/" + key, "set:" + parts);
            continue;
          case "hash":
            jedis.hgetAll(key).forEach((f, v) -> parts.add(f + "=" + v));
            parts.sort(null);
            result.put(db + "/" + key, "hash:" + parts);
            continue;
          case "zset":
            for (Tuple tuple : jedis.zrangeWithScores(key, 0, -1)) {
              parts.add(tuple.getElement() + "=" + tuple.getScore());
            }
            result.put(db + "/" + key, "zset:" + parts);
            continue;
          default:
            throw new AssertionError(type);
        }
      }
    }
    jedis.select(0);
    return result;
  }

  private static Map<String, String> read(Keyspace keyspace) {
    Map<String, String> result = new TreeMap<>();
    for (int db : new int[] {0, 3}) {
      Database database = keyspace.db(db);
      for (int slot = 0; slot < 16384; slot++) {
        SlotTable table = database.slot(slot);
        if (table == null) {
          continue;
        }
        for (int i = 0; i < table.capacity(); i++) {
          if (table.keyAt(i) != null) {
            result.put(db + "/" + new String(table.keyAt(i), StandardCharsets.UTF_8),
                GenericCollections.canonical(table.valueAt(i)));
          }
        }
      }
    }
    return result;
  }

  @Test
  void redisRdbLoadsIntoShoalAndShoalRdbLoadsIntoRedis(@TempDir Path dir) throws Exception {
    Map<String, String> expected;
    try (RealRedis redis = RealRedis.start(dir, "redis.rdb"); Jedis jedis = redis.jedis()) {
      fill(jedis);
      expected = read(jedis);
      assertThat(jedis.save()).isEqualTo("OK");
    }
    assertThat(expected).hasSize(22);

    CollectionCodecs codecs = GenericCollections.codecs();
    Keyspace keyspace = new Keyspace(16, 1024, System::currentTimeMillis);
    RdbLoader.Result result;
    try (InputStream in = Files.newInputStream(dir.resolve("redis.rdb"))) {
      result = RdbLoader.load(in, keyspace, codecs);
    }
    assertThat(result.version()).isEqualTo(10);
    assertThat(result.keys()).isEqualTo(22);
    assertThat(read(keyspace)).isEqualTo(expected);
    long now = System.currentTimeMillis();
    assertThat(keyspace.db(0).expireTime("s:ttl".getBytes(StandardCharsets.UTF_8))).isBetween(now, now + TTL_MILLIS);
    assertThat(keyspace.db(0).expireTime("h:big".getBytes(StandardCharsets.UTF_8))).isBetween(now, now + TTL_MILLIS);
    assertThat(keyspace.db(0).expireTime("s:text".getBytes(StandardCharsets.UTF_8))).isZero();

    Path shoalFile = dir.resolve("shoal.rdb");
    try (OutputStream out = Files.newOutputStream(shoalFile)) {
      RdbWriter.write(Snapshot.take(keyspace, null), out, codecs, true, 0, false);
    }
    Process check = new ProcessBuilder("redis-check-rdb", shoalFile.toString()).redirectErrorStream(true).start();
    String report = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor()).as(report).isZero();
    assertThat(report).contains("RDB looks OK");

    try (RealRedis redis = RealRedis.start(dir, "shoal.rdb"); Jedis jedis = redis.jedis()) {
      assertThat(read(jedis)).isEqualTo(expected);
      assertThat(jedis.pttl("s:ttl")).isBetween(1L, TTL_MILLIS);
      assertThat(jedis.ttl("s:text")).isEqualTo(-1L);
      assertThat(jedis.objectEncoding("set:ints")).isEqualTo("intset");
    }
  }

  @Test
  void dumpPayloadsCrossBothWays(@TempDir Path dir) throws Exception {
    CollectionCodecs codecs = GenericCollections.codecs();
    try (RealRedis redis = RealRedis.start(dir, "redis.rdb"); Jedis jedis = redis.jedis()) {
      fill(jedis);
      Map<String, String> expected = read(jedis);
      for (String key : jedis.keys("*")) {
        byte[] payload = jedis.dump(key);
        assertThat(DumpPayload.verify(payload)).as(key).isTrue();
        Object value = DumpPayload.read(payload, codecs);
        assertThat(GenericCollections.canonical(value)).as(key).isEqualTo(expected.get("0/" + key));
        // Shoal's payload of the same value restores in Redis to an equal value.
        jedis.restore("copy:" + key, 0, DumpPayload.create(value, codecs));
      }
      Map<String, String> after = read(jedis);
      for (String key : jedis.keys("*")) {
        if (!key.startsWith("copy:")) {
          assertThat(after.get("0/copy:" + key)).as(key).isEqualTo(expected.get("0/" + key));
        }
      }
    }
  }
}
