package io.shoal.server.command.hash;

import static io.shoal.server.testing.RawCommands.assertError;
import static io.shoal.server.testing.RawCommands.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.shoal.server.testing.RedisCli;
import io.shoal.server.testing.TestServer;
import io.shoal.server.types.hash.HashValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

class HashCommandsTest {
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

  static void configSet(String name, String value) {
    server.server().settings().set(List.<String[]>of(new String[] {name, value}));
  }

  static HashValue value(String key) {
    return (HashValue) server.server().keyspace().db(0).peek(key.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void setGetAndCount() {
    try (Jedis jedis = server.jedis()) {
      assertThat(jedis.hset("h1", "a", "1")).isEqualTo(1);
      assertThat(jedis.hset("h1", Map.of("a", "2", "b", "3"))).isEqualTo(1);
      assertThat(jedis.hget("h1", "a")).isEqualTo("2");
      assertThat(jedis.hget("h1", "zz")).isNull();
      assertThat(jedis.hget("nokey", "a")).isNull();
      assertThat(jedis.hmset("h1", Map.of("c", "4"))).isEqualTo("OK");
      assertThat(jedis.hmget("h1", "a", "zz", "c")).containsExactly("2", null, "4");
      assertThat(jedis.hmget("nokey", "a", "b")).containsExactly(null, null);
      assertThat(jedis.hlen("h1")).isEqualTo(3);
      assertThat(jedis.hlen("nokey")).isZero();
      assertThat(jedis.hexists("h1", "a")).isTrue();
      assertThat(jedis.hexists("h1", "q")).isFalse();
      assertThat(jedis.hstrlen("h1", "a")).isEqualTo(1);
      assertThat(jedis.hstrlen("h1", "q")).isZero();
      assertThat(jedis.hsetnx("h1", "a", "x")).isZero();
      assertThat(jedis.hsetnx("h1", "d", "x")).isEqualTo(1);
      assertThat(jedis.hsetnx("newhash", "d", "x")).isEqualTo(1);
      assertThat(jedis.hkeys("h1")).containsExactlyInAnyOrder("a", "b", "c", "d");
      assertThat(jedis.hvals("h1")).containsExactlyInAnyOrder("2", "3", "4", "x");
      assertThat(jedis.hgetAll("h1")).containsOnly(entry("a", "2"), entry("b", "3"), entry("c", "4"), entry("d", "x"));
      assertThat(jedis.hgetAll("nokey")).isEmpty();
      assertThat(jedis.hkeys("nokey")).isEmpty();
    }
  }

  @Test
  void deleteRemovesTheKeyWithItsLastField() {
    try (Jedis jedis = server.jedis()) {
      jedis.hset("hdel", Map.of("a", "1", "b", "2"));
      assertThat(jedis.hdel("hdel", "a", "zz", "a")).isEqualTo(1);
      assertThat(jedis.hdel("nokey", "a")).isZero();
      assertThat(jedis.hdel("hdel", "b")).isEqualTo(1);
      assertThat(value("hdel")).isNull();
    }
  }

  @Test
  void arityAndPairingErrors() {
    try (Jedis jedis = server.jedis()) {
      assertError(jedis, "ERR wrong number of arguments for 'hset' command", "HSET", "h", "a");
      assertError(jedis, "ERR wrong number of arguments for 'hset' command", "HSET", "h", "a", "1", "b");
      assertError(jedis, "ERR wrong number of arguments for 'hmset' command", "HMSET", "h", "a", "1", "b");
      assertError(jedis, "ERR wrong number of arguments for 'hget' command", "HGET", "h");
      assertThat(value("h")).isNull();
    }
  }

  @Test
  void wrongTypeForEveryCommand() {
    try (Jedis jedis = server.jedis()) {
      jedis.set("str", "x");
      String wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
      for (String[] command : List.of(
          new String[] {"HSET", "str", "a", "1"}, new String[] {"HSETNX", "str", "a", "1"},
          new String[] {"HMSET", "str", "a", "1"}, new String[] {"HGET", "str", "a"},
          new String[] {"HMGET", "str", "a"}, new String[] {"HDEL", "str", "a"},
          new String[] {"HEXISTS", "str", "a"}, new String[] {"HLEN", "str"},
          new String[] {"HSTRLEN", "str", "a"}, new String[] {"HKEYS", "str"}, new String[] {"HVALS", "str"},
          new String[] {"HGETALL", "str"}, new String[] {"HINCRBY", "str", "a", "1"},
          new String[] {"HINCRBYFLOAT", "str", "a", "1"}, new String[] {"HRANDFIELD", "str"},
          new String[] {"HRANDFIELD", "str", "2"}, new String[] {"HSCAN", "str", "0"})) {
        assertError(jedis, wrongType, command);
      }
      assertThat(jedis.get("str")).isEqualTo("x");
    }
  }

  @Test
  void incrementByIntegers() {
    try (Jedis jedis = server.jedis()) {
      assertThat(jedis.hincrBy("hi", "n", 5)).isEqualTo(5);
      assertThat(jedis.hincrBy("hi", "n", -7)).isEqualTo(-2);
      jedis.hset("hi", "max", Long.toString(Long.MAX_VALUE));
      assertError(jedis, "ERR increment or decrement would overflow", "HINCRBY", "hi", "max", "1");
      jedis.hset("hi", "min", Long.toString(Long.MIN_VALUE));
      assertError(jedis, "ERR increment or decrement would overflow", "HINCRBY", "hi", "min", "-1");
      jedis.hset("hi", "text", "abc");
      assertError(jedis, "ERR hash value is not an integer", "HINCRBY", "hi", "text", "1");
      jedis.hset("hi", "spaced", " 1");
      assertError(jedis, "ERR hash value is not an integer", "HINCRBY", "hi", "spaced", "1");
      assertError(jedis, "ERR value is not an integer or out of range", "HINCRBY", "hi", "n", "1.5");
      assertError(jedis, "ERR value is not an integer or out of range", "HINCRBY", "hi", "n", "99999999999999999999");
      assertThat(jedis.hget("hi", "max")).isEqualTo(Long.toString(Long.MAX_VALUE));
      assertThat(jedis.hget("hi", "n")).isEqualTo("-2");
    }
  }

  @Test
  void incrementByFloats() {
    try (Jedis jedis = server.jedis()) {
      assertThat(call(jedis, "HINCRBYFLOAT", "hf", "x", "10.5")).isEqualTo("10.5".getBytes());
      assertThat(new String((byte[]) call(jedis, "HINCRBYFLOAT", "hf", "x", "0.1"))).isEqualTo("10.6");
      assertThat(new String((byte[]) call(jedis, "HINCRBYFLOAT", "hf", "x", "5.0e3"))).isEqualTo("5010.60000000000000009");
      assertThat(jedis.hget("hf", "x")).isEqualTo("5010.60000000000000009");
      jedis.hset("hf", "i", "3");
      assertThat(jedis.hincrByFloat("hf", "i", -1.5)).isEqualTo(1.5);
      jedis.hset("hf", "text", "abc");
      assertError(jedis, "ERR hash value is not a float", "HINCRBYFLOAT", "hf", "text", "1");
      assertError(jedis, "ERR value is not a valid float", "HINCRBYFLOAT", "hf", "i", "abc");
      assertError(jedis, "ERR value is NaN or Infinity", "HINCRBYFLOAT", "hf", "i", "inf");
      jedis.hset("hf", "big", "1.7e308");
      assertError(jedis, "ERR increment would produce NaN or Infinity", "HINCRBYFLOAT", "hf", "big", "1.7e308");
      assertThat(jedis.hget("hf", "big")).isEqualTo("1.7e308");
    }
  }

  @Test
  void randomFieldsFollowRedisCountRules() {
    try (Jedis jedis = server.jedis()) {
      Map<String, String> fields = new HashMap<>();
      for (int i = 0; i < 20; i++) {
        fields.put("f" + i, "v" + i);
      }
      jedis.hset("hr", fields);
      assertThat(fields).containsKey(jedis.hrandfield("hr"));
      assertThat(jedis.hrandfield("nokey")).isNull();
      assertThat(jedis.hrandfield("nokey", 3)).isEmpty();
      assertThat(jedis.hrandfield("hr", 0)).isEmpty();
      List<String> five = jedis.hrandfield("hr", 5);
      assertThat(five).hasSize(5).doesNotHaveDuplicates();
      assertThat(fields.keySet()).containsAll(five);
      assertThat(jedis.hrandfield("hr", 15)).hasSize(15).doesNotHaveDuplicates();
      assertThat(jedis.hrandfield("hr", 100)).hasSize(20).doesNotHaveDuplicates();
      List<String> repeated = jedis.hrandfield("hr", -100);
      assertThat(repeated).hasSize(100);
      assertThat(new HashSet<>(repeated).size()).isLessThan(100);
      List<Map.Entry<String, String>> withValues = jedis.hrandfieldWithValues("hr", -30);
      assertThat(withValues).hasSize(30).allSatisfy(e -> assertThat(fields.get(e.getKey())).isEqualTo(e.getValue()));
      assertThat(jedis.hrandfieldWithValues("hr", 7)).hasSize(7);
      assertError(jedis, "ERR syntax error", "HRANDFIELD", "hr", "1", "VALUES");
      assertError(jedis, "ERR syntax error", "HRANDFIELD", "hr", "1", "WITHVALUES", "x");
      assertError(jedis, "ERR value is not an integer or out of range", "HRANDFIELD", "hr", "x");
      assertError(jedis, "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
          "HRANDFIELD", "hr", "-9223372036854775808");
      assertError(jedis, "ERR value is out of range", "HRANDFIELD", "hr", "-5000000000000000000", "WITHVALUES");
    }
  }

  @Test
  void scanOfAListpackReturnsEverythingAtOnce() {
    try (Jedis jedis = server.jedis()) {
      jedis.hset("hs", Map.of("a1", "1", "a2", "2", "b1", "3"));
      ScanResult<Map.Entry<String, String>> all = jedis.hscan("hs", "0");
      assertThat(all.getCursor()).isEqualTo("0");
      assertThat(all.getResult()).hasSize(3);
      ScanResult<Map.Entry<String, String>> matched = jedis.hscan("hs", "0", new ScanParams().match("a*").count(1));
      assertThat(matched.getResult()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("a1", "a2");
      assertThat(jedis.hscan("nokey", "0").getResult()).isEmpty();
      assertThat(jedis.hscanNoValues("hs", "0").getResult()).containsExactlyInAnyOrder("a1", "a2", "b1");
      assertError(jedis, "ERR invalid cursor", "HSCAN", "hs", "x");
      assertError(jedis, "ERR invalid cursor", "HSCAN", "hs", "-1");
      assertError(jedis, "ERR syntax error", "HSCAN", "hs", "0", "COUNT", "0");
      assertError(jedis, "ERR value is not an integer or out of range", "HSCAN", "hs", "0", "COUNT", "x");
      assertError(jedis, "ERR syntax error", "HSCAN", "hs", "0", "FOO");
    }
  }

  @Test
  void scanOfAHashtableVisitsEveryFieldAcrossCalls() {
    try (Jedis jedis = server.jedis()) {
      Map<String, String> fields = new LinkedHashMap<>();
      for (int i = 0; i < 1000; i++) {
        fields.put("field:" + i, "value:" + i);
      }
      jedis.hset("hbig", fields);
      assertThat(value("hbig").encoding()).isEqualTo("hashtable");
      Map<String, String> seen = new HashMap<>();
      String cursor = "0";
      int calls = 0;
      do {
        ScanResult<Map.Entry<String, String>> page = jedis.hscan("hbig", cursor, new ScanParams().count(50));
        page.getResult().forEach(e -> seen.put(e.getKey(), e.getValue()));
        cursor = page.getCursor();
        calls++;
        // Fields added during the scan must not make it miss the ones present throughout.
        jedis.hset("hbig", "extra:" + calls, "x");
      } while (!cursor.equals("0") && calls < 10_000);
      assertThat(calls).isGreaterThan(1);
      assertThat(seen).containsAllEntriesOf(fields);
      Set<String> matched = new HashSet<>();
      cursor = "0";
      do {
        ScanResult<Map.Entry<String, String>> page = jedis.hscan("hbig", cursor, new ScanParams().match("field:1?").count(7));
        page.getResult().forEach(e -> matched.add(e.getKey()));
        cursor = page.getCursor();
      } while (!cursor.equals("0"));
      assertThat(matched).containsExactlyInAnyOrderElementsOf(IntStream.range(10, 20).mapToObj(i -> "field:" + i).toList());
    }
  }

  @Test
  void encodingConvertsPastConfiguredLimits() {
    try (Jedis jedis = server.jedis()) {
      for (int i = 0; i < 128; i++) {
        jedis.hset("henc", "f" + i, "v");
      }
      assertThat(value("henc").encoding()).isEqualTo("listpack");
      jedis.hset("henc", "one-more", "v");
      assertThat(value("henc").encoding()).isEqualTo("hashtable");
      jedis.hset("henc2", "f", "x".repeat(65));
      assertThat(value("henc2").encoding()).isEqualTo("hashtable");
      configSet("hash-max-listpack-entries", "2");
      try {
        jedis.hset("henc3", Map.of("a", "1", "b", "2"));
        assertThat(value("henc3").encoding()).isEqualTo("listpack");
        jedis.hset("henc3", "c", "3");
        assertThat(value("henc3").encoding()).isEqualTo("hashtable");
        assertThat(server.server().settings().get("hash-max-ziplist-entries").text()).isEqualTo("2");
      } finally {
        configSet("hash-max-listpack-entries", "128");
      }
    }
  }

  @Test
  void memoryAccountingFollowsTheHash() {
    try (Jedis jedis = server.jedis()) {
      long before = server.server().keyspace().usedBytes();
      for (int i = 0; i < 500; i++) {
        jedis.hset("hmem", "field:" + i, "some value " + i);
      }
      long grown = server.server().keyspace().usedBytes();
      assertThat(grown - before).isGreaterThan(500 * 40);
      for (int i = 0; i < 500; i++) {
        jedis.hdel("hmem", "field:" + i);
      }
      assertThat(value("hmem")).isNull();
      assertThat(Math.abs(server.server().keyspace().usedBytes() - before)).isLessThan(500 * 40);
    }
  }

  @Test
  void notificationsNameTheCommand() {
    try (Jedis jedis = server.jedis()) {
      events.clear();
      jedis.hset("hn", "a", "1");
      jedis.hsetnx("hn", "a", "2");
      jedis.hsetnx("hn", "b", "2");
      jedis.hincrBy("hn", "c", 1);
      jedis.hincrByFloat("hn", "c", 1.5);
      jedis.hdel("hn", "zz");
      jedis.hdel("hn", "a", "b", "c");
      assertThat(events).containsExactly("hset hn", "hset hn", "hincrby hn", "hincrbyfloat hn", "hdel hn", "del hn");
    }
  }

  @Test
  void resp3RepliesAreMapsAndPairs() throws Exception {
    try (Resp resp = new Resp(server.port())) {
      resp.call("HSET", "h3", "a", "1");
      assertThat(resp.call("HGETALL", "h3")).isEqualTo("*2\r\n$1\r\na\n$1\r\n1\n".replace("\r\n$1\r\n", "\r\n$1\r\n"));
      resp.call("HELLO", "3");
      assertThat(resp.call("HGETALL", "h3")).startsWith("%1\r");
      assertThat(resp.call("HGETALL", "nokey")).startsWith("%0\r");
      assertThat(resp.call("HKEYS", "h3")).startsWith("*1\r");
      assertThat(resp.call("HRANDFIELD", "h3", "-2", "WITHVALUES")).startsWith("*2\r\n*2\r\n$1\r\na\n$1\r\n1\n*2\r");
      assertThat(resp.call("HGET", "h3", "zz")).isEqualTo("_\r\n");
    }
  }

  @Test
  void lettuceSeesMapsInResp3() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      redis.hset("hl", Map.of("a", "1", "b", "2"));
      assertThat(redis.hgetall("hl")).containsOnly(entry("a", "1"), entry("b", "2"));
      List<KeyValue<String, String>> pairs = redis.hrandfieldWithvalues("hl", -4);
      assertThat(pairs).hasSize(4).allSatisfy(kv -> assertThat(kv.getValue()).isIn("1", "2"));
      assertThat(redis.hincrbyfloat("hl", "a", 0.5)).isEqualTo(1.5);
      assertThat(redis.hmget("hl", "a", "zz")).extracting(kv -> kv.getValueOrElse(null)).containsExactly("1.5", null);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void redisCliRoundTrip() {
    if (!RedisCli.available()) {
      return;
    }
    assertThat(RedisCli.run(server.port(), "HSET", "hcli", "a", "1", "b", "2")).isEqualTo("2");
    assertThat(RedisCli.run(server.port(), "HGETALL", "hcli")).isEqualTo("a\n1\nb\n2");
    assertThat(RedisCli.run(server.port(), "HINCRBY", "hcli", "a", "x")).isEqualTo("ERR value is not an integer or out of range");
    List<String> lines = new ArrayList<>(List.of(RedisCli.run(server.port(), "HKEYS", "hcli").split("\n")));
    assertThat(lines).containsExactly("a", "b");
  }
}
