package io.shoal.server.command.set;

import static io.shoal.server.testing.RawCommands.assertError;
import static io.shoal.server.testing.RawCommands.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.shoal.server.command.hash.Resp;
import io.shoal.server.testing.RedisCli;
import io.shoal.server.testing.TestServer;
import io.shoal.server.types.set.SetValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

class SetCommandsTest {
  static TestServer server;
  static final List<String> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    server = TestServer.start("notify-keyspace-events", "KEA");
    server.server().notifications().publisher((channel, message) -> {
      String name = new String(channel, StandardCharsets.UTF_8);
      if (name.startsWith("__keyevent@0__:")) {
        events.add(name.substring("__keyevent@0__:".length()) + " " + new String(message, StandardCharsets.UTF_8));
      }
    });
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static SetValue value(String key) {
    return (SetValue) server.server().keyspace().db(0).peek(key.getBytes(StandardCharsets.UTF_8));
  }

  static String[] range(String prefix, int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> prefix + i).toArray(String[]::new);
  }

  @Test
  void addRemoveAndMembership() {
    try (Jedis jedis = server.jedis()) {
      assertThat(jedis.sadd("s1", "a", "b", "a")).isEqualTo(2);
      assertThat(jedis.sadd("s1", "b", "c")).isEqualTo(1);
      assertThat(jedis.smembers("s1")).containsExactlyInAnyOrder("a", "b", "c");
      assertThat(jedis.smembers("nokey")).isEmpty();
      assertThat(jedis.sismember("s1", "a")).isTrue();
      assertThat(jedis.sismember("s1", "z")).isFalse();
      assertThat(jedis.sismember("nokey", "a")).isFalse();
      assertThat(jedis.smismember("s1", "a", "z", "c")).containsExactly(true, false, true);
      assertThat(jedis.smismember("nokey", "a")).containsExactly(false);
      assertThat(jedis.scard("s1")).isEqualTo(3);
      assertThat(jedis.scard("nokey")).isZero();
      assertThat(jedis.srem("s1", "a", "z")).isEqualTo(1);
      assertThat(jedis.srem("nokey", "a")).isZero();
      assertThat(jedis.srem("s1", "b", "c")).isEqualTo(2);
      assertThat(value("s1")).isNull();
    }
  }

  @Test
  void wrongTypeForEveryCommand() {
    try (Jedis jedis = server.jedis()) {
      jedis.set("str", "x");
      jedis.sadd("okset", "1");
      String wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
      for (String[] command : List.of(
          new String[] {"SADD", "str", "a"}, new String[] {"SREM", "str", "a"}, new String[] {"SMEMBERS", "str"},
          new String[] {"SISMEMBER", "str", "a"}, new String[] {"SMISMEMBER", "str", "a"}, new String[] {"SCARD", "str"},
          new String[] {"SPOP", "str"}, new String[] {"SPOP", "str", "0"}, new String[] {"SRANDMEMBER", "str"},
          new String[] {"SRANDMEMBER", "str", "0"}, new String[] {"SMOVE", "str", "okset", "a"},
          new String[] {"SMOVE", "okset", "str", "1"}, new String[] {"SINTER", "okset", "str"},
          new String[] {"SINTER", "nokey", "str"}, new String[] {"SUNION", "okset", "str"},
          new String[] {"SDIFF", "okset", "str"}, new String[] {"SINTERSTORE", "d", "okset", "str"},
          new String[] {"SUNIONSTORE", "d", "str"}, new String[] {"SDIFFSTORE", "d", "okset", "str"},
          new String[] {"SINTERCARD", "2", "okset", "str"}, new String[] {"SSCAN", "str", "0"})) {
        assertError(jedis, wrongType, command);
      }
      // A missing source answers 0 before the destination's type is looked at, as in Redis.
      assertThat(call(jedis, "SMOVE", "nokey", "str", "a")).isEqualTo(0L);
      assertThat(jedis.smembers("okset")).containsExactly("1");
    }
  }

  @Test
  void popAndRandomMembersFollowRedisCountRules() {
    try (Jedis jedis = server.jedis()) {
      jedis.sadd("sp", range("m", 0, 30));
      Set<String> all = new HashSet<>(Arrays.asList(range("m", 0, 30)));
      assertThat(all).contains(jedis.srandmember("sp"));
      assertThat(jedis.srandmember("nokey")).isNull();
      assertThat(jedis.srandmember("nokey", 5)).isEmpty();
      assertThat(jedis.srandmember("sp", 0)).isEmpty();
      assertThat(jedis.srandmember("sp", 5)).hasSize(5).doesNotHaveDuplicates();
      assertThat(jedis.srandmember("sp", 25)).hasSize(25).doesNotHaveDuplicates();
      assertThat(jedis.srandmember("sp", 100)).hasSize(30).doesNotHaveDuplicates();
      List<String> repeated = jedis.srandmember("sp", -200);
      assertThat(repeated).hasSize(200);
      assertThat(all).containsAll(repeated);
      assertError(jedis, "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
          "SRANDMEMBER", "sp", "-9223372036854775808");
      assertError(jedis, "ERR syntax error", "SRANDMEMBER", "sp", "1", "2");

      String one = jedis.spop("sp");
      assertThat(all).contains(one);
      assertThat(jedis.sismember("sp", one)).isFalse();
      Set<String> popped = jedis.spop("sp", 10);
      assertThat(popped).hasSize(10).doesNotContain(one);
      assertThat(jedis.scard("sp")).isEqualTo(19);
      assertThat(jedis.spop("sp", 0)).isEmpty();
      assertThat(jedis.spop("nokey")).isNull();
      assertThat(jedis.spop("nokey", 3)).isEmpty();
      assertError(jedis, "ERR value is out of range, must be positive", "SPOP", "sp", "-1");
      assertError(jedis, "ERR value is out of range, must be positive", "SPOP", "sp", "x");
      assertError(jedis, "ERR syntax error", "SPOP", "sp", "1", "2");
      assertThat(jedis.spop("sp", 100)).hasSize(19);
      assertThat(value("sp")).isNull();
    }
  }

  @Test
  void moveBetweenSets() {
    try (Jedis jedis = server.jedis()) {
      jedis.sadd("src", "a", "b");
      assertThat(jedis.smove("src", "dst", "a")).isEqualTo(1);
      assertThat(jedis.smove("src", "dst", "zz")).isZero();
      assertThat(jedis.smove("src", "src", "b")).isEqualTo(1);
      assertThat(jedis.smove("src", "src", "zz")).isZero();
      assertThat(jedis.smembers("dst")).containsExactly("a");
      assertThat(jedis.smove("src", "dst", "b")).isEqualTo(1);
      assertThat(value("src")).isNull();
      assertThat(jedis.smembers("dst")).containsExactlyInAnyOrder("a", "b");
    }
  }

  @Test
  void algebraAndStoreForms() {
    try (Jedis jedis = server.jedis()) {
      jedis.sadd("{x}a", "1", "2", "3", "q");
      jedis.sadd("{x}b", "2", "3", "4");
      jedis.sadd("{x}c", "3", "5");
      assertThat(jedis.sinter("{x}a", "{x}b")).containsExactlyInAnyOrder("2", "3");
      assertThat(jedis.sinter("{x}a", "{x}b", "{x}c")).containsExactly("3");
      assertThat(jedis.sinter("{x}a", "{x}nokey")).isEmpty();
      assertThat(jedis.sinter("{x}a")).hasSize(4);
      assertThat(jedis.sunion("{x}a", "{x}b", "{x}nokey")).containsExactlyInAnyOrder("1", "2", "3", "4", "q");
      assertThat(jedis.sdiff("{x}a", "{x}b", "{x}c")).containsExactlyInAnyOrder("1", "q");
      assertThat(jedis.sdiff("{x}nokey", "{x}a")).isEmpty();
      assertThat(jedis.sintercard("{x}a", "{x}b")).isEqualTo(2);
      assertThat(jedis.sintercard(1, "{x}a", "{x}b")).isEqualTo(1);
      assertThat(jedis.sintercard("{x}a", "{x}nokey")).isZero();

      assertThat(jedis.sinterstore("{x}d", "{x}a", "{x}b")).isEqualTo(2);
      assertThat(jedis.smembers("{x}d")).containsExactlyInAnyOrder("2", "3");
      assertThat(value("{x}d").encoding()).isEqualTo("intset");
      assertThat(jedis.sunionstore("{x}d", "{x}a", "{x}b")).isEqualTo(5);
      assertThat(value("{x}d").encoding()).isEqualTo("listpack");
      assertThat(jedis.sdiffstore("{x}d", "{x}a", "{x}b")).isEqualTo(2);
      assertThat(jedis.smembers("{x}d")).containsExactlyInAnyOrder("1", "q");
      // The destination may be one of the sources.
      assertThat(jedis.sunionstore("{x}a", "{x}a", "{x}c")).isEqualTo(5);
      jedis.set("{x}str", "v");
      assertThat(jedis.sinterstore("{x}str", "{x}a", "{x}nokey")).isZero();
      assertThat(value("{x}str")).isNull();
      jedis.set("{x}str", "v");
      assertThat(jedis.sunionstore("{x}str", "{x}c")).isEqualTo(2);
      assertThat(jedis.smembers("{x}str")).containsExactlyInAnyOrder("3", "5");
    }
  }

  @Test
  void intercardErrors() {
    try (Jedis jedis = server.jedis()) {
      assertError(jedis, "ERR numkeys should be greater than 0", "SINTERCARD", "0", "a");
      assertError(jedis, "ERR numkeys should be greater than 0", "SINTERCARD", "x", "a");
      assertError(jedis, "ERR Number of keys can't be greater than number of args", "SINTERCARD", "3", "a");
      assertError(jedis, "ERR LIMIT can't be negative", "SINTERCARD", "1", "a", "LIMIT", "-1");
      assertError(jedis, "ERR LIMIT can't be negative", "SINTERCARD", "1", "a", "LIMIT", "x");
      assertError(jedis, "ERR syntax error", "SINTERCARD", "1", "a", "FOO", "1");
      assertError(jedis, "ERR syntax error", "SINTERCARD", "1", "a", "LIMIT");
      assertThat(call(jedis, "SINTERCARD", "1", "nokey", "LIMIT", "0")).isEqualTo(0L);
    }
  }

  @Test
  void sintercardDeclaresItsKeys() {
    byte[][] args = {"sintercard".getBytes(), "2".getBytes(), "a".getBytes(), "b".getBytes(), "LIMIT".getBytes(), "1".getBytes()};
    assertThat(SetCommands.sintercardKeys(args)).containsExactly(2, 3);
    assertThat(SetCommands.sintercardKeys(new byte[][] {"sintercard".getBytes(), "x".getBytes(), "a".getBytes()})).isEmpty();
    assertThat(SetCommands.sintercardKeys(new byte[][] {"sintercard".getBytes(), "5".getBytes(), "a".getBytes()})).isEmpty();
  }

  @Test
  void scanVisitsEveryMemberOfAHashtableAcrossCalls() {
    try (Jedis jedis = server.jedis()) {
      String[] members = range("member:", 0, 2000);
      jedis.sadd("sbig", members);
      assertThat(value("sbig").encoding()).isEqualTo("hashtable");
      Set<String> seen = new HashSet<>();
      String cursor = "0";
      int calls = 0;
      do {
        ScanResult<String> page = jedis.sscan("sbig", cursor, new ScanParams().count(20));
        seen.addAll(page.getResult());
        cursor = page.getCursor();
        calls++;
        jedis.sadd("sbig", "extra:" + calls);
        jedis.srem("sbig", "extra:" + (calls - 1));
      } while (!cursor.equals("0") && calls < 10_000);
      assertThat(calls).isGreaterThan(10);
      assertThat(seen).containsAll(Arrays.asList(members));
      ScanResult<String> small = jedis.sscan("{x}c", "0", new ScanParams().match("5"));
      jedis.sadd("ssmall", "1", "2", "3");
      ScanResult<String> intset = jedis.sscan("ssmall", "0", new ScanParams().count(1));
      assertThat(intset.getCursor()).isEqualTo("0");
      assertThat(intset.getResult()).containsExactly("1", "2", "3");
      assertThat(jedis.sscan("ssmall", "0", new ScanParams().match("[12]")).getResult()).containsExactly("1", "2");
      assertThat(small.getCursor()).isEqualTo("0");
      assertError(jedis, "ERR invalid cursor", "SSCAN", "ssmall", "abc");
      assertError(jedis, "ERR syntax error", "SSCAN", "ssmall", "0", "COUNT", "0");
      assertError(jedis, "ERR syntax error", "SSCAN", "ssmall", "0", "NOVALUES");
    }
  }

  @Test
  void encodingsFollowRedis() {
    try (Jedis jedis = server.jedis()) {
      jedis.sadd("se1", range("", 0, 512));
      assertThat(value("se1").encoding()).isEqualTo("intset");
      jedis.sadd("se1", "512");
      assertThat(value("se1").encoding()).isEqualTo("hashtable");
      jedis.sadd("se2", "1", "2");
      jedis.sadd("se2", "a");
      assertThat(value("se2").encoding()).isEqualTo("listpack");
      jedis.sadd("se2", range("m", 0, 125));
      assertThat(value("se2").encoding()).isEqualTo("listpack");
      jedis.sadd("se2", "one-more");
      assertThat(value("se2").encoding()).isEqualTo("hashtable");
      jedis.sadd("se3", range("m", 0, 200));
      assertThat(value("se3").encoding()).isEqualTo("hashtable");
      jedis.sadd("se4", "x".repeat(65));
      jedis.sadd("se5", "a");
      jedis.sadd("se5", range("m", 0, 129));
      assertThat(value("se5").encoding()).isEqualTo("hashtable");
      assertThat(value("se4").encoding()).isEqualTo("hashtable");
    }
  }

  @Test
  void notificationsNameTheCommand() {
    try (Jedis jedis = server.jedis()) {
      jedis.sadd("{n}a", "1", "2");
      jedis.sadd("{n}b", "9");
      events.clear();
      jedis.sadd("{n}a", "1");
      jedis.sadd("{n}a", "3");
      jedis.srem("{n}a", "zz");
      jedis.srem("{n}a", "3");
      jedis.smove("{n}a", "{n}c", "1");
      jedis.spop("{n}a");
      jedis.sinterstore("{n}d", "{n}b", "{n}b");
      jedis.sunionstore("{n}d", "{n}b");
      jedis.sdiffstore("{n}d", "{n}b");
      jedis.sdiffstore("{n}d", "{n}b", "{n}b");
      assertThat(events).containsExactly("sadd {n}a", "srem {n}a", "srem {n}a", "sadd {n}c", "spop {n}a", "del {n}a",
          "sinterstore {n}d", "sunionstore {n}d", "sdiffstore {n}d", "del {n}d");
    }
  }

  @Test
  void resp3RepliesAreSets() throws Exception {
    try (Resp resp = new Resp(server.port())) {
      resp.call("SADD", "s3", "a");
      assertThat(resp.call("SMEMBERS", "s3")).startsWith("*1\r");
      resp.call("HELLO", "3");
      assertThat(resp.call("SMEMBERS", "s3")).startsWith("~1\r");
      assertThat(resp.call("SMEMBERS", "nokey")).startsWith("~0\r");
      assertThat(resp.call("SINTER", "s3", "s3")).startsWith("~1\r");
      assertThat(resp.call("SPOP", "nokey", "2")).startsWith("~0\r");
      assertThat(resp.call("SRANDMEMBER", "s3", "-2")).startsWith("*2\r");
      assertThat(resp.call("SPOP", "nokey")).isEqualTo("_\r\n");
    }
  }

  @Test
  void lettuceAndRedisCli() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      redis.sadd("sl", "a", "b", "c");
      assertThat(redis.smembers("sl")).containsExactlyInAnyOrder("a", "b", "c");
      assertThat(redis.smismember("sl", "a", "z")).containsExactly(true, false);
      assertThat(redis.spop("sl", 2)).hasSize(2);
      assertThat(redis.scard("sl")).isEqualTo(1);
    } finally {
      client.shutdown();
    }
    if (RedisCli.available()) {
      assertThat(RedisCli.run(server.port(), "SADD", "scli", "3", "1", "2")).isEqualTo("3");
      assertThat(RedisCli.run(server.port(), "SMEMBERS", "scli")).isEqualTo("1\n2\n3");
      assertThat(Arrays.stream(RedisCli.run(server.port(), "SUNION", "scli", "nokey").split("\n")).collect(Collectors.toSet()))
          .containsExactlyInAnyOrder("1", "2", "3");
    }
  }
}
