package io.shoal.server.command.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.shoal.server.command.connection.ServerInfo;
import io.shoal.server.testing.RedisCli;
import io.shoal.server.testing.TestServer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class InfoCommandTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Map<String, String> fields(String info) {
    Map<String, String> fields = new HashMap<>();
    for (String line : info.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        fields.put(line.substring(0, colon), line.substring(colon + 1));
      }
    }
    return fields;
  }

  @Test
  void defaultSectionsInRedisOrderWithoutCommandstats() {
    try (Jedis jedis = server.jedis()) {
      String info = jedis.info();
      assertThat(info).startsWith("# Server\r\n");
      assertThat(info.indexOf("# Server")).isLessThan(info.indexOf("# Clients"));
      assertThat(info.indexOf("# Clients")).isLessThan(info.indexOf("# Memory"));
      assertThat(info.indexOf("# Stats")).isLessThan(info.indexOf("# Replication"));
      assertThat(info.indexOf("# CPU")).isLessThan(info.indexOf("# Keyspace"));
      assertThat(info).doesNotContain("# Commandstats");
      assertThat(info).contains("\r\n\r\n# Clients\r\n");
      Map<String, String> fields = fields(info);
      assertThat(fields.get("redis_version")).isEqualTo(ServerInfo.REDIS_VERSION);
      assertThat(fields.get("redis_mode")).isEqualTo("standalone");
      assertThat(fields.get("tcp_port")).isEqualTo(Integer.toString(server.port()));
      assertThat(fields.get("process_id")).isEqualTo(Long.toString(ProcessHandle.current().pid()));
      assertThat(fields.get("run_id")).hasSize(40);
      assertThat(fields.get("role")).isEqualTo("master");
      assertThat(fields.get("connected_slaves")).isEqualTo("0");
      assertThat(Long.parseLong(fields.get("used_memory_rss"))).isGreaterThan(1_000_000);
      assertThat(Double.parseDouble(fields.get("used_cpu_user"))).isGreaterThan(0.0);
      assertThat(Long.parseLong(fields.get("connected_clients"))).isGreaterThanOrEqualTo(1);
      assertThat(Long.parseLong(fields.get("total_commands_processed"))).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void selectedSectionsOnly() {
    try (Jedis jedis = server.jedis()) {
      String info = jedis.info("memory");
      assertThat(info).startsWith("# Memory\r\n").doesNotContain("# Server");
      Map<String, String> fields = fields(info);
      assertThat(fields).containsKeys("used_memory", "used_memory_human", "maxmemory", "maxmemory_policy", "mem_fragmentation_ratio");
      String two = jedis.sendCommand(() -> "INFO".getBytes(), "server", "CLIENTS").toString();
      assertThat(new String((byte[]) jedis.sendCommand(() -> "INFO".getBytes(), "server", "CLIENTS")))
          .contains("# Server").contains("# Clients").doesNotContain("# Memory");
      assertThat(two).isNotEmpty();
    }
  }

  @Test
  void keyspaceAndMemoryFollowWrites() {
    try (Jedis jedis = server.jedis()) {
      jedis.select(3);
      long before = Long.parseLong(fields(jedis.info("memory")).get("used_memory"));
      jedis.set("info-key", "x".repeat(1000));
      assertThat(jedis.info("keyspace")).contains("db3:keys=1,expires=0,avg_ttl=0");
      long after = Long.parseLong(fields(jedis.info("memory")).get("used_memory"));
      assertThat(after - before).isGreaterThanOrEqualTo(1000);
      jedis.flushDB();
      assertThat(jedis.info("keyspace")).doesNotContain("db3:");
    }
  }

  @Test
  void commandstatsCountCallsAndFailures() {
    try (Jedis jedis = server.jedis()) {
      jedis.configResetStat();
      jedis.echo("x");
      jedis.echo("y");
      String stats = jedis.info("commandstats");
      assertThat(stats).startsWith("# Commandstats\r\n");
      assertThat(stats).containsPattern("cmdstat_echo:calls=2,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=0,failed_calls=0");
      assertThat(stats).contains("cmdstat_config|resetstat:");
      assertThat(jedis.info("all")).contains("# Commandstats").contains("# Server");
      assertThat(jedis.info("everything")).contains("# Commandstats").contains("# Keyspace");
    }
  }

  /**
   * Counts of a run of calls are published in one go (see CommandContext): a command later in the
   * same pipeline, and any client once it has the replies, must still see every call before it.
   */
  @Test
  void commandstatsSeeEarlierCallsOfTheSamePipeline() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port());
        Jedis other = server.jedis()) {
      socket.setSoTimeout(10_000);
      String request = "*2\r\n$6\r\nCONFIG\r\n$9\r\nRESETSTAT\r\n"
          + "*2\r\n$4\r\nECHO\r\n$1\r\na\r\n".repeat(3)
          + "*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n"
          + "*2\r\n$4\r\nECHO\r\n$1\r\nb\r\n";
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      java.io.InputStream in = socket.getInputStream();
      StringBuilder replies = new StringBuilder();
      byte[] buffer = new byte[4096];
      while (!replies.toString().endsWith("$1\r\nb\r\n")) {
        int read = in.read(buffer);
        assertThat(read).as("connection closed early: " + replies).isPositive();
        replies.append(new String(buffer, 0, read, java.nio.charset.StandardCharsets.US_ASCII));
      }
      assertThat(replies.toString()).contains("cmdstat_echo:calls=3,");
      assertThat(other.info("commandstats")).contains("cmdstat_echo:calls=4,").contains("cmdstat_info:calls=1,");
    }
  }

  @Test
  void instantaneousOpsFollowsLoad() throws Exception {
    try (Jedis jedis = server.jedis()) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      long ops = 0;
      while (System.nanoTime() < deadline && ops == 0) {
        for (int i = 0; i < 200; i++) {
          jedis.ping();
        }
        ops = Long.parseLong(fields(jedis.info("stats")).get("instantaneous_ops_per_sec"));
      }
      assertThat(ops).isGreaterThan(0);
    }
  }

  @Test
  void modulesCanAddAndReplaceSections() {
    InfoCommand info = server.server().module(InfoCommand.class);
    info.addSection(StandardInfoSections.section("replication", true, lines -> lines.add("role", "slave")));
    info.addSection(StandardInfoSections.section("shoalextra", false, lines -> lines.add("extra_field", 42)));
    try (Jedis jedis = server.jedis()) {
      String all = jedis.info();
      assertThat(all).contains("role:slave").doesNotContain("extra_field");
      assertThat(all.indexOf("# Replication")).isLessThan(all.indexOf("# CPU"));
      assertThat(jedis.info("shoalextra")).isEqualTo("# Shoalextra\r\nextra_field:42\r\n");
    } finally {
      info.addSection(StandardInfoSections.section("replication", true, lines -> lines.add("role", "master")));
    }
  }

  @Test
  void lettuceResp3ReadsTheVerbatimReply() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      assertThat(connection.sync().info("server")).startsWith("# Server").contains("redis_version:");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void redisCliPrintsInfo() {
    assertThat(RedisCli.run(server.port(), "INFO", "cluster")).contains("cluster_enabled:0");
  }
}
