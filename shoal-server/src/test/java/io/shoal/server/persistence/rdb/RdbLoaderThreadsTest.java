package io.shoal.server.persistence.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shoal.server.keyspace.Database;
import io.shoal.server.keyspace.Keyspace;
import io.shoal.server.keyspace.SlotTable;
import io.shoal.server.testing.RealRedis;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * The loader's threads (slot, hash and size of each key computed in shares of the entries, then
 * inserted by slot ranges) load a file written by redis-server exactly as one thread does: every
 * key once, with its type, value and TTL, in the same database, and the same used memory.
 */
class RdbLoaderThreadsTest {
  private static final long NOW = System.currentTimeMillis();

  @Test
  void everyThreadCountLoadsTheSameKeysValuesAndTtls(@TempDir Path dir) throws Exception {
    assumeTrue(RealRedis.available(), "redis-server is not installed");
    try (RealRedis redis = RealRedis.start(dir, "dump.rdb", "--enable-debug-command", "yes");
        Jedis jedis = redis.jedis()) {
      jedis.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "POPULATE", "60000", "key", "16");
      Pipeline pipeline = jedis.pipelined();
      for (int i = 0; i < 5000; i++) {
        pipeline.psetex("ttl:" + i, 1_000_000 + i, "v" + i);
        pipeline.set("int:" + i, Integer.toString(i * 7 - 3000));
      }
      for (int i = 0; i < 300; i++) {
        pipeline.hset("h:" + i, "f" + i, "x" + i);
        pipeline.sadd("s:" + i, "a", "b", Integer.toString(i));
        pipeline.rpush("l:" + i, "one", "two");
        pipeline.zadd("z:" + i, i, "m" + i);
        pipeline.pexpire("z:" + i, 2_000_000 + i);
      }
      pipeline.select(3);
      for (int i = 0; i < 20_000; i++) {
        pipeline.set("db3:" + i, "w" + i);
      }
      pipeline.sync();
      assertThat(jedis.save()).isEqualTo("OK");
    }
    long expectedKeys = 60_000 + 10_000 + 4 * 300 + 20_000;

    Map<String, String> single = load(dir.resolve("dump.rdb"), 1);
    assertThat(single).hasSize((int) expectedKeys + 1);
    assertThat(single.get("0/ttl:7")).endsWith(" ttl=" + expiry(single.get("0/ttl:7")))
        .doesNotEndWith(" ttl=0");
    assertThat(expiry(single.get("0/ttl:7"))).isGreaterThan(NOW);
    assertThat(expiry(single.get("3/db3:5"))).isZero();
    for (int threads : new int[] {2, 3}) {
      Map<String, String> parallel = load(dir.resolve("dump.rdb"), threads);
      assertThat(parallel).as("%d threads", threads).isEqualTo(single);
    }
  }

  private static long expiry(String loaded) {
    return Long.parseLong(loaded.substring(loaded.lastIndexOf(" ttl=") + 5));
  }

  /** Each key as "db/key" to its value, TTL, and the used memory of the whole load under "memory". */
  private static Map<String, String> load(Path file, int threads) throws Exception {
    Keyspace keyspace = new Keyspace(16, 1024, () -> NOW);
    RdbLoader.Result result;
    try (InputStream in = Files.newInputStream(file)) {
      result = RdbLoader.load(in, keyspace, GenericCollections.codecs(), threads);
    }
    Map<String, String> keys = new TreeMap<>();
    long stored = 0;
    for (int db = 0; db < 16; db++) {
      Database database = keyspace.db(db);
      for (int slot = 0; slot < 16384; slot++) {
        SlotTable table = database.slot(slot);
        if (table == null) {
          continue;
        }
        stored += table.size();
        for (int i = 0; i < table.capacity(); i++) {
          byte[] key = table.keyAt(i);
          if (key != null) {
            long ttl = database.expireTime(key);
            String previous = keys.put(db + "/" + new String(key, StandardCharsets.UTF_8),
                GenericCollections.canonical(table.valueAt(i)) + " ttl=" + ttl);
            assertThat(previous).as("key stored twice").isNull();
          }
        }
      }
    }
    // Every key once: the tables hold as many entries as there are distinct keys, as many as loaded.
    assertThat(stored).isEqualTo(keys.size()).isEqualTo(result.keys());
    Map<String, String> withMemory = new TreeMap<>(keys);
    withMemory.put("memory", Long.toString(keyspace.usedBytes()));
    return withMemory;
  }
}
