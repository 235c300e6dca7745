package io.shoal.server.command.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.server.testing.RedisCli;
import io.shoal.server.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.Slowlog;

class ServerCommandsTest {
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
  void dbsizeAndFlushes() {
    try (Jedis jedis = server.jedis()) {
      jedis.select(5);
      jedis.set("a", "1");
      jedis.set("b", "2");
      assertThat(jedis.dbSize()).isEqualTo(2);
      jedis.select(6);
      jedis.set("c", "3");
      assertThat(jedis.flushDB()).isEqualTo("OK");
      assertThat(jedis.dbSize()).isZero();
      jedis.select(5);
      assertThat(jedis.dbSize()).isEqualTo(2);
      assertThatThrownBy(() -> jedis.sendCommand(() -> "FLUSHALL".getBytes(), "LATER")).hasMessage("ERR syntax error");
      assertThat(jedis.sendCommand(() -> "FLUSHALL".getBytes(), "ASYNC")).isNotNull();
      assertThat(jedis.dbSize()).isZero();
    }
  }

  @Test
  void timeAndLastsave() {
    try (Jedis jedis = server.jedis()) {
      List<String> time = jedis.time();
      long seconds = Long.parseLong(time.get(0));
      assertThat(Math.abs(seconds - System.currentTimeMillis() / 1000)).isLessThanOrEqualTo(2);
      assertThat(Long.parseLong(time.get(1))).isBetween(0L, 999_999L);
      assertThat(jedis.lastsave()).isEqualTo(server.server().startedMillis() / 1000);
      server.server().module(ServerCommands.class).lastSave(() -> 1234L);
      assertThat(jedis.lastsave()).isEqualTo(1234L);
    }
  }

  @Test
  void slowlogRecordsCommandsOverTheThreshold() {
    try (Jedis jedis = server.jedis()) {
      jedis.slowlogReset();
      jedis.configSet("slowlog-log-slower-than", "0");
      jedis.clientSetname("slow-one");
      jedis.echo("first");
      jedis.echo("second");
      jedis.configSet("slowlog-log-slower-than", "10000");
      List<Slowlog> entries = jedis.slowlogGet(2);
      assertThat(entries).hasSize(2);
      assertThat(entries.get(0).getArgs()).containsExactly("ECHO", "second");
      assertThat(entries.get(1).getArgs()).containsExactly("ECHO", "first");
      assertThat(entries.get(0).getClientName()).isEqualTo("slow-one");
      assertThat(entries.get(0).getId()).isEqualTo(entries.get(1).getId() + 1);
      assertThat(jedis.slowlogLen()).isGreaterThanOrEqualTo(3);
      assertThat(jedis.slowlogGet(-1)).hasSize((int) jedis.slowlogLen());
      assertThatThrownBy(() -> jedis.slowlogGet(-2)).hasMessage("ERR count should be greater than or equal to -1");
      assertThat(jedis.slowlogReset()).isEqualTo("OK");
      assertThat(jedis.slowlogLen()).isZero();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void latencyRecordsCommandsOverTheThreshold() {
    try (Jedis jedis = server.jedis()) {
      jedis.sendCommand(() -> "LATENCY".getBytes(), "RESET");
      jedis.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "0.05");
      assertThat(jedis.latencyLatest()).as("threshold 0 records nothing").isEmpty();
      jedis.configSet("latency-monitor-threshold", "20");
      try {
        jedis.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "0.05");
        jedis.ping();
        List<Object> latest = (List<Object>) jedis.sendCommand(() -> "LATENCY".getBytes(), "LATEST");
        assertThat(latest).hasSize(1);
        List<Object> event = (List<Object>) latest.get(0);
        assertThat(new String((byte[]) event.get(0))).isEqualTo("command");
        assertThat((Long) event.get(2)).isGreaterThanOrEqualTo(50L);
        assertThat((Long) event.get(3)).isGreaterThanOrEqualTo((Long) event.get(2));
        List<Object> history = (List<Object>) jedis.sendCommand(() -> "LATENCY".getBytes(), "HISTORY", "command");
        assertThat(history).hasSize(1);
        assertThat(new String((byte[]) jedis.sendCommand(() -> "LATENCY".getBytes(), "DOCTOR"))).contains("1. command: latest");
        assertThat(jedis.sendCommand(() -> "LATENCY".getBytes(), "RESET", "command")).isEqualTo(1L);
        assertThat((List<?>) jedis.sendCommand(() -> "LATENCY".getBytes(), "HISTORY", "command")).isEmpty();
        assertThatThrownBy(() -> jedis.sendCommand(() -> "LATENCY".getBytes(), "GRAPH", "command"))
            .hasMessage("ERR No samples available for event 'command'");
      } finally {
        jedis.configSet("latency-monitor-threshold", "0");
      }
    }
  }

  @Test
  void memoryUsageAndDebugObject() {
    try (Jedis jedis = server.jedis()) {
      jedis.set("mem-key", "x".repeat(100));
      long small = jedis.memoryUsage("mem-key");
      jedis.set("mem-key", "x".repeat(10_000));
      assertThat(jedis.memoryUsage("mem-key")).isGreaterThan(small + 9_000);
      assertThat(jedis.memoryUsage("mem-key", 5)).isPositive();
      assertThat(jedis.memoryUsage("missing-key")).isNull();
      assertThatThrownBy(() -> jedis.sendCommand(() -> "MEMORY".getBytes(), "USAGE", "mem-key", "OTHER", "1"))
          .hasMessage("ERR syntax error");
      assertThat(jedis.memoryDoctor()).contains("Sam");
      jedis.set("int-key", "12345");
      assertThat(debugObject(jedis, "int-key"))
          .matches("Value at:0x[0-9a-f]+ refcount:1 encoding:int serializedlength:\\d+ lru:\\d+ lru_seconds_idle:\\d+");
      jedis.set("emb-key", "hello");
      assertThat(debugObject(jedis, "emb-key")).contains("encoding:embstr");
      assertThat(debugObject(jedis, "mem-key")).contains("encoding:raw");
      assertThatThrownBy(() -> debugObject(jedis, "missing-key"))
          .hasMessage("ERR no such key");
    }
  }

  @Test
  void debugSleepAndPopulate() {
    try (Jedis jedis = server.jedis()) {
      jedis.select(9);
      long started = System.nanoTime();
      assertThat(jedis.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "0.2")).isNotNull();
      assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(190);
      jedis.sendCommand(() -> "DEBUG".getBytes(), "POPULATE", "1000", "pop", "16");
      assertThat(jedis.dbSize()).isEqualTo(1000);
      assertThat(jedis.get("pop:7")).isEqualTo("value:7" + "\0".repeat(9));
      assertThatThrownBy(() -> jedis.sendCommand(() -> "DEBUG".getBytes(), "POPULATE", "-1"))
          .hasMessage("ERR value is out of range, must be positive");
      jedis.flushDB();
    }
  }

  @Test
  void redisCliSeesTheServerCommands() {
    assertThat(RedisCli.run(server.port(), "DBSIZE")).matches("\\d+");
    assertThat(RedisCli.run(server.port(), "SLOWLOG", "HELP")).contains("SLOWLOG <subcommand>");
  }

  @Test
  void aFailingShutdownHookRefusesUnlessForced() throws Exception {
    try (TestServer doomed = TestServer.start(); RawClient raw = new RawClient(doomed.port())) {
      java.util.List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
      doomed.server().module(ServerCommands.class).addShutdownHook((save, noSave, force) -> {
        calls.add("save=" + save + " force=" + force);
        throw io.shoal.server.resp.ShoalError.err("disk full");
      });
      raw.send("SHUTDOWN", "SAVE");
      assertThat(raw.readLine()).isEqualTo("-ERR Errors trying to SHUTDOWN. Check logs.");
      assertThat(doomed.server().stopping()).isFalse();
      raw.send("SHUTDOWN", "SAVE", "FORCE");
      assertThat(raw.closedByServer()).isTrue();
      assertThat(calls).containsExactly("save=true force=false", "save=true force=true");
      doomed.server().awaitStop();
    }
  }

  @Test
  void shutdownClosesTheConnectionWithoutReplyAndStopsTheNode() throws Exception {
    try (TestServer doomed = TestServer.start(); RawClient raw = new RawClient(doomed.port())) {
      raw.send("SHUTDOWN", "NOSAVE", "SAVE");
      assertThat(raw.readLine()).isEqualTo("-ERR syntax error");
      raw.send("SHUTDOWN", "ABORT");
      assertThat(raw.readLine()).isEqualTo("-ERR No shutdown in progress.");
      raw.send("SHUTDOWN", "NOSAVE");
      assertThat(raw.closedByServer()).isTrue();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!doomed.server().stopping() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(doomed.server().stopping()).isTrue();
      doomed.server().awaitStop();
      assertThatThrownBy(() -> new RawClient(doomed.port())).isInstanceOf(java.io.IOException.class);
    }
  }

  private static String debugObject(Jedis jedis, String key) {
    return new String((byte[]) jedis.sendCommand(() -> "DEBUG".getBytes(), "OBJECT", key));
  }
}
