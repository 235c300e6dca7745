package io.shoal.server.command.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.models.command.CommandDetail;
import io.lettuce.core.models.command.CommandDetailParser;
import io.shoal.server.testing.RedisCli;
import io.shoal.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.CommandDocument;
import redis.clients.jedis.resps.CommandInfo;

class CommandCommandTest {
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
  void countMatchesTheRegistry() {
    try (Jedis jedis = server.jedis()) {
      assertThat(jedis.commandCount()).isEqualTo(server.server().commands().size()).isGreaterThan(10);
    }
  }

  @Test
  void infoDescribesACommandAsRedis7Does() {
    try (Jedis jedis = server.jedis()) {
      Map<String, CommandInfo> info = jedis.commandInfo("get", "nosuchcommand");
      CommandInfo get = info.get("get");
      assertThat(get.getArity()).isEqualTo(2);
      assertThat(get.getFlags()).contains("readonly", "fast");
      assertThat(get.getFirstKey()).isEqualTo(1);
      assertThat(get.getLastKey()).isEqualTo(1);
      assertThat(get.getStep()).isEqualTo(1);
      assertThat(get.getAclCategories()).contains("@read", "@string", "@fast");
      assertThat(info.get("nosuchcommand")).isNull();
      CommandInfo client = jedis.commandInfo("client").get("client");
      assertThat(client.getSubcommands()).containsKey("client|list");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void keySpecsAreDerivedFromTheRange() {
    try (Jedis jedis = server.jedis()) {
      List<Object> entries = (List<Object>) jedis.sendCommand(() -> "COMMAND".getBytes(), "INFO", "set");
      List<Object> set = (List<Object>) entries.get(0);
      assertThat(set).hasSize(10);
      List<Object> specs = (List<Object>) set.get(8);
      assertThat(specs).hasSize(1);
      String text = flatten(specs.get(0));
      assertThat(text).contains("begin_search", "index", "find_keys", "range", "lastkey", "0", "keystep", "RW");
    }
  }

  @Test
  void lettuceParsesCommandOverResp3() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + server.port());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      List<CommandDetail> details = CommandDetailParser.parse(connection.sync().commandInfo("get", "set"));
      assertThat(details).hasSize(2);
      assertThat(details.get(0).getName()).isEqualTo("get");
      assertThat(details.get(1).getArity()).isEqualTo(-3);
      assertThat(details.get(1).getLastKeyPosition()).isEqualTo(1);
      assertThat(connection.sync().commandCount()).isEqualTo(server.server().commands().size());
    } finally {
      client.shutdown();
    }
  }

  @Test
  void docsGiveSummaryAndSubcommands() {
    try (Jedis jedis = server.jedis()) {
      Map<String, CommandDocument> docs = jedis.commandDocs("get", "config", "nosuchcommand");
      assertThat(docs).containsOnlyKeys("get", "config");
      assertThat(docs.get("get").getSummary()).isEqualTo("Returns the string value of a key.");
      assertThat(docs.get("get").getSince()).isEqualTo("1.0.0");
      assertThat(docs.get("get").getGroup()).isEqualTo("string");
    }
  }

  @Test
  void getKeysUsesKeyPositionsWithRedisErrors() {
    try (Jedis jedis = server.jedis()) {
      assertThat(jedis.commandGetKeys("set", "a", "b")).containsExactly("a");
      assertThat(jedis.commandGetKeys("memory", "usage", "k")).containsExactly("k");
      assertThatThrownBy(() -> jedis.commandGetKeys("nosuch", "a")).hasMessage("ERR Invalid command specified");
      assertThatThrownBy(() -> jedis.commandGetKeys("ping")).hasMessage("ERR The command has no key arguments");
      assertThatThrownBy(() -> jedis.commandGetKeys("get", "a", "b"))
          .hasMessage("ERR Invalid number of arguments specified for command");
    }
  }

  @Test
  void listAndFilters() {
    try (Jedis jedis = server.jedis()) {
      assertThat(jedis.commandList()).contains("get", "set", "client|list", "config|get");
      assertThat(jedis.commandListFilterBy(redis.clients.jedis.params.CommandListFilterByParams.commandListFilterByParams()
          .filterByPattern("client*"))).contains("client", "client|kill").doesNotContain("get");
      assertThat(jedis.commandListFilterBy(redis.clients.jedis.params.CommandListFilterByParams.commandListFilterByParams()
          .filterByAclCat("string"))).contains("get", "set").doesNotContain("ping");
    }
  }

  @Test
  void redisCliUsesCommandDocsForItsHints() throws Exception {
    // Interactive redis-cli (on a terminal) loads COMMAND DOCS at start-up for its hints; run it
    // under `script` so it believes it has one (TERM=dumb keeps linenoise from querying the
    // cursor), and check that it asked for the docs and that commands work through it.
    long docsBefore = server.server().commands().lookup("command").subcommands().get("docs").stats().calls();
    ProcessBuilder builder = new ProcessBuilder("script", "-qec", "redis-cli -p " + server.port(), "/dev/null")
        .redirectErrorStream(true);
    builder.environment().put("TERM", "dumb");
    Process process = builder.start();
    process.getOutputStream().write("set hint-key hello\nget hint-key\nquit\n".getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(output).contains("OK").contains("\"hello\"");
    assertThat(server.server().commands().lookup("command").subcommands().get("docs").stats().calls()).isGreaterThan(docsBefore);
    assertThat(RedisCli.run(server.port(), "COMMAND", "COUNT")).isEqualTo(Integer.toString(server.server().commands().size()));
  }

  @SuppressWarnings("unchecked")
  private static String flatten(Object value) {
    if (value instanceof byte[]) {
      return new String((byte[]) value, StandardCharsets.UTF_8);
    }
    if (value instanceof List) {
      StringBuilder text = new StringBuilder();
      for (Object item : (List<Object>) value) {
        text.append(flatten(item)).append(' ');
      }
      return text.toString();
    }
    return String.valueOf(value);
  }
}
