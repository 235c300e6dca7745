package io.shoal.server.persistence.aof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.server.ShoalServer;
import io.shoal.server.config.Settings;
import io.shoal.server.persistence.Persistence;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

class AppendOnlyFileTest {
  static ShoalServer start(Path dir, String... settings) throws InterruptedException {
    Settings values = new Settings();
    ShoalServer.defineSettings(values);
    values.initialise("port", "0");
    values.initialise("dir", dir.toString());
    values.initialise("save", "");
    values.initialise("appendonly", "yes");
    for (int i = 0; i + 1 < settings.length; i += 2) {
      values.initialise(settings[i], settings[i + 1]);
    }
    ShoalServer server = new ShoalServer(values);
    server.install(new AppendCommand());
    return server.start();
  }

  private static Jedis jedis(ShoalServer server) {
    return new Jedis("127.0.0.1", server.port(), 10_000);
  }

  private static long append(Jedis jedis, String key, String value) {
    return (Long) jedis.sendCommand(() -> "TESTAPPEND".getBytes(StandardCharsets.US_ASCII), key, value);
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 30 s");
      }
      Thread.sleep(10);
    }
  }

  @Test
  void restartReplaysTheLogIncludingDatabasesAndExpiryTimes(@TempDir Path dir) throws Exception {
    ShoalServer server = start(dir, "appendfsync", "always");
    try (Jedis jedis = jedis(server)) {
      jedis.set("a", "1");
      append(jedis, "a", "2");
      jedis.select(4);
      jedis.set("b", "in four");
      jedis.setex("c", 100, "expires");
      jedis.set("d", "expires too");
      jedis.expire("d", 200);
    } finally {
      server.stop();
    }
    long cExpireAt = server.keyspace().db(4).expireTime("c".getBytes());
    long dExpireAt = server.keyspace().db(4).expireTime("d".getBytes());
    assertThat(cExpireAt).isPositive();
    Thread.sleep(20);
    String log = Files.readString(dir.resolve("appendonly.aof"), StandardCharsets.ISO_8859_1);
    assertThat(log).startsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n");
    server = start(dir);
    try (Jedis jedis = jedis(server)) {
      assertThat(jedis.get("a")).isEqualTo("12");
      jedis.select(4);
      assertThat(jedis.get("b")).isEqualTo("in four");
      // Relative expiry times were logged with the absolute time they set, so replay keeps it.
      assertThat(server.keyspace().db(4).expireTime("c".getBytes())).isEqualTo(cExpireAt);
      assertThat(server.keyspace().db(4).expireTime("d".getBytes())).isEqualTo(dExpireAt);
      assertThat(server.module(Persistence.class).infoSection()).contains("aof_enabled:1").contains("aof_last_write_status:ok");
    } finally {
      server.stop();
    }
  }

  @Test
  void tornLastRecordIsTruncatedWithAWarning(@TempDir Path dir) throws Exception {
    ShoalServer server = start(dir);
    try (Jedis jedis = jedis(server)) {
      jedis.set("kept", "yes");
    } finally {
      server.stop();
    }
    Path file = dir.resolve("appendonly.aof");
    long goodSize = Files.size(file);
    Files.write(file, "*3\r\n$3\r\nSET\r\n$4\r\ntorn".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
    assertThatThrownBy(() -> start(dir, "aof-load-truncated", "no"))
        .hasMessageContaining("Unexpected end of file reading the append only file")
        .hasMessageContaining("offset " + goodSize);
    server = start(dir);
    try (Jedis jedis = jedis(server)) {
      assertThat(jedis.get("kept")).isEqualTo("yes");
      assertThat(jedis.get("torn")).isNull();
      assertThat(Files.size(file)).isGreaterThanOrEqualTo(goodSize);
      assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).doesNotContain("torn");
    } finally {
      server.stop();
    }
  }

  @Test
  void damageBeforeTheEndStopsStartUpNamingTheOffset(@TempDir Path dir) throws Exception {
    ShoalServer server = start(dir);
    try (Jedis jedis = jedis(server)) {
      jedis.set("first", "1");
      jedis.set("second", "2");
    } finally {
      server.stop();
    }
    Path file = dir.resolve("appendonly.aof");
    byte[] bytes = Files.readAllBytes(file);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int second = text.indexOf("*3\r\n$3\r\nSET\r\n$6\r\nsecond");
    bytes[second] = '?';
    Files.write(file, bytes);
    assertThatThrownBy(() -> start(dir)).hasMessageContaining("Bad file format reading the append only file at offset " + second);
  }

  @Test
  void rewriteUnderConcurrentWritesLosesAndDuplicatesNothing(@TempDir Path dir) throws Exception {
    ShoalServer server = start(dir, "appendfsync", "no");
    Map<String, StringBuilder> expected = new ConcurrentHashMap<>();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      Thread writer = new Thread(() -> {
        try (Jedis jedis = jedis(server)) {
          int n = 0;
          while (running.get()) {
            String key = "w" + id + ":" + (n % 50);
            append(jedis, key, Integer.toString(n % 10));
            expected.computeIfAbsent(key, k -> new StringBuilder()).append(n % 10);
            if (n % 7 == 0) {
              jedis.set("plain" + id + ":" + n, "v" + n);
              expected.put("plain" + id + ":" + n, new StringBuilder("v" + n));
            }
            n++;
          }
        }
      });
      writers.add(writer);
      writer.start();
    }
    Persistence persistence = server.module(Persistence.class);
    try (Jedis jedis = jedis(server)) {
      for (int round = 0; round < 3; round++) {
        Thread.sleep(200);
        long before = Long.parseLong(field(persistence.infoSection(), "aof_rewrites"));
        assertThat(jedis.bgrewriteaof()).contains("Background append only file rewriting");
        await(() -> Long.parseLong(field(persistence.infoSection(), "aof_rewrites")) > before);
      }
      Thread.sleep(200);
    } finally {
      running.set(false);
      for (Thread writer : writers) {
        writer.join();
      }
      server.stop();
    }
    assertThat(Files.readAllBytes(dir.resolve("appendonly.aof"))).startsWith("REDIS0010".getBytes(StandardCharsets.US_ASCII));
    ShoalServer restarted = start(dir);
    try (Jedis jedis = jedis(restarted)) {
      assertThat(expected).isNotEmpty();
      for (Map.Entry<String, StringBuilder> entry : expected.entrySet()) {
        assertThat(jedis.get(entry.getKey())).as(entry.getKey()).isEqualTo(entry.getValue().toString());
      }
      assertThat(restarted.keyspace().totalKeys()).isEqualTo(expected.size());
    } finally {
      restarted.stop();
    }
  }

  @Test
  void turningAppendOnlyOnAtRuntimeWritesTheWholeDataSet(@TempDir Path dir) throws Exception {
    ShoalServer server = start(dir, "appendonly", "no");
    try (Jedis jedis = jedis(server)) {
      jedis.set("before", "1");
      Persistence persistence = server.module(Persistence.class);
      assertThat(persistence.infoSection()).contains("aof_enabled:0");
      server.settings().set(List.<String[]>of(new String[] {"appendonly", "yes"}));
      await(() -> persistence.infoSection().contains("aof_rewrites:1"));
      assertThat(persistence.infoSection()).contains("aof_enabled:1");
      jedis.set("after", "2");
    } finally {
      server.stop();
    }
    ShoalServer restarted = start(dir);
    try (Jedis jedis = jedis(restarted)) {
      assertThat(jedis.get("before")).isEqualTo("1");
      assertThat(jedis.get("after")).isEqualTo("2");
    } finally {
      restarted.stop();
    }
  }

  @Test
  void aofWriteErrorRefusesWritesWithMisconfAndRecovers(@TempDir Path dir) throws Exception {
    ShoalServer server = start(dir, "appendfsync", "everysec");
    try (Jedis jedis = jedis(server)) {
      jedis.set("k", "v");
      Persistence persistence = server.module(Persistence.class);
      AppendOnlyFile file = persistence.appendOnlyFile();
      // /dev/full fails every write with ENOSPC, as a full disk does.
      java.nio.channels.FileChannel full = java.nio.channels.FileChannel.open(Path.of("/dev/full"),
          java.nio.file.StandardOpenOption.WRITE);
      java.nio.channels.FileChannel real = file.swapChannelForTesting(full);
      assertThat(jedis.set("k", "lost?")).isEqualTo("OK");
      assertThat(persistence.infoSection()).contains("aof_last_write_status:err");
      assertThatThrownBy(() -> jedis.set("k", "w")).hasMessageStartingWith("MISCONF Errors writing to the AOF file: ");
      assertThat(jedis.get("k")).isEqualTo("lost?");
      file.swapChannelForTesting(real).close();
      await(() -> persistence.infoSection().contains("aof_last_write_status:ok"));
      assertThat(jedis.set("k", "after")).isEqualTo("OK");
    } finally {
      server.stop();
    }
    ShoalServer restarted = start(dir);
    try (Jedis jedis = jedis(restarted)) {
      // The record that failed was kept pending and written once the disk recovered.
      assertThat(jedis.get("k")).isEqualTo("after");
      assertThat(Files.readString(dir.resolve("appendonly.aof"), StandardCharsets.ISO_8859_1)).contains("lost?");
    } finally {
      restarted.stop();
    }
  }

  @Test
  void aBatchWriteHandsEveryBufferedRecordToTheFileAtOnce(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("batch.aof");
    try (AppendOnlyFile file = new AppendOnlyFile(path, AppendOnlyFile.Fsync.EVERYSEC)) {
      long first = file.append(0, new byte[][] {"SET".getBytes(), "a".getBytes(), "1".getBytes()});
      long second = file.append(0, new byte[][] {"SET".getBytes(), "b".getBytes(), "2".getBytes()});
      assertThat(file.unwritten(first)).isTrue();
      assertThat(file.unwritten(second)).isTrue();
      assertThat(Files.size(path)).as("appending only buffers").isZero();
      file.writeBatch();
      assertThat(file.unwritten(second)).isFalse();
      assertThat(file.hold(second)).as("written records release replies with everysec").isNull();
      assertThat(Files.readString(path, StandardCharsets.ISO_8859_1)).isEqualTo(
          "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
              + "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n");
      assertThat(Files.size(path)).isEqualTo(second);
    }
  }

  @Test
  void withAlwaysTheHoldsOfOneBatchShareOneFsync(@TempDir Path dir) throws Exception {
    try (AppendOnlyFile file = new AppendOnlyFile(dir.resolve("always.aof"), AppendOnlyFile.Fsync.ALWAYS)) {
      for (int round = 0; round < 20; round++) {
        long before = file.fsyncCount();
        List<Long> targets = new ArrayList<>();
        for (int client = 0; client < 10; client++) {
          targets.add(file.append(0, new byte[][] {"SET".getBytes(), ("k" + client).getBytes(), "v".getBytes()}));
        }
        file.writeBatch();
        List<java.util.concurrent.CompletableFuture<Boolean>> holds = new ArrayList<>();
        for (long target : targets) {
          java.util.concurrent.CompletableFuture<Boolean> hold = file.hold(target);
          if (hold != null) {
            holds.add(hold);
          }
        }
        for (java.util.concurrent.CompletableFuture<Boolean> hold : holds) {
          assertThat(hold.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        // Asked by the batch write: whether a hold came before, during or after it, it is the one.
        await(() -> file.fsyncCount() > before);
        assertThat(file.fsyncCount() - before).as("fsyncs for one batch of ten clients").isEqualTo(1);
        assertThat(file.hold(targets.get(targets.size() - 1))).isNull();
      }
    }
  }

  @Test
  void servedBlockedPopsAndExpiriesAreLogged(@TempDir Path dir) throws Exception {
    ShoalServer server = start(dir, "appendfsync", "always");
    try (Jedis blocked = jedis(server); Jedis writer = jedis(server)) {
      java.util.concurrent.CompletableFuture<List<String>> popped =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> blocked.blpop(0, "queue"));
      await(() -> server.clients().all().stream().anyMatch(c -> c.blocked()));
      writer.rpush("queue", "first", "second");
      assertThat(popped.get(20, java.util.concurrent.TimeUnit.SECONDS)).containsExactly("queue", "first");
      writer.set("short-lived", "x");
      writer.pexpire("short-lived", 1);
      await(() -> writer.get("short-lived") == null);
    } finally {
      server.stop();
    }
    assertThat(Files.readString(dir.resolve("appendonly.aof"), StandardCharsets.ISO_8859_1)).contains("$3\r\nDEL\r\n$11\r\nshort-lived");
    ShoalServer restarted = start(dir);
    try (Jedis jedis = jedis(restarted)) {
      assertThat(jedis.lrange("queue", 0, -1)).containsExactly("second");
      assertThat(jedis.get("short-lived")).isNull();
    } finally {
      restarted.stop();
    }
  }

  static String field(String info, String name) {
    for (String line : info.split("\r\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1);
      }
    }
    throw new AssertionError("no field " + name);
  }
}
