package io.shoal.server.command.zset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.shoal.server.testing.RedisCli;
import io.shoal.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.SortedSetOption;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;
import redis.clients.jedis.util.KeyValue;

/**
 * Sorted-set commands through Jedis (RESP2), Lettuce (RESP3) and redis-cli: what the
 * differential test cannot cover (random replies, commands newer than Redis 7.0, encodings,
 * memory accounting, notifications) and the common client paths.
 */
class SortedSetCommandsTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Object stored(String key) {
    return server.server().keyspace().db(0).peek(key.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void zaddOptionsAndErrors() {
    try (Jedis jedis = server.jedis()) {
      assertThat(jedis.zadd("za", Map.of("a", 1.0, "b", 2.0))).isEqualTo(2);
      assertThat(jedis.zadd("za", 5, "a", ZAddParams.zAddParams().gt().ch())).isEqualTo(1);
      assertThat(jedis.zadd("za", 4, "a", ZAddParams.zAddParams().gt().ch())).isEqualTo(0);
      assertThat(jedis.zadd("za", 1, "a", ZAddParams.zAddParams().lt())).isEqualTo(0);
      assertThat(jedis.zscore("za", "a")).isEqualTo(1.0);
      assertThat(jedis.zadd("za", 9, "c", ZAddParams.zAddParams().xx())).isEqualTo(0);
      assertThat(jedis.zaddIncr("za", 2.5, "b", ZAddParams.zAddParams())).isEqualTo(4.5);
      assertThat(jedis.zaddIncr("za", 2.5, "b", ZAddParams.zAddParams().nx())).isNull();
      assertThatThrownBy(() -> jedis.sendCommand(() -> bytes("ZADD"), "za", "NX", "XX", "1", "a"))
          .hasMessage("ERR XX and NX options at the same time are not compatible");
      assertThatThrownBy(() -> jedis.sendCommand(() -> bytes("ZADD"), "za", "GT", "LT", "1", "a"))
          .hasMessage("ERR GT, LT, and/or NX options at the same time are not compatible");
      assertThatThrownBy(() -> jedis.sendCommand(() -> bytes("ZADD"), "za", "INCR", "1", "a", "2", "b"))
          .hasMessage("ERR INCR option supports a single increment-element pair");
      assertThatThrownBy(() -> jedis.sendCommand(() -> bytes("ZADD"), "za", "1", "a", "2"))
          .hasMessage("ERR syntax error");
      assertThatThrownBy(() -> jedis.sendCommand(() -> bytes("ZADD"), "za", "nan", "a"))
          .hasMessage("ERR value is not a valid float");
      assertThatThrownBy(() -> jedis.sendCommand(() -> bytes("ZADD"), "za"))
          .hasMessage("ERR wrong number of arguments for 'zadd' command");
      jedis.zadd("zinf", Double.POSITIVE_INFINITY, "a");
      assertThatThrownBy(() -> jedis.zincrby("zinf", Double.NEGATIVE_INFINITY, "a"))
          .hasMessage("ERR resulting score is not a number (NaN)");
      jedis.set("zstring", "x");
      assertThatThrownBy(() -> jedis.zadd("zstring", 1, "a"))
          .hasMessage("WRONGTYPE Operation against a key holding the wrong kind of value");
    }
  }

  @Test
  void zrankWithScore() {
    try (Jedis jedis = server.jedis()) {
      jedis.zadd("zr", Map.of("a", 1.0, "b", 2.5, "c", 3.0));
      KeyValue<Long, Double> rank = jedis.zrankWithScore("zr", "b");
      assertThat(rank.getKey()).isEqualTo(1);
      assertThat(rank.getValue()).isEqualTo(2.5);
      assertThat(jedis.zrevrankWithScore("zr", "a").getKey()).isEqualTo(2);
      assertThat(jedis.zrankWithScore("zr", "nope")).isNull();
      assertThat(jedis.zrank("zr", "nope")).isNull();
      assertThatThrownBy(() -> jedis.sendCommand(() -> bytes("ZRANK"), "zr", "a", "WITHSCORES"))
          .hasMessage("ERR syntax error");
    }
  }

  @Test
  void zrandmemberCounts() {
    try (Jedis jedis = server.jedis()) {
      for (int i = 0; i < 20; i++) {
        jedis.zadd("zrand", i, "m" + i);
      }
      List<String> distinct = jedis.zrandmember("zrand", 10);
      assertThat(distinct).hasSize(10).doesNotHaveDuplicates();
      assertThat(jedis.zrandmember("zrand", 50)).hasSize(20).doesNotHaveDuplicates();
      List<String> repeated = jedis.zrandmember("zrand", -100);
      assertThat(repeated).hasSize(100);
      assertThat(new HashSet<>(repeated).size()).isLessThan(21);
      List<Tuple> withScores = jedis.zrandmemberWithScores("zrand", -5);
      assertThat(withScores).hasSize(5)
          .allSatisfy(tuple -> assertThat(tuple.getElement()).isEqualTo("m" + (int) tuple.getScore()));
      assertThat(jedis.zrandmember("zrand")).startsWith("m");
      assertThat(jedis.zrandmember("zrand-missing")).isNull();
      assertThat(jedis.zrandmember("zrand-missing", 3)).isEmpty();
    }
  }

  @Test
  void zscanVisitsEveryMemberOfALargeSetOnce() {
    try (Jedis jedis = server.jedis()) {
      for (int i = 0; i < 500; i++) {
        jedis.zadd("zscan", i, "member:" + i);
      }
      Set<String> seen = new HashSet<>();
      String cursor = "0";
      int calls = 0;
      do {
        ScanResult<Tuple> page = jedis.zscan("zscan", cursor, new ScanParams().count(20).match("member:1*"));
        for (Tuple tuple : page.getResult()) {
          assertThat(seen.add(tuple.getElement())).isTrue();
          assertThat(tuple.getElement()).isEqualTo("member:" + (int) tuple.getScore());
        }
        cursor = page.getCursor();
        calls++;
      } while (!cursor.equals("0") && calls < 1000);
      assertThat(seen).hasSize(111);
      assertThatThrownBy(() -> jedis.sendCommand(() -> bytes("ZSCAN"), "zscan", "abc"))
          .hasMessage("ERR invalid cursor");
    }
  }

  @Test
  void popsAndMultiPop() {
    try (Jedis jedis = server.jedis()) {
      jedis.zadd("{p}a", Map.of("x", 1.0, "y", 2.0, "z", 3.0));
      assertThat(jedis.zpopmin("{p}a").getElement()).isEqualTo("x");
      assertThat(jedis.zpopmax("{p}a", 5)).extracting(Tuple::getElement).containsExactly("z", "y");
      assertThat(stored("{p}a")).isNull();
      jedis.zadd("{p}b", Map.of("q", 1.0, "r", 2.0));
      KeyValue<String, List<Tuple>> popped = jedis.zmpop(SortedSetOption.MAX, "{p}a", "{p}b");
      assertThat(popped.getKey()).isEqualTo("{p}b");
      assertThat(popped.getValue()).extracting(Tuple::getElement).containsExactly("r");
      assertThat(jedis.zmpop(SortedSetOption.MIN, 5, "{p}a", "{p}missing")).isNull();
      assertThatThrownBy(() -> jedis.sendCommand(() -> bytes("ZPOPMIN"), "{p}b", "-1"))
          .hasMessage("ERR value is out of range, must be positive");
      assertThatThrownBy(() -> jedis.sendCommand(() -> bytes("ZMPOP"), "0", "{p}b", "MIN"))
          .hasMessage("ERR numkeys should be greater than 0");
      assertThatThrownBy(() -> jedis.sendCommand(() -> bytes("ZMPOP"), "1", "{p}b", "MIN", "COUNT", "0"))
          .hasMessage("ERR count should be greater than 0");
    }
  }

  @Test
  void largeSetsUseSkipListsAndAnswerRangesByRank() {
    try (Jedis jedis = server.jedis()) {
      Map<String, Double> members = new java.util.HashMap<>();
      for (int i = 0; i < 10_000; i++) {
        members.put("e" + i, (double) i);
      }
      jedis.zadd("zbig", members);
      assertThat(stored("zbig")).extracting(value -> ((io.shoal.server.types.zset.ZSetValue) value).encoding())
          .isEqualTo("skiplist");
      assertThat(jedis.zcard("zbig")).isEqualTo(10_000);
      assertThat(jedis.zrank("zbig", "e5000")).isEqualTo(5000);
      assertThat(jedis.zcount("zbig", "(100", "200")).isEqualTo(100);
      assertThat(jedis.zrangeByScore("zbig", 9990, Double.POSITIVE_INFINITY, 2, 3)).containsExactly("e9992", "e9993", "e9994");
      assertThat(jedis.zrevrange("zbig", 0, 1)).containsExactly("e9999", "e9998");
      assertThat(jedis.zremrangeByRank("zbig", 0, 4999)).isEqualTo(5000);
      assertThat(jedis.zrange("zbig", 0, 0)).containsExactly("e5000");
    }
  }

  @Test
  void encodingFollowsTheListpackSettingsAndTheirZiplistAliases() {
    try (TestServer small = TestServer.start("zset-max-ziplist-entries", "2", "zset-max-listpack-value", "3");
        Jedis jedis = small.jedis()) {
      jedis.zadd("a", Map.of("x", 1.0, "y", 2.0));
      jedis.zadd("b", Map.of("x", 1.0, "y", 2.0, "z", 3.0));
      jedis.zadd("c", 1, "long");
      jedis.sendCommand(() -> bytes("ZADD"), "d", "1", "x", "1", "x", "1", "x");
      assertThat(encoding(small, "a")).isEqualTo("listpack");
      assertThat(encoding(small, "b")).isEqualTo("skiplist");
      assertThat(encoding(small, "c")).isEqualTo("skiplist");
      assertThat(encoding(small, "d")).isEqualTo("skiplist");
      jedis.zadd("a", 3, "z");
      assertThat(encoding(small, "a")).isEqualTo("skiplist");
      assertThat(jedis.zrange("a", 0, -1)).containsExactly("x", "y", "z");
    }
  }

  static String encoding(TestServer target, String key) {
    return ((io.shoal.server.types.zset.ZSetValue) target.server().keyspace().db(0)
        .peek(key.getBytes(StandardCharsets.UTF_8))).encoding();
  }

  @Test
  void memoryAccountingFollowsTheSetAndEmptiedKeysAreRemoved() {
    try (Jedis jedis = server.jedis()) {
      long before = server.server().keyspace().usedBytes();
      for (int i = 0; i < 1000; i++) {
        jedis.zadd("zmem", i, "member-" + i);
      }
      long full = server.server().keyspace().usedBytes();
      assertThat(full - before).isGreaterThan(1000 * 40);
      String[] all = new String[1000];
      for (int i = 0; i < 1000; i++) {
        all[i] = "member-" + i;
      }
      assertThat(jedis.zrem("zmem", all)).isEqualTo(1000);
      assertThat(stored("zmem")).isNull();
      assertThat(server.server().keyspace().usedBytes()).isLessThan(full - 1000 * 40);
    }
  }

  @Test
  void keyspaceNotificationsUseTheZClass() {
    List<String> events = new CopyOnWriteArrayList<>();
    server.server().notifications().publisher((channel, message) ->
        events.add(new String(channel, StandardCharsets.UTF_8) + " " + new String(message, StandardCharsets.UTF_8)));
    server.server().notifications().configure("Ezg");
    try (Jedis jedis = server.jedis()) {
      jedis.zadd("{n}z", 1, "a");
      jedis.zincrby("{n}z", 1, "a");
      jedis.zadd("{n}z", 2, "a");
      jedis.zrangestore("{n}copy", "{n}z", new redis.clients.jedis.params.ZRangeParams(0, -1));
      jedis.zunionstore("{n}u", "{n}z", "{n}copy");
      jedis.zrem("{n}z", "a");
      jedis.zpopmin("{n}copy");
      assertThat(events).containsExactly(
          "__keyevent@0__:zadd {n}z", "__keyevent@0__:zincr {n}z", "__keyevent@0__:zrangestore {n}copy",
          "__keyevent@0__:zunionstore {n}u", "__keyevent@0__:zrem {n}z", "__keyevent@0__:del {n}z",
          "__keyevent@0__:zpopmin {n}copy", "__keyevent@0__:del {n}copy");
    } finally {
      server.server().notifications().configure("");
    }
  }

  @Test
  void lettuceSpeaksResp3() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> commands = connection.sync();
      assertThat(commands.zadd("lz", 1.5, "a", 2.0, "b", 3.0, "c")).isEqualTo(3);
      assertThat(commands.zscore("lz", "a")).isEqualTo(1.5);
      assertThat(commands.zrangeWithScores("lz", 0, -1)).containsExactly(
          ScoredValue.just(1.5, "a"), ScoredValue.just(2.0, "b"), ScoredValue.just(3.0, "c"));
      assertThat(commands.zmscore("lz", "a", "nope")).containsExactly(1.5, null);
      assertThat(commands.zpopmin("lz", 2)).containsExactly(ScoredValue.just(1.5, "a"), ScoredValue.just(2.0, "b"));
      assertThat(commands.zincrby("lz", 0.5, "c")).isEqualTo(3.5);
      assertThat(commands.zrandmemberWithScores("lz", 1)).containsExactly(ScoredValue.just(3.5, "c"));
      assertThat(commands.zunionWithScores("lz", "lz")).containsExactly(ScoredValue.just(7.0, "c"));
    } finally {
      client.shutdown();
    }
  }

  @Test
  void redisCliPrintsResp2AndResp3Replies() {
    if (!RedisCli.available()) {
      return;
    }
    assertThat(RedisCli.run(server.port(), "ZADD", "cliz", "1", "one", "2.5", "two")).isEqualTo("2");
    assertThat(RedisCli.run(server.port(), "ZRANGE", "cliz", "0", "-1", "WITHSCORES"))
        .isEqualTo("one\n1\ntwo\n2.5");
    assertThat(RedisCli.run(server.port(), "-3", "ZRANGE", "cliz", "0", "-1", "WITHSCORES"))
        .isEqualTo("one\n1\ntwo\n2.5");
    assertThat(RedisCli.run(server.port(), "--no-raw", "-3", "ZRANGE", "cliz", "0", "-1", "WITHSCORES"))
        .isEqualTo("1) 1) \"one\"\n   2) (double) 1\n2) 1) \"two\"\n   2) (double) 2.5");
    assertThat(RedisCli.run(server.port(), "--no-raw", "-3", "ZSCORE", "cliz", "two")).isEqualTo("(double) 2.5");
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  static List<String> list(String... items) {
    return new ArrayList<>(List.of(items));
  }
}
