package io.shoal.server.command.string;

import static io.shoal.server.command.string.Calls.call;
import static io.shoal.server.command.string.Calls.list;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.GetExArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.shoal.server.testing.RedisCli;
import io.shoal.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

class StringCommandsTest {
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
    for (String key : jedis.keys("*")) {
      jedis.del(key);
    }
  }

  @org.junit.jupiter.api.AfterEach
  void disconnect() {
    jedis.close();
  }

  @Test
  void setOptions() {
    assertThat(jedis.set("k", "v1", SetParams.setParams().nx())).isEqualTo("OK");
    assertThat(jedis.set("k", "v2", SetParams.setParams().nx())).isNull();
    assertThat(jedis.set("missing", "v", SetParams.setParams().xx())).isNull();
    assertThat(jedis.exists("missing")).isFalse();
    assertThat(jedis.set("k", "v3", SetParams.setParams().xx().ex(100))).isEqualTo("OK");
    assertThat(jedis.ttl("k")).isBetween(99L, 100L);
    assertThat(call(jedis, "SET", "k", "v4", "KEEPTTL")).isEqualTo("OK");
    assertThat(jedis.ttl("k")).isBetween(99L, 100L);
    assertThat(call(jedis, "SET", "k", "v5")).isEqualTo("OK");
    assertThat(jedis.ttl("k")).isEqualTo(-1);
    assertThat(call(jedis, "SET", "k", "v6", "GET")).isEqualTo("v5");
    assertThat(call(jedis, "SET", "new", "x", "GET")).isNull();
    assertThat(call(jedis, "SET", "k", "v7", "NX", "GET")).isEqualTo("v6");
    assertThat(jedis.get("k")).isEqualTo("v6");
    assertThat(call(jedis, "SET", "k", "v", "PX", "100000")).isEqualTo("OK");
    assertThat(jedis.pttl("k")).isBetween(99_000L, 100_000L);
    long future = System.currentTimeMillis() / 1000 + 500;
    assertThat(call(jedis, "SET", "k", "v", "EXAT", Long.toString(future))).isEqualTo("OK");
    assertThat(jedis.expireTime("k")).isEqualTo(future);
    assertThat(call(jedis, "SET", "k", "v", "PXAT", Long.toString(future * 1000))).isEqualTo("OK");
    assertThat(jedis.pexpireTime("k")).isEqualTo(future * 1000);
  }

  @Test
  void setErrors() {
    assertThat(call(jedis, "SET", "k", "v", "NX", "XX")).isEqualTo("!ERR syntax error");
    assertThat(call(jedis, "SET", "k", "v", "EX", "10", "PX", "100")).isEqualTo("!ERR syntax error");
    assertThat(call(jedis, "SET", "k", "v", "KEEPTTL", "EX", "10")).isEqualTo("!ERR syntax error");
    assertThat(call(jedis, "SET", "k", "v", "EX")).isEqualTo("!ERR syntax error");
    assertThat(call(jedis, "SET", "k", "v", "BOGUS")).isEqualTo("!ERR syntax error");
    assertThat(call(jedis, "SET", "k", "v", "EX", "0")).isEqualTo("!ERR invalid expire time in 'set' command");
    assertThat(call(jedis, "SET", "k", "v", "PX", "-5")).isEqualTo("!ERR invalid expire time in 'set' command");
    assertThat(call(jedis, "SET", "k", "v", "EX", "9223372036854775807"))
        .isEqualTo("!ERR invalid expire time in 'set' command");
    assertThat(call(jedis, "SET", "k", "v", "EX", "ten")).isEqualTo("!ERR value is not an integer or out of range");
    assertThat(call(jedis, "SETEX", "k", "0", "v")).isEqualTo("!ERR invalid expire time in 'setex' command");
    assertThat(call(jedis, "PSETEX", "k", "-1", "v")).isEqualTo("!ERR invalid expire time in 'psetex' command");
    assertThat(call(jedis, "SET", "k")).isEqualTo("!ERR wrong number of arguments for 'set' command");
      }

  @Test
  void setFamily() {
    assertThat(jedis.setnx("a", "1")).isEqualTo(1);
    assertThat(jedis.setnx("a", "2")).isZero();
    assertThat(jedis.setex("b", 50, "x")).isEqualTo("OK");
    assertThat(jedis.ttl("b")).isBetween(49L, 50L);
    assertThat(jedis.psetex("c", 50_000, "y")).isEqualTo("OK");
    assertThat(jedis.pttl("c")).isBetween(49_000L, 50_000L);
    assertThat(jedis.getSet("a", "3")).isEqualTo("1");
    assertThat(jedis.getSet("nope", "3")).isNull();
    assertThat(jedis.get("nope")).isEqualTo("3");
    assertThat(jedis.getDel("a")).isEqualTo("3");
    assertThat(jedis.getDel("a")).isNull();
    assertThat(jedis.exists("a")).isFalse();
    assertThat(jedis.mset("m1", "1", "m2", "2")).isEqualTo("OK");
    assertThat(jedis.mget("m1", "absent", "m2")).containsExactly("1", null, "2");
    assertThat(jedis.msetnx("m2", "x", "m3", "y")).isZero();
    assertThat(jedis.exists("m3")).isFalse();
    assertThat(jedis.msetnx("m3", "x", "m4", "y")).isEqualTo(1);
    assertThat(call(jedis, "MSET", "a", "1", "b")).isEqualTo("!ERR wrong number of arguments for 'mset' command");
  }

  @Test
  void getex() {
    jedis.set("k", "v");
    assertThat(call(jedis, "GETEX", "k", "EX", "100")).isEqualTo("v");
    assertThat(jedis.ttl("k")).isBetween(99L, 100L);
    assertThat(call(jedis, "GETEX", "k", "PERSIST")).isEqualTo("v");
    assertThat(jedis.ttl("k")).isEqualTo(-1);
    assertThat(call(jedis, "GETEX", "k", "EX", "0")).isEqualTo("!ERR invalid expire time in 'getex' command");
    assertThat(call(jedis, "GETEX", "k", "EX", "10", "PERSIST")).isEqualTo("!ERR syntax error");
    assertThat(call(jedis, "GETEX", "k", "PXAT", "1")).isEqualTo("v");
    assertThat(jedis.exists("k")).isFalse();
    assertThat(call(jedis, "GETEX", "missing")).isNull();
  }

  @Test
  void appendStrlenRanges() {
    assertThat(jedis.append("s", "Hello")).isEqualTo(5);
    assertThat(jedis.append("s", " World")).isEqualTo(11);
    assertThat(jedis.strlen("s")).isEqualTo(11);
    assertThat(jedis.strlen("nope")).isZero();
    assertThat(jedis.getrange("s", 0, 4)).isEqualTo("Hello");
    assertThat(jedis.getrange("s", -5, -1)).isEqualTo("World");
    assertThat(jedis.getrange("s", -1, -5)).isEmpty();
    assertThat(jedis.getrange("s", 0, 1000)).isEqualTo("Hello World");
    assertThat(jedis.getrange("s", 5, 3)).isEmpty();
    assertThat(jedis.getrange("nope", 0, -1)).isEmpty();
    assertThat(call(jedis, "SUBSTR", "s", "6", "-1")).isEqualTo("World");
    assertThat(jedis.setrange("s", 6, "Redis")).isEqualTo(11);
    assertThat(jedis.get("s")).isEqualTo("Hello Redis");
    assertThat(jedis.setrange("z", 3, "ab")).isEqualTo(5);
    assertThat(jedis.get("z")).isEqualTo("\0\0\0ab");
    assertThat(jedis.setrange("empty", 10, "")).isZero();
    assertThat(jedis.exists("empty")).isFalse();
    assertThat(call(jedis, "SETRANGE", "s", "-1", "x")).isEqualTo("!ERR offset is out of range");
    assertThat(call(jedis, "SETRANGE", "s", "536870911", "xy"))
        .isEqualTo("!ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    jedis.setex("ttl", 100, "a");
    jedis.append("ttl", "b");
    assertThat(jedis.ttl("ttl")).isPositive();
  }

  @Test
  void counters() {
    assertThat(jedis.incr("n")).isEqualTo(1);
    assertThat(jedis.incrBy("n", 10)).isEqualTo(11);
    assertThat(jedis.decr("n")).isEqualTo(10);
    assertThat(jedis.decrBy("n", 20)).isEqualTo(-10);
    jedis.set("big", "9223372036854775807");
    assertThat(call(jedis, "INCR", "big")).isEqualTo("!ERR increment or decrement would overflow");
    assertThat(call(jedis, "DECRBY", "n", "-9223372036854775808")).isEqualTo("!ERR decrement would overflow");
    jedis.set("text", "abc");
    assertThat(call(jedis, "INCR", "text")).isEqualTo("!ERR value is not an integer or out of range");
    jedis.set("space", " 1");
    assertThat(call(jedis, "INCR", "space")).isEqualTo("!ERR value is not an integer or out of range");
    assertThat(call(jedis, "INCRBYFLOAT", "f", "10.5")).isEqualTo("10.5");
    assertThat(call(jedis, "INCRBYFLOAT", "f", "0.1")).isEqualTo("10.6");
    assertThat(call(jedis, "INCRBYFLOAT", "f", "-5.6")).isEqualTo("5");
    jedis.set("e", "5.0e3");
    assertThat(call(jedis, "INCRBYFLOAT", "e", "2.0e2")).isEqualTo("5200");
    assertThat(call(jedis, "INCRBYFLOAT", "f", "inf")).isEqualTo("!ERR increment would produce NaN or Infinity");
    assertThat(call(jedis, "INCRBYFLOAT", "text", "1")).isEqualTo("!ERR value is not a valid float");
    Calls.putHash(server.server(), 0, "list");
    assertThat(call(jedis, "INCR", "list")).isEqualTo("!WRONGTYPE Operation against a key holding the wrong kind of value");
    assertThat(call(jedis, "GET", "list")).isEqualTo("!WRONGTYPE Operation against a key holding the wrong kind of value");
    assertThat(call(jedis, "APPEND", "list", "x")).isEqualTo("!WRONGTYPE Operation against a key holding the wrong kind of value");
    assertThat(call(jedis, "SET", "list", "v", "GET")).isEqualTo("!WRONGTYPE Operation against a key holding the wrong kind of value");
    assertThat(call(jedis, "MGET", "list", "n")).isEqualTo(list(null, "-10"));
    jedis.setex("kept", 100, "1");
    jedis.incr("kept");
    assertThat(jedis.ttl("kept")).isPositive();
  }

  @Test
  void lettuceResp3() {
    RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      assertThat(redis.set("l", "1", SetArgs.Builder.nx().ex(100))).isEqualTo("OK");
      assertThat(redis.set("l", "2", SetArgs.Builder.nx())).isNull();
      assertThat(redis.setGet("l", "3")).isEqualTo("1");
      assertThat(redis.getex("l", GetExArgs.Builder.persist())).isEqualTo("3");
      assertThat(redis.ttl("l")).isEqualTo(-1);
      assertThat(redis.incrbyfloat("fl", 1.5)).isEqualTo(1.5);
      assertThat(redis.mget("l", "none")).hasSize(2);
      assertThat(redis.getrange("l", 0, -1)).isEqualTo("3");
      assertThat(redis.strlen("l")).isEqualTo(1);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void redisCli() {
    if (!RedisCli.available()) {
      return;
    }
    assertThat(RedisCli.run(server.port(), "SET", "cli", "10", "EX", "100")).isEqualTo("OK");
    assertThat(RedisCli.run(server.port(), "INCRBY", "cli", "5")).isEqualTo("15");
    assertThat(RedisCli.run(server.port(), "GET", "cli")).isEqualTo("15");
    assertThat(RedisCli.run(server.port(), "SET", "cli", "x", "PX", "0"))
        .contains("ERR invalid expire time in 'set' command");
  }
}
