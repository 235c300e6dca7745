package io.shoal.server.command.hyperloglog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.server.testing.RedisCli;
import io.shoal.server.testing.TestServer;
import io.shoal.server.types.hyperloglog.HyperLogLog;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class HyperLogLogCommandsTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = HyperLogLog.class.getResourceAsStream(name)) {
      return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
    }
  }

  @Test
  void pfaddReportsWhetherRegistersChanged() {
    try (Jedis jedis = server.jedis()) {
      assertThat(jedis.pfadd("h1", "a", "b", "c")).isEqualTo(1);
      assertThat(jedis.pfadd("h1", "a", "b")).isEqualTo(0);
      assertThat(jedis.pfcount("h1")).isEqualTo(3);
      assertThat(jedis.pfadd("h1-empty")).isEqualTo(1);
      assertThat(jedis.pfadd("h1-empty")).isEqualTo(0);
      assertThat(jedis.pfcount("h1-empty")).isZero();
      assertThat(jedis.pfcount("h1-missing")).isZero();
      assertThat(jedis.get("h1")).startsWith("HYLL");
    }
  }

  @Test
  void aCopiedDenseValueChangesAloneWhenAddedTo() {
    try (Jedis jedis = server.jedis()) {
      String[] elements = new String[5000];
      for (int i = 0; i < elements.length; i++) {
        elements[i] = "el" + i;
      }
      jedis.pfadd("{c}src", elements);
      assertThat(jedis.sendCommand(() -> "PFDEBUG".getBytes(), "ENCODING".getBytes(), "{c}src".getBytes()))
          .isEqualTo("dense".getBytes());
      long before = jedis.pfcount("{c}src");
      byte[] bytes = jedis.get("{c}src".getBytes());
      assertThat(jedis.copy("{c}src", "{c}dst", false)).isTrue();
      for (int i = 0; i < 100; i++) {
        jedis.pfadd("{c}dst", "other" + i);
      }
      assertThat(jedis.pfcount("{c}dst")).isGreaterThan(before);
      // The copy shares nothing the add could change: the source's registers and bytes stay.
      assertThat(jedis.pfcount("{c}src")).isEqualTo(before);
      assertThat(jedis.get("{c}src".getBytes())).isEqualTo(bytes);
    }
  }

  @Test
  void pfcountOfSeveralKeysCountsTheUnion() {
    try (Jedis jedis = server.jedis()) {
      jedis.pfadd("{u}a", "1", "2", "3", "4");
      jedis.pfadd("{u}b", "3", "4", "5");
      assertThat(jedis.pfcount("{u}a", "{u}b", "{u}missing")).isEqualTo(5);
      // The union does not change the sources.
      assertThat(jedis.pfcount("{u}a")).isEqualTo(4);
    }
  }

  @Test
  void pfmergeKeepsDestinationRegistersAndCreatesMissingOnes() {
    try (Jedis jedis = server.jedis()) {
      jedis.pfadd("{m}a", "x", "y");
      jedis.pfadd("{m}b", "y", "z");
      jedis.pfadd("{m}dest", "w");
      assertThat(jedis.pfmerge("{m}dest", "{m}a", "{m}b")).isEqualTo("OK");
      assertThat(jedis.pfcount("{m}dest")).isEqualTo(4);
      assertThat(jedis.pfmerge("{m}new")).isEqualTo("OK");
      assertThat(jedis.pfcount("{m}new")).isZero();
      assertThat(jedis.get("{m}new")).startsWith("HYLL");
    }
  }

  @Test
  void wrongTypesAndInvalidStringsAreRejected() {
    try (Jedis jedis = server.jedis()) {
      jedis.set("plain", "hello");
      assertThatThrownBy(() -> jedis.pfadd("plain", "a"))
          .hasMessage("WRONGTYPE Key is not a valid HyperLogLog string value.");
      assertThatThrownBy(() -> jedis.pfcount("plain"))
          .hasMessage("WRONGTYPE Key is not a valid HyperLogLog string value.");
      assertThatThrownBy(() -> jedis.pfmerge("plain", "plain"))
          .hasMessage("WRONGTYPE Key is not a valid HyperLogLog string value.");
      jedis.zadd("azset", 1, "a");
      assertThatThrownBy(() -> jedis.pfadd("azset", "a"))
          .hasMessage("WRONGTYPE Operation against a key holding the wrong kind of value");
      assertThatThrownBy(() -> jedis.sendCommand(() -> "PFADD".getBytes(StandardCharsets.US_ASCII)))
          .hasMessage("ERR wrong number of arguments for 'pfadd' command");
    }
  }

  @Test
  void redisWrittenValuesWorkInShoal() throws IOException {
    byte[] sparse = fixture("redis-sparse-a-to-z.hex");
    byte[] dense = fixture("redis-dense-el0-to-el4999.hex");
    try (Jedis jedis = server.jedis()) {
      jedis.set("redis-sparse".getBytes(StandardCharsets.US_ASCII), sparse);
      jedis.set("redis-dense".getBytes(StandardCharsets.US_ASCII), dense);
      assertThat(jedis.pfcount("redis-sparse")).isEqualTo(25);
      assertThat(jedis.pfcount("redis-dense")).isEqualTo(5041);
      assertThat(jedis.pfadd("redis-sparse", "a", "b")).isZero();
      assertThat(jedis.pfadd("redis-dense", "el1", "el2")).isZero();
      assertThat(jedis.pfadd("redis-sparse", "something new")).isEqualTo(1);
      assertThat(jedis.pfcount("redis-sparse")).isEqualTo(26);
    }
  }

  @Test
  void manyElementsThroughTheServerStayWithinTwoPercent() {
    try (Jedis jedis = server.jedis()) {
      int total = 100_000;
      for (int batch = 0; batch < total; batch += 1000) {
        String[] elements = new String[1000];
        for (int i = 0; i < elements.length; i++) {
          elements[i] = "item-" + (batch + i);
        }
        jedis.pfadd("big", elements);
      }
      long count = jedis.pfcount("big");
      assertThat(Math.abs(count - total) / (double) total).isLessThan(0.02);
      assertThat(jedis.get("big".getBytes(StandardCharsets.US_ASCII))).hasSize(HyperLogLog.DENSE_BYTES);
    }
  }

  @Test
  void lettuceAndRedisCliSeeTheSameCounts() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      assertThat(connection.sync().pfadd("lettuce-hll", "a", "b", "c", "a")).isEqualTo(1);
      assertThat(connection.sync().pfcount("lettuce-hll")).isEqualTo(3);
    } finally {
      client.shutdown();
    }
    if (RedisCli.available()) {
      assertThat(RedisCli.run(server.port(), "PFADD", "cli-hll", "x", "y")).isEqualTo("1");
      assertThat(RedisCli.run(server.port(), "PFCOUNT", "cli-hll", "lettuce-hll")).isEqualTo("5");
    }
  }
}
