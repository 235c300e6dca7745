package io.shoal.server.command.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.shoal.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class ConfigCommandTest {
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
  void getTakesSeveralPatterns() {
    try (Jedis jedis = server.jedis()) {
      Map<String, String> values = jedis.configGet("maxclients", "slowlog-*");
      assertThat(values).containsEntry("maxclients", "10000")
          .containsEntry("slowlog-max-len", "128").containsKey("slowlog-log-slower-than");
      assertThat(jedis.configGet("no-such-parameter")).isEmpty();
    }
  }

  @Test
  void setAppliesAllPairsOrNone() {
    try (Jedis jedis = server.jedis()) {
      assertThat(jedis.configSet("slowlog-max-len", "64", "hz", "20")).isEqualTo("OK");
      assertThat(jedis.configGet("slowlog-max-len", "hz")).containsEntry("slowlog-max-len", "64").containsEntry("hz", "20");
      assertThatThrownBy(() -> jedis.configSet("slowlog-max-len", "32", "hz", "not-a-number"))
          .hasMessageStartingWith("ERR ").hasMessageContaining("'hz'");
      assertThat(jedis.configGet("slowlog-max-len")).containsEntry("slowlog-max-len", "64");
      assertThatThrownBy(() -> jedis.sendCommand(() -> "CONFIG".getBytes(), "SET", "hz", "10", "maxclients"))
          .hasMessage("ERR wrong number of arguments for 'config|set' command");
      assertThatThrownBy(() -> jedis.configSet("nope", "1"))
          .hasMessage("ERR Unknown option or number of arguments for CONFIG SET - 'nope'");
      jedis.configSet("slowlog-max-len", "128", "hz", "10");
    }
  }

  @Test
  void lettuceGetsAMapOverResp3() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      assertThat(connection.sync().configGet("maxclients", "databases"))
          .containsEntry("maxclients", "10000").containsEntry("databases", "16");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void resetStatClearsCounters() {
    try (Jedis jedis = server.jedis()) {
      jedis.ping();
      jedis.ping();
      assertThat(jedis.configResetStat()).isEqualTo("OK");
      assertThat(jedis.info("commandstats")).doesNotContain("cmdstat_ping");
      assertThat(Long.parseLong(InfoCommandTest.fields(jedis.info("stats")).get("total_commands_processed"))).isLessThan(3);
    }
  }

  @Test
  void rewriteWritesTheConfigFile() throws Exception {
    Path dir = Files.createTempDirectory("shoal-config");
    Path file = dir.resolve("shoal.conf");
    Files.writeString(file, "# my settings\nhz 10\n");
    server.server().settings().file(file);
    try (Jedis jedis = server.jedis()) {
      jedis.configSet("slowlog-max-len", "77");
      assertThat(jedis.configRewrite()).isEqualTo("OK");
      assertThat(Files.readString(file)).contains("# my settings").contains("slowlog-max-len 77");
      jedis.configSet("slowlog-max-len", "128");
    } finally {
      server.server().settings().file(null);
    }
    try (Jedis jedis = server.jedis()) {
      assertThatThrownBy(jedis::configRewrite).hasMessage("ERR The server is running without a config file");
    }
  }
}
