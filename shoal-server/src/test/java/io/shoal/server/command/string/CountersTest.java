package io.shoal.server.command.string;

import static io.shoal.server.command.string.Calls.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.keyspace.Database;
import io.shoal.server.persistence.Snapshot;
import io.shoal.server.slot.KeySlot;
import io.shoal.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * INCR, DECR, INCRBY and DECRBY at their edges (Redis's texts and limits), and the shared texts
 * of 0-9999 ({@link SharedIntegers}): one array stored under many keys must never change under
 * a key, a snapshot, a COPY or a DUMP when another key holding it is written.
 */
class CountersTest {
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
    jedis.flushAll();
  }

  @AfterEach
  void disconnect() {
    jedis.close();
  }

  @Test
  void countsAcrossTheSharedRangeAndBeyond() {
    assertThat(call(jedis, "INCR", "n")).isEqualTo(1L);
    assertThat(call(jedis, "DECR", "n")).isEqualTo(0L);
    assertThat(call(jedis, "DECR", "n")).isEqualTo(-1L);
    assertThat(jedis.get("n")).isEqualTo("-1");
    assertThat(call(jedis, "INCRBY", "n", "10000")).isEqualTo(9999L);
    assertThat(call(jedis, "INCR", "n")).isEqualTo(10000L);
    assertThat(jedis.get("n")).isEqualTo("10000");
    assertThat(call(jedis, "DECR", "n")).isEqualTo(9999L);
    assertThat(call(jedis, "DECRBY", "n", "10000")).isEqualTo(-1L);
    assertThat(call(jedis, "INCRBY", "n", "-123456789012")).isEqualTo(-123456789013L);
    assertThat(jedis.get("n")).isEqualTo("-123456789013");
    assertThat(call(jedis, "DECRBY", "fresh", "7")).isEqualTo(-7L);
    assertThat(call(jedis, "INCRBY", "zero", "0")).isEqualTo(0L);
    assertThat(jedis.get("zero")).isEqualTo("0");
  }

  @Test
  void limitsAndOverflow() {
    jedis.set("max", "9223372036854775807");
    assertThat(call(jedis, "INCR", "max")).isEqualTo("!ERR increment or decrement would overflow");
    assertThat(call(jedis, "INCRBY", "max", "0")).isEqualTo(Long.MAX_VALUE);
    assertThat(call(jedis, "DECR", "max")).isEqualTo(Long.MAX_VALUE - 1);
    jedis.set("min", "-9223372036854775808");
    assertThat(call(jedis, "DECR", "min")).isEqualTo("!ERR increment or decrement would overflow");
    assertThat(call(jedis, "INCRBY", "min", "-1")).isEqualTo("!ERR increment or decrement would overflow");
    assertThat(jedis.get("min")).isEqualTo("-9223372036854775808");
    assertThat(call(jedis, "INCR", "min")).isEqualTo(Long.MIN_VALUE + 1);
    assertThat(call(jedis, "INCRBY", "m", "-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(jedis.get("m")).isEqualTo("-9223372036854775808");
    assertThat(call(jedis, "INCRBY", "p", "9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(call(jedis, "DECRBY", "p", "-9223372036854775808")).isEqualTo("!ERR decrement would overflow");
    assertThat(call(jedis, "DECRBY", "p", "9223372036854775807")).isEqualTo(0L);
    assertThat(call(jedis, "INCRBY", "p", "9223372036854775808"))
        .isEqualTo("!ERR value is not an integer or out of range");
    jedis.set("over", "9223372036854775808");
    assertThat(call(jedis, "INCR", "over")).isEqualTo("!ERR value is not an integer or out of range");
    // A refused increment leaves the value as it was.
    assertThat(jedis.get("max")).isEqualTo("9223372036854775806");
    assertThat(jedis.get("over")).isEqualTo("9223372036854775808");
  }

  @Test
  void onlyCanonicalIntegersCount() {
    for (String text : new String[] {"01", "-0", "+1", " 1", "1 ", "", "1.0", "0x10", "-", "1e3", "--1", "00"}) {
      jedis.set("v", text);
      assertThat(call(jedis, "INCR", "v")).as(text).isEqualTo("!ERR value is not an integer or out of range");
      assertThat(call(jedis, "DECRBY", "v", "2")).as(text).isEqualTo("!ERR value is not an integer or out of range");
      assertThat(jedis.get("v")).as(text).isEqualTo(text);
    }
    for (String text : new String[] {"01", "-0", "+1", " 1", "1 ", "", "x"}) {
      assertThat(call(jedis, "INCRBY", "v", text)).as(text).isEqualTo("!ERR value is not an integer or out of range");
    }
    jedis.set("v", "0");
    assertThat(call(jedis, "INCR", "v")).isEqualTo(1L);
    jedis.set("v", "-9999");
    assertThat(call(jedis, "INCRBY", "v", "9999")).isEqualTo(0L);
  }

  @Test
  void incrByFloatIsUntouched() {
    assertThat(call(jedis, "INCR", "f")).isEqualTo(1L);
    assertThat(call(jedis, "INCRBYFLOAT", "f", "0.5")).isEqualTo("1.5");
    assertThat(call(jedis, "INCR", "f")).isEqualTo("!ERR value is not an integer or out of range");
    assertThat(call(jedis, "INCRBYFLOAT", "f", "-0.5")).isEqualTo("1");
    assertThat(call(jedis, "INCR", "f")).isEqualTo(2L);
    assertThat(call(jedis, "INCRBYFLOAT", "g", "3")).isEqualTo("3");
  }

  @Test
  void wrongTypeAndTtl() {
    jedis.rpush("list", "a");
    assertThat(call(jedis, "INCR", "list")).isEqualTo("!WRONGTYPE Operation against a key holding the wrong kind of value");
    assertThat(jedis.lrange("list", 0, -1)).containsExactly("a");
    jedis.setex("ttl", 100, "41");
    assertThat(call(jedis, "INCR", "ttl")).isEqualTo(42L);
    assertThat(jedis.ttl("ttl")).isBetween(1L, 100L);
  }

  @Test
  void anExpiredCounterStartsAgainWithoutItsTtl() {
    byte[] key = "gone".getBytes(StandardCharsets.US_ASCII);
    int slot = KeySlot.of(key);
    Database db = server.server().keyspace().db(0);
    server.server().keyspace().locks().lockSlot(slot);
    try {
      db.set(key, "5".getBytes(StandardCharsets.US_ASCII));
      db.expireTime(key, 1); // 1970: due at the next access
    } finally {
      server.server().keyspace().locks().unlockSlot(slot);
    }
    assertThat(call(jedis, "INCR", "gone")).isEqualTo(1L);
    assertThat(jedis.ttl("gone")).isEqualTo(-1L);
    assertThat(jedis.get("gone")).isEqualTo("1");
  }

  @Test
  void keysHoldingTheSameSmallNumberChangeAlone() {
    for (String key : new String[] {"a", "b", "c", "d", "e"}) {
      assertThat(call(jedis, "INCR", key)).isEqualTo(1L);
    }
    // SETBIT clears the low bit of "1" (0x31): "0".
    assertThat(call(jedis, "SETBIT", "a", "7", "0")).isEqualTo(1L);
    assertThat(call(jedis, "SETRANGE", "b", "0", "7")).isEqualTo(1L);
    assertThat(call(jedis, "APPEND", "c", "5")).isEqualTo(2L);
    assertThat(call(jedis, "BITFIELD", "d", "SET", "u8", "0", "57")).isEqualTo(Calls.list(49L));
    assertThat(call(jedis, "INCR", "e")).isEqualTo(2L);
    assertThat(jedis.mget("a", "b", "c", "d", "e")).containsExactly("0", "7", "15", "9", "2");
    assertThat(call(jedis, "INCR", "f")).isEqualTo(1L);
    assertThat(jedis.get("f")).isEqualTo("1");
  }

  @Test
  void copiesDumpsAndSnapshotsKeepTheirValue() {
    jedis.incrBy("src", 5);
    assertThat(call(jedis, "COPY", "src", "copy")).isEqualTo(1L);
    byte[] dump = jedis.dump("src");
    Snapshot snapshot = Snapshot.take(server.server().keyspace(), null);
    for (int i = 0; i < 3; i++) {
      jedis.incr("src");
    }
    jedis.setrange("src", 0, "9");
    assertThat(jedis.get("src")).isEqualTo("9");
    assertThat(jedis.get("copy")).isEqualTo("5");
    assertThat(call(jedis, "INCR", "copy")).isEqualTo(6L);
    assertThat(jedis.restore("restored", 0, dump)).isEqualTo("OK");
    assertThat(jedis.get("restored")).isEqualTo("5");
    assertThat(valueIn(snapshot, "src")).isEqualTo("5");
  }

  private static String valueIn(Snapshot snapshot, String key) {
    for (Snapshot.Chunk chunk : snapshot.database(0)) {
      for (int i = 0; i < chunk.count; i++) {
        if (new String(chunk.keys[i], StandardCharsets.US_ASCII).equals(key)) {
          return new String((byte[]) chunk.values[i], StandardCharsets.US_ASCII);
        }
      }
    }
    return null;
  }
}
