package io.shoal.server.command.string;

import static io.shoal.server.command.string.Calls.call;
import static io.shoal.server.command.string.Calls.list;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.BitFieldArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.shoal.server.testing.RedisCli;
import io.shoal.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class BitCommandsTest {
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

  @AfterEach
  void disconnect() {
    jedis.close();
  }

  @Test
  void setbitGetbit() {
    assertThat(call(jedis, "SETBIT", "b", "7", "1")).isEqualTo(0L);
    assertThat(call(jedis, "SETBIT", "b", "7", "0")).isEqualTo(1L);
    assertThat(call(jedis, "SETBIT", "b", "1", "1")).isEqualTo(0L);
    assertThat(jedis.get("b")).isEqualTo("@");
    assertThat(call(jedis, "GETBIT", "b", "1")).isEqualTo(1L);
    assertThat(call(jedis, "GETBIT", "b", "100")).isEqualTo(0L);
    assertThat(call(jedis, "GETBIT", "none", "0")).isEqualTo(0L);
    assertThat(call(jedis, "SETBIT", "b", "20", "1")).isEqualTo(0L);
    assertThat(jedis.strlen("b")).isEqualTo(3);
    assertThat(call(jedis, "SETBIT", "b", "-1", "1")).isEqualTo("!ERR bit offset is not an integer or out of range");
    assertThat(call(jedis, "SETBIT", "b", "4294967296", "1")).isEqualTo("!ERR bit offset is not an integer or out of range");
    assertThat(call(jedis, "SETBIT", "b", "0", "2")).isEqualTo("!ERR bit is not an integer or out of range");
    assertThat(call(jedis, "GETBIT", "b", "x")).isEqualTo("!ERR bit offset is not an integer or out of range");
  }

  @Test
  void bitcount() {
    jedis.set("s", "foobar");
    assertThat(call(jedis, "BITCOUNT", "s")).isEqualTo(26L);
    assertThat(call(jedis, "BITCOUNT", "s", "0", "0")).isEqualTo(4L);
    assertThat(call(jedis, "BITCOUNT", "s", "1", "1")).isEqualTo(6L);
    assertThat(call(jedis, "BITCOUNT", "s", "1", "1", "BYTE")).isEqualTo(6L);
    assertThat(call(jedis, "BITCOUNT", "s", "5", "30", "BIT")).isEqualTo(17L);
    assertThat(call(jedis, "BITCOUNT", "s", "-2", "-1")).isEqualTo(7L);
    assertThat(call(jedis, "BITCOUNT", "s", "3", "1")).isEqualTo(0L);
    assertThat(call(jedis, "BITCOUNT", "none")).isEqualTo(0L);
    assertThat(call(jedis, "BITCOUNT", "s", "0")).isEqualTo("!ERR syntax error");
    assertThat(call(jedis, "BITCOUNT", "s", "0", "1", "WORD")).isEqualTo("!ERR syntax error");
  }

  @Test
  void bitpos() {
    byte[] raw = {(byte) 0xff, (byte) 0xf0, 0x00};
    jedis.set("s".getBytes(), raw);
    assertThat(call(jedis, "BITPOS", "s", "0")).isEqualTo(12L);
    raw = new byte[] {0x00, (byte) 0xff, (byte) 0xf0};
    jedis.set("t".getBytes(), raw);
    assertThat(call(jedis, "BITPOS", "t", "1", "0")).isEqualTo(8L);
    assertThat(call(jedis, "BITPOS", "t", "1", "2")).isEqualTo(16L);
    assertThat(call(jedis, "BITPOS", "t", "1", "2", "-1", "BYTE")).isEqualTo(16L);
    assertThat(call(jedis, "BITPOS", "t", "1", "7", "15", "BIT")).isEqualTo(8L);
    jedis.set("ones".getBytes(), new byte[] {(byte) 0xff, (byte) 0xff});
    assertThat(call(jedis, "BITPOS", "ones", "0")).isEqualTo(16L);
    assertThat(call(jedis, "BITPOS", "ones", "0", "0", "-1")).isEqualTo(-1L);
    assertThat(call(jedis, "BITPOS", "none", "0")).isEqualTo(0L);
    assertThat(call(jedis, "BITPOS", "none", "1")).isEqualTo(-1L);
    assertThat(call(jedis, "BITPOS", "t", "2")).isEqualTo("!ERR The bit argument must be 1 or 0.");
  }

  @Test
  void bitop() {
    jedis.set("a", "abc");
    jedis.set("b", "a");
    assertThat(call(jedis, "BITOP", "AND", "d", "a", "b")).isEqualTo(3L);
    assertThat(jedis.get("d".getBytes())).containsExactly('a', 0, 0);
    assertThat(call(jedis, "BITOP", "OR", "d", "a", "b")).isEqualTo(3L);
    assertThat(jedis.get("d")).isEqualTo("abc");
    assertThat(call(jedis, "BITOP", "XOR", "d", "a", "a")).isEqualTo(3L);
    assertThat(jedis.get("d".getBytes())).containsExactly(0, 0, 0);
    assertThat(call(jedis, "BITOP", "NOT", "d", "b")).isEqualTo(1L);
    assertThat(jedis.get("d".getBytes())).containsExactly((byte) ~'a');
    assertThat(call(jedis, "BITOP", "NOT", "d", "a", "b")).isEqualTo("!ERR BITOP NOT must be called with a single source key.");
    assertThat(call(jedis, "BITOP", "NAND", "d", "a")).isEqualTo("!ERR syntax error");
    assertThat(call(jedis, "BITOP", "AND", "d", "none1", "none2")).isEqualTo(0L);
    assertThat(jedis.exists("d")).isFalse();
    Calls.putHash(server.server(), 0, "h");
    assertThat(call(jedis, "BITOP", "AND", "d", "a", "h")).isEqualTo("!WRONGTYPE Operation against a key holding the wrong kind of value");
  }

  @Test
  void bitfield() {
    assertThat(call(jedis, "BITFIELD", "f", "SET", "i8", "0", "100", "GET", "i8", "0")).isEqualTo(list(0L, 100L));
    assertThat(call(jedis, "BITFIELD", "f", "INCRBY", "i8", "0", "100")).isEqualTo(list(-56L));
    assertThat(call(jedis, "BITFIELD", "f", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "-200")).isEqualTo(list(-128L));
    assertThat(call(jedis, "BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "-1")).isEqualTo(list((Object) null));
    assertThat(call(jedis, "BITFIELD", "u", "SET", "u8", "#1", "255", "GET", "u8", "8", "GET", "u4", "8"))
        .isEqualTo(list(0L, 255L, 15L));
    assertThat(call(jedis, "BITFIELD", "u", "INCRBY", "u8", "#1", "1")).isEqualTo(list(0L));
    assertThat(call(jedis, "BITFIELD", "u", "OVERFLOW", "SAT", "INCRBY", "u8", "#1", "-5")).isEqualTo(list(0L));
    assertThat(call(jedis, "BITFIELD", "u", "OVERFLOW", "SAT", "SET", "u8", "#1", "300", "GET", "u8", "#1"))
        .isEqualTo(list(0L, 255L));
    assertThat(call(jedis, "BITFIELD", "w", "SET", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "1"))
        .isEqualTo(list(0L, Long.MIN_VALUE));
    assertThat(call(jedis, "BITFIELD", "w", "SET", "u3", "5", "9", "GET", "u3", "5")).isEqualTo(list(0L, 1L));
    assertThat(call(jedis, "BITFIELD", "absent", "GET", "u8", "0")).isEqualTo(list(0L));
    assertThat(jedis.exists("absent")).isFalse();
    assertThat(call(jedis, "BITFIELD", "f", "GET", "u64", "0"))
        .isEqualTo("!ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");
    assertThat(call(jedis, "BITFIELD", "f", "GET", "i8", "-1")).isEqualTo("!ERR bit offset is not an integer or out of range");
    assertThat(call(jedis, "BITFIELD", "f", "OVERFLOW", "BOGUS")).isEqualTo("!ERR Invalid OVERFLOW type specified");
    assertThat(call(jedis, "BITFIELD", "f", "GET", "i8")).isEqualTo("!ERR syntax error");
    assertThat(call(jedis, "BITFIELD_RO", "f", "GET", "i8", "0")).isEqualTo(list(-128L));
    assertThat(call(jedis, "BITFIELD_RO", "f", "SET", "i8", "0", "1")).isEqualTo("!ERR BITFIELD_RO only supports the GET subcommand");
  }

  @Test
  void lettuceAndCli() {
    RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      assertThat(redis.setbit("lb", 3, 1)).isZero();
      assertThat(redis.bitcount("lb")).isEqualTo(1);
      assertThat(redis.bitpos("lb", true)).isEqualTo(3);
      assertThat(redis.bitfield("lf", BitFieldArgs.Builder.set(BitFieldArgs.signed(8), 0, 5).get(BitFieldArgs.signed(8), 0)))
          .containsExactly(0L, 5L);
    } finally {
      client.shutdown();
    }
    if (RedisCli.available()) {
      assertThat(RedisCli.run(server.port(), "SETBIT", "cb", "0", "1")).isEqualTo("0");
      assertThat(RedisCli.run(server.port(), "GETBIT", "cb", "0")).isEqualTo("1");
    }
  }
}
