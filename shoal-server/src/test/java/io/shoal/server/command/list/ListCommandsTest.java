package io.shoal.server.command.list;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.LMPopArgs;
import io.lettuce.core.LMoveArgs;
import io.lettuce.core.LPosArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.shoal.server.testing.RedisCli;
import io.shoal.server.testing.TestServer;
import io.shoal.server.types.list.ListValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.params.LPosParams;
import redis.clients.jedis.util.SafeEncoder;

class ListCommandsTest {
  static TestServer server;
  static final List<String> events = new CopyOnWriteArrayList<>();
  Jedis jedis;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    StandIns.installIfMissing(server.server());
    server.server().notifications().configure("KEA");
    server.server().notifications().publisher((channel, message) -> {
      String text = new String(channel, StandardCharsets.UTF_8);
      if (text.startsWith("__keyevent@")) {
        events.add(text.substring(text.indexOf(':') + 1) + " " + new String(message, StandardCharsets.UTF_8));
      }
    });
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void connect() {
    jedis = server.jedis();
    events.clear();
  }

  @org.junit.jupiter.api.AfterEach
  void disconnect() {
    jedis.close();
  }

  /** Sends a raw command and decodes the reply to Strings, Longs and Lists. */
  static Object call(Jedis jedis, String... args) {
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    return SafeEncoder.encodeObject(jedis.sendCommand(() -> SafeEncoder.encode(args[0]), rest));
  }

  static void assertError(Jedis jedis, String message, String... args) {
    assertThatThrownBy(() -> call(jedis, args)).hasMessage(message);
  }

  static ListValue value(String key) {
    return (ListValue) server.server().keyspace().db(0).peek(key.getBytes(StandardCharsets.UTF_8));
  }

  static void configSet(String name, String value) {
    server.server().settings().set(List.<String[]>of(new String[] {name, value}));
  }

  static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
  static final String NOT_INTEGER = "ERR value is not an integer or out of range";

  @Test
  void pushesAndPops() {
    assertThat(jedis.rpush("l", "a", "b", "c")).isEqualTo(3);
    assertThat(jedis.lpush("l", "x", "y")).isEqualTo(5);
    assertThat(jedis.lrange("l", 0, -1)).containsExactly("y", "x", "a", "b", "c");
    assertThat(jedis.lpop("l")).isEqualTo("y");
    assertThat(jedis.rpop("l")).isEqualTo("c");
    assertThat(jedis.lpop("l", 2)).containsExactly("x", "a");
    assertThat(jedis.rpop("l", 10)).containsExactly("b");
    assertThat(value("l")).isNull();
    assertThat(jedis.lpop("l")).isNull();
    assertThat(call(jedis, "LPOP", "l", "2")).isNull();
    assertThat(call(jedis, "LPOP", "l", "0")).isNull();
    jedis.rpush("l", "a");
    assertThat(call(jedis, "LPOP", "l", "0")).isEqualTo(List.of());
    assertError(jedis, "ERR value is out of range, must be positive", "LPOP", "l", "-1");
    assertError(jedis, NOT_INTEGER, "RPOP", "l", "x");
    assertError(jedis, "ERR wrong number of arguments for 'lpop' command", "LPOP", "l", "1", "2");
    assertError(jedis, "ERR wrong number of arguments for 'rpush' command", "RPUSH", "l");
  }

  @Test
  void pushxOnlyOnExistingLists() {
    assertThat(jedis.lpushx("px", "a")).isZero();
    assertThat(jedis.rpushx("px", "a")).isZero();
    assertThat(value("px")).isNull();
    jedis.rpush("px", "m");
    assertThat(jedis.lpushx("px", "a", "b")).isEqualTo(3);
    assertThat(jedis.rpushx("px", "z")).isEqualTo(4);
    assertThat(jedis.lrange("px", 0, -1)).containsExactly("b", "a", "m", "z");
  }

  @Test
  void wrongTypeEverywhere() {
    jedis.set("s", "v");
    for (String[] command : new String[][] {{"LPUSH", "s", "a"}, {"RPUSHX", "s", "a"}, {"LPOP", "s"}, {"RPOP", "s", "2"},
        {"LLEN", "s"}, {"LINDEX", "s", "0"}, {"LSET", "s", "0", "a"}, {"LRANGE", "s", "0", "1"}, {"LTRIM", "s", "0", "1"},
        {"LREM", "s", "0", "a"}, {"LINSERT", "s", "BEFORE", "a", "b"}, {"LPOS", "s", "a"}, {"LMOVE", "s", "d", "LEFT", "LEFT"},
        {"LMPOP", "1", "s", "LEFT"}, {"BLPOP", "s", "0.01"}, {"BLMOVE", "s", "d", "LEFT", "LEFT", "0.01"}}) {
      assertError(jedis, WRONGTYPE, command);
    }
    jedis.rpush("src", "a");
    assertError(jedis, WRONGTYPE, "LMOVE", "src", "s", "LEFT", "LEFT");
    assertThat(jedis.lrange("src", 0, -1)).containsExactly("a");
  }

  @Test
  void indexAndSet() {
    jedis.rpush("i", "a", "b", "c");
    assertThat(jedis.llen("i")).isEqualTo(3);
    assertThat(jedis.llen("nope")).isZero();
    assertThat(jedis.lindex("i", 0)).isEqualTo("a");
    assertThat(jedis.lindex("i", -1)).isEqualTo("c");
    assertThat(jedis.lindex("i", 3)).isNull();
    assertThat(jedis.lindex("i", -4)).isNull();
    assertThat(jedis.lindex("nope", 0)).isNull();
    assertError(jedis, NOT_INTEGER, "LINDEX", "i", "one");
    assertThat(jedis.lset("i", -1, "z")).isEqualTo("OK");
    assertThat(jedis.lset("i", 0, "y")).isEqualTo("OK");
    assertThat(jedis.lrange("i", 0, -1)).containsExactly("y", "b", "z");
    assertError(jedis, "ERR no such key", "LSET", "nope", "0", "a");
    assertError(jedis, "ERR no such key", "LSET", "nope", "x", "a");
    assertError(jedis, "ERR index out of range", "LSET", "i", "3", "a");
    assertError(jedis, "ERR index out of range", "LSET", "i", "-4", "a");
    assertError(jedis, NOT_INTEGER, "LSET", "i", "x", "a");
  }

  @Test
  void rangesAndTrims() {
    jedis.rpush("r", "0", "1", "2", "3", "4", "5");
    assertThat(jedis.lrange("r", 1, 3)).containsExactly("1", "2", "3");
    assertThat(jedis.lrange("r", -2, 100)).containsExactly("4", "5");
    assertThat(jedis.lrange("r", -100, 0)).containsExactly("0");
    assertThat(jedis.lrange("r", 4, 2)).isEmpty();
    assertThat(jedis.lrange("r", 6, 10)).isEmpty();
    assertThat(jedis.lrange("nope", 0, -1)).isEmpty();
    assertError(jedis, NOT_INTEGER, "LRANGE", "r", "0", "x");
    assertThat(jedis.ltrim("r", 1, -2)).isEqualTo("OK");
    assertThat(jedis.lrange("r", 0, -1)).containsExactly("1", "2", "3", "4");
    assertThat(jedis.ltrim("nope", 0, 1)).isEqualTo("OK");
    assertThat(jedis.ltrim("r", 3, 1)).isEqualTo("OK");
    assertThat(value("r")).isNull();
    assertThat(events).contains("ltrim r", "del r");
  }

  @Test
  void removesAndInserts() {
    jedis.rpush("m", "a", "b", "a", "c", "a");
    assertThat(jedis.lrem("m", -2, "a")).isEqualTo(2);
    assertThat(jedis.lrange("m", 0, -1)).containsExactly("a", "b", "c");
    assertThat(jedis.lrem("m", 0, "zz")).isZero();
    assertThat(jedis.lrem("nope", 0, "a")).isZero();
    jedis.rpush("m", "a", "a");
    assertThat(jedis.lrem("m", 1, "a")).isEqualTo(1);
    assertThat(jedis.lrange("m", 0, -1)).containsExactly("b", "c", "a", "a");
    assertThat(jedis.lrem("m", 0, "a")).isEqualTo(2);
    assertThat(call(jedis, "LINSERT", "m", "before", "c", "x")).isEqualTo(3L);
    assertThat(call(jedis, "LINSERT", "m", "AFTER", "c", "y")).isEqualTo(4L);
    assertThat(call(jedis, "LINSERT", "m", "AFTER", "q", "y")).isEqualTo(-1L);
    assertThat(call(jedis, "LINSERT", "nope", "AFTER", "q", "y")).isEqualTo(0L);
    assertError(jedis, "ERR syntax error", "LINSERT", "m", "middle", "c", "y");
    assertThat(jedis.lrange("m", 0, -1)).containsExactly("b", "x", "c", "y");
    assertThat(events).contains("lrem m", "linsert m");
  }

  @Test
  void lposOptionsAndErrors() {
    jedis.rpush("p", "a", "b", "c", "1", "2", "3", "c", "c");
    assertThat(jedis.lpos("p", "c")).isEqualTo(2);
    assertThat(jedis.lpos("p", "c", LPosParams.lPosParams().rank(2))).isEqualTo(6);
    assertThat(jedis.lpos("p", "c", LPosParams.lPosParams().rank(-1))).isEqualTo(7);
    assertThat(jedis.lpos("p", "c", LPosParams.lPosParams(), 0)).containsExactly(2L, 6L, 7L);
    assertThat(jedis.lpos("p", "c", LPosParams.lPosParams().rank(-1), 2)).containsExactly(7L, 6L);
    assertThat(jedis.lpos("p", "c", LPosParams.lPosParams().maxlen(3), 0)).containsExactly(2L);
    assertThat(jedis.lpos("p", "c", LPosParams.lPosParams().maxlen(2))).isNull();
    assertThat(jedis.lpos("p", "zz")).isNull();
    assertThat(call(jedis, "LPOS", "p", "zz", "COUNT", "1")).isEqualTo(List.of());
    assertThat(call(jedis, "LPOS", "nope", "a")).isNull();
    assertThat(call(jedis, "LPOS", "nope", "a", "COUNT", "0")).isEqualTo(List.of());
    assertError(jedis, "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
        + "or use negative to start from the end of the list", "LPOS", "p", "c", "RANK", "0");
    assertError(jedis, "ERR COUNT can't be negative", "LPOS", "p", "c", "COUNT", "-1");
    assertError(jedis, "ERR MAXLEN can't be negative", "LPOS", "p", "c", "MAXLEN", "-1");
    assertError(jedis, NOT_INTEGER, "LPOS", "p", "c", "RANK", "x");
    assertError(jedis, "ERR syntax error", "LPOS", "p", "c", "RANK");
    assertError(jedis, "ERR syntax error", "LPOS", "p", "c", "FOO", "1");
  }

  @Test
  void movesBetweenLists() {
    jedis.rpush("from", "a", "b", "c");
    assertThat(jedis.lmove("from", "to", ListDirection.LEFT, ListDirection.RIGHT)).isEqualTo("a");
    assertThat(jedis.lmove("from", "to", ListDirection.RIGHT, ListDirection.LEFT)).isEqualTo("c");
    assertThat(jedis.rpoplpush("from", "to")).isEqualTo("b");
    assertThat(value("from")).isNull();
    assertThat(jedis.lrange("to", 0, -1)).containsExactly("b", "c", "a");
    assertThat(jedis.lmove("from", "to", ListDirection.LEFT, ListDirection.RIGHT)).isNull();
    assertThat(jedis.lmove("to", "to", ListDirection.LEFT, ListDirection.RIGHT)).isEqualTo("b");
    assertThat(jedis.lrange("to", 0, -1)).containsExactly("c", "a", "b");
    assertError(jedis, "ERR syntax error", "LMOVE", "to", "x", "UP", "LEFT");
    assertThat(events).containsSubsequence("rpush to", "lpop from", "lpush to", "rpop from", "lpush to", "rpop from", "del from");
  }

  @Test
  void lmpopPopsFromFirstNonEmpty() {
    jedis.rpush("mp2", "a", "b", "c");
    assertThat(call(jedis, "LMPOP", "2", "mp1", "mp2", "LEFT")).isEqualTo(List.of("mp2", List.of("a")));
    assertThat(call(jedis, "LMPOP", "2", "mp1", "mp2", "RIGHT", "COUNT", "5")).isEqualTo(List.of("mp2", List.of("c", "b")));
    assertThat(call(jedis, "LMPOP", "2", "mp1", "mp2", "RIGHT")).isNull();
    assertError(jedis, "ERR numkeys should be greater than 0", "LMPOP", "0", "mp1", "LEFT");
    assertError(jedis, "ERR numkeys should be greater than 0", "LMPOP", "x", "mp1", "LEFT");
    assertError(jedis, "ERR syntax error", "LMPOP", "3", "mp1", "LEFT");
    assertError(jedis, "ERR syntax error", "LMPOP", "1", "mp1", "MIDDLE");
    assertError(jedis, "ERR count should be greater than 0", "LMPOP", "1", "mp1", "LEFT", "COUNT", "0");
    assertError(jedis, "ERR syntax error", "LMPOP", "1", "mp1", "LEFT", "COUNT", "1", "COUNT", "2");
    assertThat(server.server().commands().lookup("lmpop").keyPositions(
        new byte[][] {"lmpop".getBytes(), "2".getBytes(), "a".getBytes(), "b".getBytes(), "LEFT".getBytes()}))
        .containsExactly(2, 3);
  }

  @Test
  void encodingFollowsListpackLimits() {
    jedis.rpush("e", "a", "b");
    assertThat(value("e").encoding()).isEqualTo("listpack");
    jedis.rpush("e", "x".repeat(9000));
    assertThat(value("e").encoding()).isEqualTo("quicklist");
    jedis.rpop("e");
    assertThat(value("e").encoding()).isEqualTo("listpack");
    configSet("list-max-listpack-size", "4");
    try {
      jedis.rpush("c", "1", "2", "3", "4");
      assertThat(value("c").encoding()).isEqualTo("listpack");
      jedis.rpush("c", "5");
      assertThat(value("c").encoding()).isEqualTo("quicklist");
      jedis.rpop("c", 2);
      assertThat(value("c").encoding()).isEqualTo("quicklist");
      jedis.rpop("c");
      assertThat(value("c").encoding()).isEqualTo("listpack");
    } finally {
      configSet("list-max-listpack-size", "-2");
    }
  }

  @Test
  void memoryAccountingFollowsTheList() {
    long before = server.server().keyspace().usedBytes();
    String[] many = new String[1000];
    Arrays.fill(many, "y".repeat(100));
    jedis.rpush("big", many);
    long grown = server.server().keyspace().usedBytes() - before;
    assertThat(grown).isGreaterThan(100_000).isLessThan(300_000);
    jedis.ltrim("big", 1, 0);
    assertThat(server.server().keyspace().usedBytes()).isEqualTo(before);
  }

  @Test
  void notificationsForPushAndPop() {
    jedis.lpush("n", "a");
    jedis.rpush("n", "b");
    jedis.lset("n", 0, "c");
    jedis.rpop("n");
    jedis.lpop("n");
    assertThat(events).containsExactly("lpush n", "rpush n", "lset n", "rpop n", "lpop n", "del n");
  }

  @Test
  void lettuceRoundTrip() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      assertThat(redis.rpush("lt", "a", "b", "c", "b")).isEqualTo(4);
      assertThat(redis.lrange("lt", 0, -1)).containsExactly("a", "b", "c", "b");
      assertThat(redis.lpos("lt", "b", LPosArgs.Builder.rank(-1))).isEqualTo(3);
      assertThat(redis.lmove("lt", "lt2", LMoveArgs.Builder.leftRight())).isEqualTo("a");
      assertThat(redis.lmpop(LMPopArgs.Builder.left().count(2), "none", "lt").getValue()).containsExactly("b", "c");
      assertThat(redis.lpop("none")).isNull();
      assertThat(redis.lpop("none", 2)).isEmpty();
      assertThat(redis.blpop(0.05, "none")).isNull();
      assertThat(redis.blpop(1, "lt2").getValue()).isEqualTo("a");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void rangesAcrossTheRingWrapInResp2AndResp3() {
    // LPUSH moves the ring's head below index 0, so the list wraps and LRANGE writes two slices.
    List<String> model = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      jedis.rpush("w", "r" + i);
      model.add("r" + i);
      jedis.lpush("w", "l" + i + "x".repeat(i * 20));
      model.add(0, "l" + i + "x".repeat(i * 20));
    }
    assertThat(jedis.lrange("w", 0, -1)).isEqualTo(model);
    assertThat(jedis.lrange("w", 30, 50)).isEqualTo(model.subList(30, 51));
    assertThat(jedis.lpop("w", 3)).isEqualTo(model.subList(0, 3));
    model.subList(0, 3).clear();
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
    client.setOptions(io.lettuce.core.ClientOptions.builder()
        .protocolVersion(io.lettuce.core.protocol.ProtocolVersion.RESP3).build());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      assertThat(redis.clientInfo()).contains("resp=3");
      assertThat(redis.lrange("w", 0, -1)).isEqualTo(model);
      assertThat(redis.lrange("w", -10, -1)).isEqualTo(model.subList(model.size() - 10, model.size()));
      assertThat(redis.rpop("w", 2)).isEqualTo(List.of(model.get(model.size() - 1), model.get(model.size() - 2)));
    } finally {
      client.shutdown();
    }
  }

  @Test
  void redisCliSeesRedisReplies() {
    org.junit.jupiter.api.Assumptions.assumeTrue(RedisCli.available());
    assertThat(RedisCli.run(server.port(), "RPUSH", "cli", "a", "b")).isEqualTo("2");
    assertThat(RedisCli.run(server.port(), "LRANGE", "cli", "0", "-1")).isEqualTo("a\nb");
    assertThat(RedisCli.run(server.port(), "LINDEX", "cli", "5")).isEmpty();
    assertThat(RedisCli.run(server.port(), "LSET", "cli", "5", "x")).isEqualTo("ERR index out of range");
    assertThat(RedisCli.run(server.port(), "BRPOP", "cli", "0")).isEqualTo("cli\nb");
  }

  @Test
  void largeListsKeepOrderThroughGrowthAndShrink() {
    List<String> model = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      String[] batch = new String[500];
      for (int i = 0; i < batch.length; i++) {
        batch[i] = round + ":" + i;
        model.add(batch[i]);
      }
      jedis.rpush("g", batch);
      model.remove(0);
      jedis.lpop("g");
    }
    assertThat(jedis.lrange("g", 0, -1)).isEqualTo(model);
    assertThat(jedis.lindex("g", 1234)).isEqualTo(model.get(1234));
  }
}
