package io.shoal.server.command.keys;

import static io.shoal.server.command.string.Calls.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The keyevent notifications string and key commands emit, event by event as Redis names them. */
class KeyspaceEventsTest {
  static TestServer server;
  static final List<String> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    server = TestServer.start("notify-keyspace-events", "EA");
    server.server().notifications().publisher((channel, message) -> {
      String name = new String(channel, StandardCharsets.UTF_8);
      events.add(name.substring(name.indexOf(':') + 1) + " " + new String(message, StandardCharsets.UTF_8));
    });
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void clear() {
    events.clear();
  }

  private List<String> run(String... command) {
    try (Jedis jedis = server.jedis()) {
      events.clear();
      call(jedis, command);
      return List.copyOf(events);
    }
  }

  @Test
  void stringEvents() {
    assertThat(run("SET", "s", "1", "EX", "100")).containsExactly("set s", "expire s");
    assertThat(run("APPEND", "s", "2")).containsExactly("append s");
    assertThat(run("INCR", "s")).containsExactly("incrby s");
    assertThat(run("INCRBYFLOAT", "s", "1.5")).containsExactly("incrbyfloat s");
    assertThat(run("SETRANGE", "s", "0", "9")).containsExactly("setrange s");
    assertThat(run("SETBIT", "b", "1", "1")).containsExactly("setbit b");
    assertThat(run("BITFIELD", "b", "SET", "u8", "0", "1")).containsExactly("setbit b");
    assertThat(run("MSET", "m1", "a", "m2", "b")).containsExactly("set m1", "set m2");
    assertThat(run("GETDEL", "m1")).containsExactly("del m1");
    assertThat(run("GETEX", "m2", "PERSIST")).isEmpty();
    assertThat(run("GETEX", "m2", "EX", "10")).containsExactly("expire m2");
    assertThat(run("GETEX", "m2", "PERSIST")).containsExactly("persist m2");
    assertThat(run("SET", "nx", "1", "NX")).containsExactly("set nx");
    assertThat(run("SET", "nx", "1", "NX")).isEmpty();
  }

  @Test
  void keyEvents() {
    run("SET", "k", "v");
    assertThat(run("EXPIRE", "k", "100")).containsExactly("expire k");
    assertThat(run("PERSIST", "k")).containsExactly("persist k");
    assertThat(run("RENAME", "k", "k2")).containsExactly("rename_from k", "rename_to k2");
    assertThat(run("COPY", "k2", "k3")).containsExactly("copy_to k3");
    assertThat(run("MOVE", "k3", "1")).containsExactly("move_from k3", "move_to k3");
    assertThat(run("EXPIRE", "k2", "-1")).containsExactly("del k2");
    run("SET", "d", "v");
    assertThat(run("DEL", "d", "none")).containsExactly("del d");
  }
}
