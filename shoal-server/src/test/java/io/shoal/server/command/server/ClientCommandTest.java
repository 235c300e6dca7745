package io.shoal.server.command.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.server.testing.TestServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class ClientCommandTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void idAndNames() {
    try (Jedis jedis = server.jedis()) {
      long id = jedis.clientId();
      assertThat(id).isPositive();
      assertThat(jedis.clientGetname()).isNull();
      assertThat(jedis.clientSetname("worker-1")).isEqualTo("OK");
      assertThat(jedis.clientGetname()).isEqualTo("worker-1");
      assertThatThrownBy(() -> jedis.clientSetname("has space"))
          .hasMessage("ERR Client names cannot contain spaces, newlines or special characters.");
      assertThat(jedis.clientInfo()).startsWith("id=" + id + " addr=").contains(" name=worker-1 ").endsWith("\n");
    }
  }

  @Test
  void listHasRedisFieldsInOrderAndFilters() {
    try (Jedis jedis = server.jedis(); Jedis other = server.jedis()) {
      long id = jedis.clientId();
      other.ping();
      String line = jedis.clientList(id).trim();
      assertThat(line).matches("id=" + id + " addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:" + server.port()
          + " fd=-?\\d+ name= age=\\d+ idle=\\d+ flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0"
          + " argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=\\d+ tot-mem=\\d+ events=r cmd=client\\S* user=default"
          + " redir=-1 resp=2 lib-name=\\S* lib-ver=\\S*");
      String all = (String) new String((byte[]) jedis.sendCommand(() -> "CLIENT".getBytes(), "LIST"));
      assertThat(all.split("\n")).hasSizeGreaterThanOrEqualTo(2);
      String normal = new String((byte[]) jedis.sendCommand(() -> "CLIENT".getBytes(), "LIST", "TYPE", "normal"));
      assertThat(normal).contains("id=" + id + " ");
      String pubsub = new String((byte[]) jedis.sendCommand(() -> "CLIENT".getBytes(), "LIST", "TYPE", "pubsub"));
      assertThat(pubsub).isEmpty();
      assertThatThrownBy(() -> jedis.sendCommand(() -> "CLIENT".getBytes(), "LIST", "TYPE", "bogus"))
          .hasMessage("ERR Unknown client type 'bogus'");
      assertThatThrownBy(() -> jedis.sendCommand(() -> "CLIENT".getBytes(), "LIST", "ID", "x"))
          .hasMessage("ERR Invalid client ID");
    }
  }

  @Test
  void killByIdAddressAndOldForm() throws Exception {
    try (Jedis admin = server.jedis(); Jedis victim = server.jedis(); Jedis second = server.jedis()) {
      long victimId = victim.clientId();
      assertThat(admin.sendCommand(() -> "CLIENT".getBytes(), "KILL", "ID", Long.toString(victimId))).isEqualTo(1L);
      await(() -> server.server().clients().get(victimId) == null);
      assertThatThrownBy(victim::ping).isInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);

      long secondId = second.clientId();
      String address = server.server().clients().get(secondId).address();
      assertThat(admin.clientKill(address)).isEqualTo("OK");
      await(() -> server.server().clients().get(secondId) == null);
      assertThatThrownBy(() -> admin.clientKill("1.2.3.4:5")).hasMessage("ERR No such client");
      assertThatThrownBy(() -> admin.sendCommand(() -> "CLIENT".getBytes(), "KILL", "ID", "0"))
          .hasMessage("ERR client-id should be greater than 0");
      assertThatThrownBy(() -> admin.sendCommand(() -> "CLIENT".getBytes(), "KILL", "SKIPME", "maybe"))
          .hasMessage("ERR syntax error");
      // SKIPME defaults to yes: killing by our own id kills nobody.
      assertThat(admin.sendCommand(() -> "CLIENT".getBytes(), "KILL", "ID", Long.toString(admin.clientId()))).isEqualTo(0L);
      assertThat(admin.ping()).isEqualTo("PONG");
    }
  }

  @Test
  void pauseWriteParksWritesUntilUnpause() throws Exception {
    try (Jedis admin = server.jedis(); Jedis writer = server.jedis(); Jedis reader = server.jedis()) {
      long writerId = writer.clientId();
      assertThat(admin.clientPause(100_000, redis.clients.jedis.args.ClientPauseMode.WRITE)).isEqualTo("OK");
      CompletableFuture<String> set = CompletableFuture.supplyAsync(() -> writer.set("paused-key", "v"));
      await(() -> server.server().clients().get(writerId).blocked());
      assertThat(InfoCommandTest.fields(admin.info("clients")))
          .containsEntry("blocked_clients", "1").containsEntry("paused_actions", "write");
      assertThat(reader.get("paused-key")).isNull();
      assertThat(set).isNotDone();
      assertThat(admin.clientUnpause()).isEqualTo("OK");
      assertThat(set.get(10, TimeUnit.SECONDS)).isEqualTo("OK");
      assertThat(reader.get("paused-key")).isEqualTo("v");
      assertThat(writer.ping()).isEqualTo("PONG");
    }
  }

  @Test
  void pauseAllEndsByItselfAndKeepsOrder() throws Exception {
    try (Jedis admin = server.jedis(); Jedis reader = server.jedis()) {
      reader.set("order-key", "1");
      long started = System.nanoTime();
      assertThat(admin.clientPause(300)).isEqualTo("OK");
      assertThat(reader.get("order-key")).isEqualTo("1");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(250);
      assertThatThrownBy(() -> admin.sendCommand(() -> "CLIENT".getBytes(), "PAUSE", "-1"))
          .hasMessage("ERR timeout is negative");
      assertThatThrownBy(() -> admin.sendCommand(() -> "CLIENT".getBytes(), "PAUSE", "abc"))
          .hasMessage("ERR timeout is not an integer or out of range");
      assertThatThrownBy(() -> admin.sendCommand(() -> "CLIENT".getBytes(), "PAUSE", "10", "SOME"))
          .hasMessage("ERR CLIENT PAUSE mode must be WRITE or ALL");
    }
  }

  @Test
  void replyOffSkipAndOn() throws Exception {
    try (RawClient raw = new RawClient(server.port())) {
      raw.send("CLIENT", "REPLY", "OFF");
      raw.send("SET", "reply-key", "1");
      raw.send("CLIENT", "REPLY", "ON");
      assertThat(raw.readLine()).isEqualTo("+OK");
      raw.send("CLIENT", "REPLY", "SKIP");
      raw.send("ECHO", "skipped");
      raw.send("ECHO", "seen");
      assertThat(raw.readLine()).isEqualTo("$4");
      assertThat(raw.readLine()).isEqualTo("seen");
    }
  }

  @Test
  void setInfoNoEvictAndHelp() {
    try (Jedis jedis = server.jedis()) {
      assertThat(new String((byte[]) jedis.sendCommand(() -> "CLIENT".getBytes(), "SETINFO", "LIB-NAME", "mylib"))).isEqualTo("OK");
      jedis.sendCommand(() -> "CLIENT".getBytes(), "SETINFO", "lib-ver", "1.2");
      assertThat(jedis.clientInfo()).contains("lib-name=mylib lib-ver=1.2");
      assertThatThrownBy(() -> jedis.sendCommand(() -> "CLIENT".getBytes(), "SETINFO", "OTHER", "x"))
          .hasMessage("ERR Unrecognized option 'OTHER'");
      assertThatThrownBy(() -> jedis.sendCommand(() -> "CLIENT".getBytes(), "SETINFO", "LIB-NAME", "a b"))
          .hasMessage("ERR lib-name cannot contain spaces, newlines or special characters.");
      jedis.sendCommand(() -> "CLIENT".getBytes(), "NO-EVICT", "on");
      assertThat(jedis.clientInfo()).contains("flags=e ");
      assertThatThrownBy(() -> jedis.sendCommand(() -> "CLIENT".getBytes(), "NO-EVICT", "maybe")).hasMessage("ERR syntax error");
      assertThat(jedis.sendCommand(() -> "CLIENT".getBytes(), "HELP").toString()).isNotEmpty();
      assertThatThrownBy(() -> jedis.sendCommand(() -> "CLIENT".getBytes(), "NOPE"))
          .hasMessage("ERR unknown subcommand 'NOPE'. Try CLIENT HELP.");
    }
  }
}
