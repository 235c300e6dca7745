package io.shoal.server.command.zset;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** ZUNION/ZINTER/ZDIFF read plain sets as sorted sets with score 1, as Redis does. */
class ZSetAlgebraWithSetsTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void plainSetsJoinSortedSets() {
    try (Jedis jedis = server.jedis()) {
      jedis.sadd("{a}set", "x", "y");
      jedis.zadd("{a}zset", 5, "x");
      assertThat(jedis.zunionstore("{a}out", "{a}set", "{a}zset")).isEqualTo(2);
      assertThat(jedis.zscore("{a}out", "x")).isEqualTo(6.0);
      assertThat(jedis.zscore("{a}out", "y")).isEqualTo(1.0);
      assertThat(jedis.zinterstore("{a}out2", "{a}set", "{a}zset")).isEqualTo(1);
      assertThat(jedis.zdiffstore("{a}out3", "{a}set", "{a}zset")).isEqualTo(1);
      assertThat(jedis.zrange("{a}out3", 0, -1)).containsExactly("y");
    }
  }
}
