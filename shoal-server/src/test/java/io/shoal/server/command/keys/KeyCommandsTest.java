package io.shoal.server.command.keys;

import static io.shoal.server.command.string.Calls.call;
import static io.shoal.server.command.string.Calls.list;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.CopyArgs;
import io.lettuce.core.ExpireArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.shoal.server.command.string.Calls;
import io.shoal.server.testing.RealRedis;
import io.shoal.server.testing.RedisCli;
import io.shoal.server.testing.TestServer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

class KeyCommandsTest {
  static TestServer server;
  Jedis jedis;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void connect() {
    jedis = server.jedis();
    for (int db = 0; db < 3; db++) {
      jedis.select(db);
      for (String key : jedis.keys("*")) {
        jedis.del(key);
      }
    }
    jedis.select(0);
  }

  @AfterEach
  void disconnect() {
    jedis.close();
  }

  @Test
  void delExistsTypeTouch() {
    jedis.mset("a", "1", "b", "2");
    Calls.putHash(server.server(), 0, "h");
    assertThat(jedis.exists("a", "a", "b", "none")).isEqualTo(3);
    assertThat(call(jedis, "TYPE", "a")).isEqualTo("string");
    assertThat(call(jedis, "TYPE", "h")).isEqualTo("hash");
    assertThat(call(jedis, "TYPE", "none")).isEqualTo("none");
    assertThat(jedis.touch("a", "none", "b")).isEqualTo(2);
    assertThat(jedis.del("a", "none")).isEqualTo(1);
    assertThat(jedis.unlink("b", "h")).isEqualTo(2);
    assertThat(jedis.exists("a", "b", "h")).isZero();
    assertThat(call(jedis, "DEL")).isEqualTo("!ERR wrong number of arguments for 'del' command");
  }

  @Test
  void renameAndRenamenx() {
    jedis.setex("src", 100, "v");
    jedis.set("dst", "old");
    assertThat(jedis.rename("src", "dst")).isEqualTo("OK");
    assertThat(jedis.get("dst")).isEqualTo("v");
    assertThat(jedis.ttl("dst")).isPositive();
    assertThat(jedis.exists("src")).isFalse();
    assertThat(call(jedis, "RENAME", "src", "x")).isEqualTo("!ERR no such key");
    assertThat(call(jedis, "RENAME", "dst", "dst")).isEqualTo("OK");
    assertThat(call(jedis, "RENAMENX", "dst", "dst")).isEqualTo(0L);
    jedis.set("other", "o");
    assertThat(jedis.renamenx("dst", "other")).isZero();
    assertThat(jedis.renamenx("dst", "fresh")).isEqualTo(1);
    assertThat(jedis.get("fresh")).isEqualTo("v");
    assertThat(call(jedis, "RENAMENX", "nope", "x")).isEqualTo("!ERR no such key");
  }

  @Test
  void copyAndMove() {
    jedis.setex("s", 100, "v");
    assertThat(call(jedis, "COPY", "s", "c")).isEqualTo(1L);
    assertThat(jedis.get("c")).isEqualTo("v");
    assertThat(jedis.ttl("c")).isPositive();
    assertThat(call(jedis, "COPY", "s", "c")).isEqualTo(0L);
    jedis.set("s", "w");
    assertThat(call(jedis, "COPY", "s", "c", "REPLACE")).isEqualTo(1L);
    assertThat(jedis.get("c")).isEqualTo("w");
    assertThat(call(jedis, "COPY", "s", "s")).isEqualTo("!ERR source and destination objects are the same");
    assertThat(call(jedis, "COPY", "s", "s", "DB", "1")).isEqualTo(1L);
    assertThat(call(jedis, "COPY", "s", "s", "DB", "99")).isEqualTo("!ERR DB index is out of range");
    assertThat(call(jedis, "COPY", "s", "x", "BOGUS")).isEqualTo("!ERR syntax error");
    assertThat(call(jedis, "COPY", "none", "x")).isEqualTo(0L);
    Calls.putHash(server.server(), 0, "h");
    assertThat(call(jedis, "COPY", "h", "h2")).isEqualTo(1L);
    assertThat(call(jedis, "TYPE", "h2")).isEqualTo("hash");
    jedis.select(1);
    assertThat(jedis.get("s")).isEqualTo("w");
    jedis.select(0);
    jedis.setex("m", 100, "mv");
    assertThat(jedis.move("m", 2)).isEqualTo(1);
    assertThat(jedis.exists("m")).isFalse();
    assertThat(jedis.move("m", 2)).isZero();
    assertThat(call(jedis, "MOVE", "s", "0")).isEqualTo("!ERR source and destination objects are the same");
    assertThat(call(jedis, "MOVE", "s", "16")).isEqualTo("!ERR DB index is out of range");
    assertThat(call(jedis, "MOVE", "s", "x")).isEqualTo("!ERR value is not an integer or out of range");
    assertThat(jedis.move("s", 1)).isZero();
    jedis.select(2);
    assertThat(jedis.get("m")).isEqualTo("mv");
    assertThat(jedis.ttl("m")).isPositive();
  }

  @Test
  void swapdb() {
    jedis.set("in0", "a");
    jedis.select(1);
    jedis.set("in1", "b");
    assertThat(jedis.swapDB(0, 1)).isEqualTo("OK");
    assertThat(jedis.get("in0")).isEqualTo("a");
    assertThat(jedis.exists("in1")).isFalse();
    jedis.select(0);
    assertThat(jedis.get("in1")).isEqualTo("b");
    assertThat(call(jedis, "SWAPDB", "0", "x")).isEqualTo("!ERR invalid second DB index");
    assertThat(call(jedis, "SWAPDB", "x", "0")).isEqualTo("!ERR invalid first DB index");
    assertThat(call(jedis, "SWAPDB", "0", "16")).isEqualTo("!ERR DB index is out of range");
    assertThat(jedis.swapDB(0, 1)).isEqualTo("OK");
  }

  @Test
  void moveCopyAndSwapdbReachWriteListenersOfTheOtherDatabase() {
    List<String> written = new java.util.concurrent.CopyOnWriteArrayList<>();
    server.server().addKeyWriteListener((db, key, writer) ->
        written.add(db + ":" + new String(key, java.nio.charset.StandardCharsets.UTF_8)));
    jedis.set("w", "v");
    written.clear();
    jedis.move("w", 2);
    assertThat(written).contains("0:w", "2:w");
    written.clear();
    jedis.select(2);
    assertThat(call(jedis, "COPY", "w", "w", "DB", "1")).isEqualTo(1L);
    assertThat(written).contains("1:w");
    written.clear();
    jedis.swapDB(1, 2);
    assertThat(written).contains("1:w", "2:w");
    jedis.select(0);
  }

  @Test
  void keysScanRandomkey() {
    assertThat(jedis.randomKey()).isNull();
    for (int i = 0; i < 120; i++) {
      jedis.set("user:" + i, "v");
    }
    Calls.putHash(server.server(), 0, "hash:1");
    assertThat(jedis.keys("user:1?")).hasSize(10);
    assertThat(jedis.keys("*")).hasSize(121);
    assertThat(jedis.randomKey()).matches("user:\\d+|hash:1");
    Set<String> seen = new HashSet<>();
    String cursor = "0";
    int calls = 0;
    do {
      ScanResult<String> page = jedis.scan(cursor, new ScanParams().match("user:*").count(20));
      seen.addAll(page.getResult());
      cursor = page.getCursor();
      calls++;
    } while (!cursor.equals("0"));
    assertThat(seen).hasSize(120);
    assertThat(calls).isGreaterThan(1);
    List<Object> typed = (List<Object>) call(jedis, "SCAN", "0", "COUNT", "100000", "TYPE", "hash");
    assertThat(typed).isEqualTo(list("0", list("hash:1")));
    assertThat(call(jedis, "SCAN", "abc")).isEqualTo("!ERR invalid cursor");
    assertThat(call(jedis, "SCAN", "0", "COUNT", "0")).isEqualTo("!ERR syntax error");
    assertThat(call(jedis, "SCAN", "0", "MATCH")).isEqualTo("!ERR syntax error");
    assertThat(call(jedis, "SCAN", "99999999")).isEqualTo(list("0", list()));
  }

  @Test
  void object() {
    jedis.set("int", "12345");
    jedis.set("emb", "hello");
    jedis.set("raw", "x".repeat(50));
    assertThat(call(jedis, "OBJECT", "ENCODING", "int")).isEqualTo("int");
    assertThat(call(jedis, "OBJECT", "ENCODING", "emb")).isEqualTo("embstr");
    assertThat(call(jedis, "OBJECT", "ENCODING", "raw")).isEqualTo("raw");
    assertThat(call(jedis, "OBJECT", "ENCODING", "none")).isNull();
    assertThat(call(jedis, "OBJECT", "REFCOUNT", "emb")).isEqualTo(1L);
    assertThat(call(jedis, "OBJECT", "IDLETIME", "emb")).isEqualTo(0L);
    assertThat((String) call(jedis, "OBJECT", "FREQ", "emb")).startsWith("!ERR An LFU maxmemory policy is not selected");
    assertThat((List<?>) call(jedis, "OBJECT", "HELP")).first().asString().startsWith("OBJECT <subcommand>");
    assertThat(call(jedis, "OBJECT", "BOGUS", "x")).isEqualTo("!ERR unknown subcommand 'BOGUS'. Try OBJECT HELP.");
    configSet("maxmemory-policy", "allkeys-lfu");
    try {
      jedis.get("emb");
      assertThat((Long) call(jedis, "OBJECT", "FREQ", "emb")).isGreaterThanOrEqualTo(1L);
      assertThat((String) call(jedis, "OBJECT", "IDLETIME", "emb")).startsWith("!ERR An LFU maxmemory policy is selected, idle time not tracked.");
    } finally {
      configSet("maxmemory-policy", "noeviction");
    }
  }

  /** Redis shares its integer objects 0-9999 and reports them with refcount INT_MAX. */
  @Test
  void refcountOfSmallIntegersIsRedissSharedCount(@TempDir Path dir) throws Exception {
    List<List<String>> script = List.of(
        List.of("SET", "small", "100"), List.of("SET", "edge", "9999"), List.of("SET", "big", "10000"),
        List.of("SET", "padded", "007"), List.of("SET", "negative", "-1"), List.of("SET", "zero", "0"),
        List.of("INCR", "counter"), List.of("RPUSH", "list", "5"),
        List.of("OBJECT", "REFCOUNT", "small"), List.of("OBJECT", "REFCOUNT", "edge"),
        List.of("OBJECT", "REFCOUNT", "big"), List.of("OBJECT", "REFCOUNT", "padded"),
        List.of("OBJECT", "REFCOUNT", "negative"), List.of("OBJECT", "REFCOUNT", "zero"),
        List.of("OBJECT", "REFCOUNT", "counter"), List.of("OBJECT", "REFCOUNT", "list"),
        List.of("CONFIG", "SET", "maxmemory", "1gb"), List.of("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"),
        List.of("SET", "evictable", "5"), List.of("OBJECT", "REFCOUNT", "evictable"),
        List.of("CONFIG", "SET", "maxmemory-policy", "allkeys-random"),
        List.of("SET", "random", "5"), List.of("OBJECT", "REFCOUNT", "random"),
        List.of("CONFIG", "SET", "maxmemory", "0"), List.of("CONFIG", "SET", "maxmemory-policy", "noeviction"));
    Assumptions.assumeTrue(RealRedis.available());
    try (RealRedis redis = RealRedis.start(dir, "redis.rdb"); Jedis real = redis.jedis()) {
      for (List<String> command : script) {
        String[] args = command.toArray(new String[0]);
        assertThat(call(jedis, args)).as(String.join(" ", command)).isEqualTo(call(real, args));
      }
    } finally {
      configSet("maxmemory", "0");
      configSet("maxmemory-policy", "noeviction");
    }
    assertThat(call(jedis, "OBJECT", "REFCOUNT", "small")).isEqualTo((long) Integer.MAX_VALUE);
    assertThat(call(jedis, "DEBUG", "OBJECT", "small").toString()).contains(" refcount:2147483647 encoding:int ");
  }

  /** CONFIG SET belongs to another module; the settings object is what it calls. */
  private static void configSet(String name, String value) {
    server.server().settings().set(List.<String[]>of(new String[] {name, value}));
  }

  @Test
  void expireFamily() {
    jedis.set("k", "v");
    assertThat(jedis.ttl("k")).isEqualTo(-1);
    assertThat(jedis.ttl("none")).isEqualTo(-2);
    assertThat(jedis.pttl("none")).isEqualTo(-2);
    assertThat(call(jedis, "EXPIRE", "k", "100", "XX")).isEqualTo(0L);
    assertThat(call(jedis, "EXPIRE", "k", "100", "NX")).isEqualTo(1L);
    assertThat(call(jedis, "EXPIRE", "k", "200", "NX")).isEqualTo(0L);
    assertThat(call(jedis, "EXPIRE", "k", "50", "GT")).isEqualTo(0L);
    assertThat(call(jedis, "EXPIRE", "k", "200", "GT")).isEqualTo(1L);
    assertThat(call(jedis, "EXPIRE", "k", "300", "LT")).isEqualTo(0L);
    assertThat(call(jedis, "EXPIRE", "k", "150", "LT")).isEqualTo(1L);
    assertThat(jedis.ttl("k")).isBetween(149L, 150L);
    assertThat(call(jedis, "PEXPIRE", "k", "150000", "XX")).isEqualTo(1L);
    assertThat(jedis.persist("k")).isEqualTo(1);
    assertThat(jedis.persist("k")).isZero();
    assertThat(call(jedis, "EXPIRE", "k", "100", "GT")).isEqualTo(0L);
    assertThat(call(jedis, "EXPIRE", "k", "100", "LT")).isEqualTo(1L);
    long at = System.currentTimeMillis() / 1000 + 1000;
    assertThat(call(jedis, "EXPIREAT", "k", Long.toString(at))).isEqualTo(1L);
    assertThat(jedis.expireTime("k")).isEqualTo(at);
    assertThat(jedis.pexpireTime("k")).isEqualTo(at * 1000);
    assertThat(call(jedis, "PEXPIREAT", "k", Long.toString(at * 1000 + 5))).isEqualTo(1L);
    assertThat(jedis.pexpireTime("k")).isEqualTo(at * 1000 + 5);
    assertThat(jedis.expireTime("none")).isEqualTo(-2);
    jedis.set("p", "v");
    assertThat(jedis.expireTime("p")).isEqualTo(-1);
    assertThat(call(jedis, "EXPIRE", "none", "10")).isEqualTo(0L);
    assertThat(call(jedis, "EXPIRE", "k", "10", "NX", "XX"))
        .isEqualTo("!ERR NX and XX, GT or LT options at the same time are not compatible");
    assertThat(call(jedis, "EXPIRE", "k", "10", "GT", "LT"))
        .isEqualTo("!ERR GT and LT options at the same time are not compatible");
    assertThat(call(jedis, "EXPIRE", "k", "10", "YY")).isEqualTo("!ERR Unsupported option YY");
    assertThat(call(jedis, "EXPIRE", "k", "ten")).isEqualTo("!ERR value is not an integer or out of range");
    assertThat(call(jedis, "EXPIRE", "k", "9223372036854775807"))
        .isEqualTo("!ERR invalid expire time in 'expire' command");
    assertThat(call(jedis, "PEXPIRE", "k", "9223372036854775807"))
        .isEqualTo("!ERR invalid expire time in 'pexpire' command");
    assertThat(call(jedis, "EXPIRE", "k", "-1")).isEqualTo(1L);
    assertThat(jedis.exists("k")).isFalse();
  }

  @Test
  void lettuceAndCli() {
    RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      redis.set("lk", "v");
      assertThat(redis.expire("lk", 100, ExpireArgs.Builder.nx())).isTrue();
      assertThat(redis.expire("lk", 100, ExpireArgs.Builder.nx())).isFalse();
      assertThat(redis.copy("lk", "lk2", CopyArgs.Builder.replace(true))).isTrue();
      assertThat(redis.type("lk2")).isEqualTo("string");
      assertThat(redis.objectEncoding("lk")).isEqualTo("embstr");
      KeyScanCursor<String> page = redis.scan(ScanArgs.Builder.limit(100000).match("lk*"));
      assertThat(page.getKeys()).containsExactlyInAnyOrder("lk", "lk2");
      assertThat(page.isFinished()).isTrue();
      assertThat(redis.del("lk", "lk2")).isEqualTo(2);
    } finally {
      client.shutdown();
    }
    if (RedisCli.available()) {
      jedis.set("clikey", "1");
      assertThat(RedisCli.run(server.port(), "EXISTS", "clikey")).isEqualTo("1");
      assertThat(RedisCli.run(server.port(), "--scan", "--pattern", "cli*")).isEqualTo("clikey");
      assertThat(RedisCli.run(server.port(), "TTL", "clikey")).isEqualTo("-1");
      assertThat(RedisCli.run(server.port(), "RENAME", "nokey", "x")).contains("ERR no such key");
    }
  }
}
