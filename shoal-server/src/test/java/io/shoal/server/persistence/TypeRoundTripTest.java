package io.shoal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shoal.server.testing.RealRedis;
import io.shoal.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Shoal's own hash, set, list and sorted-set values through RDB files and DUMP payloads, against Debian's
 * redis-server: read back with HGETALL, SMEMBERS, LRANGE and ZRANGE WITHSCORES on both sides, encodings as Redis chooses.
 */
class TypeRoundTripTest {
  private static void fill(Jedis jedis) {
    jedis.set("s", "string");
    jedis.hset("h:small", Map.of("a", "1", "b", "two"));
    for (int i = 0; i < 300; i++) {
      jedis.hset("h:big", "f" + i, "v" + i);
    }
    jedis.sadd("set:ints", "1", "-2", "300000", "9000000000");
    jedis.sadd("set:small", "x", "y", "z");
    for (int i = 0; i < 600; i++) {
      jedis.sadd("set:big", "m" + i);
    }
    jedis.rpush("l:small", "a", "1", "-7", "b");
    for (int i = 0; i < 700; i++) {
      jedis.rpush("l:big", i % 3 == 0 ? Integer.toString(i - 350) : "element-" + i);
    }
    jedis.rpush("l:huge", "x".repeat(20_000), "y");
    jedis.zadd("z:small", Map.of("a", 1.5, "top", Double.POSITIVE_INFINITY, "bottom", Double.NEGATIVE_INFINITY, "b", 1.5));
    for (int i = 0; i < 300; i++) {
      jedis.zadd("z:big", i * 0.25 - 10, "m" + i);
    }
  }

  private static Map<String, String> read(Jedis jedis) {
    Map<String, String> result = new TreeMap<>();
    for (String key : new TreeSet<>(jedis.keys("*"))) {
      switch (jedis.type(key)) {
        case "string" -> result.put(key, jedis.get(key));
        case "hash" -> result.put(key, new TreeMap<>(jedis.hgetAll(key)).toString());
        case "set" -> result.put(key, new TreeSet<>(jedis.smembers(key)).toString());
        case "list" -> result.put(key, jedis.lrange(key, 0, -1).toString());
        case "zset" -> result.put(key, jedis.zrangeWithScores(key, 0, -1).toString());
        default -> throw new AssertionError(key);
      }
    }
    return result;
  }

  @Test
  void everyTypeCrossesRdbAndDumpBothWays(@TempDir Path dir) throws Exception {
    assumeTrue(RealRedis.available());
    Map<String, String> expected;
    Map<String, byte[]> redisDumps = new TreeMap<>();
    try (RealRedis redis = RealRedis.start(dir, "redis.rdb"); Jedis jedis = redis.jedis()) {
      fill(jedis);
      expected = read(jedis);
      for (String key : expected.keySet()) {
        redisDumps.put(key, jedis.dump(key));
      }
      jedis.save();
    }
    assertThat(expected).hasSize(11);
    Path shoalDir = Files.createDirectories(dir.resolve("shoal"));
    Files.copy(dir.resolve("redis.rdb"), shoalDir.resolve("dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
    Map<String, byte[]> shoalDumps = new TreeMap<>();
    try (TestServer shoal = TestServer.start("dir", shoalDir.toString(), "save", ""); Jedis jedis = shoal.jedis()) {
      assertThat(read(jedis)).isEqualTo(expected);
      assertThat(jedis.objectEncoding("set:ints")).isEqualTo("intset");
      assertThat(jedis.objectEncoding("set:big")).isEqualTo("hashtable");
      assertThat(jedis.objectEncoding("h:small")).isEqualTo("listpack");
      assertThat(jedis.objectEncoding("h:big")).isEqualTo("hashtable");
      assertThat(jedis.objectEncoding("l:small")).isEqualTo("listpack");
      assertThat(jedis.objectEncoding("l:huge")).isEqualTo("quicklist");
      assertThat(jedis.objectEncoding("z:small")).isEqualTo("listpack");
      assertThat(jedis.objectEncoding("z:big")).isEqualTo("skiplist");
      jedis.flushAll();
      for (Map.Entry<String, byte[]> dump : redisDumps.entrySet()) {
        jedis.restore(dump.getKey(), 0, dump.getValue());
      }
      assertThat(read(jedis)).isEqualTo(expected);
      for (String key : expected.keySet()) {
        shoalDumps.put(key, jedis.dump(key));
      }
      jedis.save();
    }
    Process check = new ProcessBuilder("redis-check-rdb", shoalDir.resolve("dump.rdb").toString()).redirectErrorStream(true).start();
    String report = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor()).as(report).isZero();
    try (RealRedis redis = RealRedis.start(shoalDir, "dump.rdb"); Jedis jedis = redis.jedis()) {
      assertThat(read(jedis)).isEqualTo(expected);
      jedis.flushAll();
      for (Map.Entry<String, byte[]> dump : shoalDumps.entrySet()) {
        jedis.restore(dump.getKey(), 0, dump.getValue());
      }
      assertThat(read(jedis)).isEqualTo(expected);
    }
  }
}
