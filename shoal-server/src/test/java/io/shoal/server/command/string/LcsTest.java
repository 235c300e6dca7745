package io.shoal.server.command.string;

import static io.shoal.server.command.string.Calls.call;
import static io.shoal.server.command.string.Calls.list;
import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The examples of Redis's LCS documentation, reply for reply. */
class LcsTest {
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
  void documentedExamples() {
    try (Jedis jedis = server.jedis()) {
      jedis.mset("key1", "ohmytext", "key2", "mynewtext");
      assertThat(call(jedis, "LCS", "key1", "key2")).isEqualTo("mytext");
      assertThat(call(jedis, "LCS", "key1", "key2", "LEN")).isEqualTo(6L);
      assertThat(call(jedis, "LCS", "key1", "key2", "IDX")).isEqualTo(list(
          "matches", list(list(list(4L, 7L), list(5L, 8L)), list(list(2L, 3L), list(0L, 1L))), "len", 6L));
      assertThat(call(jedis, "LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4")).isEqualTo(list(
          "matches", list(list(list(4L, 7L), list(5L, 8L))), "len", 6L));
      assertThat(call(jedis, "LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN")).isEqualTo(list(
          "matches", list(list(list(4L, 7L), list(5L, 8L), 4L)), "len", 6L));
      assertThat(call(jedis, "LCS", "key1", "none")).isEqualTo("");
      assertThat(call(jedis, "LCS", "key1", "key2", "LEN", "IDX"))
          .isEqualTo("!ERR If you want both the length and indexes, please just use IDX.");
      Calls.putHash(server.server(), 0, "h");
      assertThat(call(jedis, "LCS", "key1", "h")).isEqualTo("!ERR The specified keys must contain string values");
      assertThat(call(jedis, "LCS", "key1", "key2", "BOGUS")).isEqualTo("!ERR syntax error");
    }
  }

  @Test
  void resp3MapWithLettuce() {
    io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(
        io.lettuce.core.RedisURI.create("127.0.0.1", server.port()));
    try (var connection = client.connect()) {
      var redis = connection.sync();
      redis.mset(Map.of("{x}a", "ohmytext", "{x}b", "mynewtext"));
      var result = redis.lcs(io.lettuce.core.LcsArgs.Builder.keys("{x}a", "{x}b").withIdx());
      assertThat(result.getLen()).isEqualTo(6);
      assertThat(result.getMatches()).hasSize(2);
    } finally {
      client.shutdown();
    }
  }
}
