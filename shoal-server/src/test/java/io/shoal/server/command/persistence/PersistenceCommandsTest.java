package io.shoal.server.command.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.server.persistence.Persistence;
import io.shoal.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.RestoreParams;

class PersistenceCommandsTest {
  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(10);
    }
  }

  static long pttl(TestServer server, int db, String key) {
    long at = server.server().keyspace().db(db).expireTime(key.getBytes());
    return at <= 0 ? at - 1 : at - System.currentTimeMillis();
  }

  static String info(TestServer server) {
    return server.server().module(Persistence.class).infoSection();
  }

  @Test
  void dumpAndRestoreFollowRedis() {
    try (TestServer server = TestServer.start("save", ""); Jedis jedis = server.jedis()) {
      jedis.set("k", "hello world, a value long enough to be compressed? hello world hello world");
      byte[] payload = jedis.dump("k");
      assertThat(jedis.dump("missing")).isNull();
      assertThat(jedis.restore("copy", 0, payload)).isEqualTo("OK");
      assertThat(jedis.get("copy")).isEqualTo(jedis.get("k"));
      assertThatThrownBy(() -> jedis.restore("copy", 0, payload)).hasMessage("BUSYKEY Target key name already exists.");
      assertThat(jedis.restore("copy", 5000, payload, RestoreParams.restoreParams().replace())).isEqualTo("OK");
      assertThat(pttl(server, 0, "copy")).isBetween(1L, 5000L);
      assertThatThrownBy(() -> jedis.restore("other", -1, payload)).hasMessage("ERR Invalid TTL value, must be >= 0");
      byte[] damaged = Arrays.copyOf(payload, payload.length);
      damaged[3] ^= 1;
      assertThatThrownBy(() -> jedis.restore("other", 0, damaged)).hasMessage("ERR DUMP payload version or checksum are wrong");
      assertThatThrownBy(() -> jedis.restore("other", 0, "short".getBytes())).hasMessage("ERR DUMP payload version or checksum are wrong");
      // An absolute TTL in the past: OK, but no key.
      assertThat(jedis.restore("past", 1000, payload, RestoreParams.restoreParams().absTtl())).isEqualTo("OK");
      assertThat(jedis.get("past")).isNull();
      assertThat(jedis.restore("idle", 0, payload, RestoreParams.restoreParams().idleTime(100))).isEqualTo("OK");
      var keyspace = server.server().keyspace();
      assertThat(keyspace.eviction().idleSeconds(keyspace.db(0).accessClock("idle".getBytes()))).isBetween(100L, 102L);
      assertThatThrownBy(() -> jedis.restore("x", 0, payload, RestoreParams.restoreParams().frequency(300)))
          .hasMessage("ERR Invalid FREQ value, must be >= 0 and <= 255");
      assertThatThrownBy(() -> jedis.sendCommand(() -> "RESTORE".getBytes(), "x".getBytes(), "0".getBytes(), payload, "BOGUS".getBytes()))
          .hasMessage("ERR syntax error");
    }
  }

  @Test
  void saveWritesAnRdbThatTheNextStartLoads() throws Exception {
    Path dir;
    long lastSave;
    try (TestServer server = TestServer.start("save", ""); Jedis jedis = server.jedis()) {
      dir = server.dir();
      jedis.set("a", "1");
      jedis.set("b", "two");
      server.server().keyspace().db(0).expireTime("b".getBytes(), System.currentTimeMillis() + 100_000);
      jedis.select(5);
      jedis.set("c", "in five");
      assertThat(info(server)).contains("rdb_changes_since_last_save:3");
      assertThat(jedis.save()).isEqualTo("OK");
      assertThat(info(server)).contains("rdb_changes_since_last_save:0").contains("rdb_saves:1");
      lastSave = jedis.lastsave();
      assertThat(lastSave).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(2L));
      jedis.set("after-save", "not saved");
    }
    assertThat(dir.resolve("dump.rdb")).exists();
    try (TestServer server = TestServer.start("dir", dir.toString(), "save", ""); Jedis jedis = server.jedis()) {
      assertThat(jedis.get("a")).isEqualTo("1");
      assertThat(jedis.get("b")).isEqualTo("two");
      assertThat(pttl(server, 0, "b")).isBetween(1L, 100_000L);
      assertThat(jedis.get("after-save")).isNull();
      jedis.select(5);
      assertThat(jedis.get("c")).isEqualTo("in five");
      assertThat(info(server)).contains("rdb_last_load_keys_loaded:3");
    }
  }

  @Test
  void bgsaveWritesInTheBackgroundAndShutdownSavesWithSavePoints() throws Exception {
    Path dir;
    try (TestServer server = TestServer.start("save", "3600 1"); Jedis jedis = server.jedis()) {
      dir = server.dir();
      for (int i = 0; i < 1000; i++) {
        jedis.set("key" + i, "value" + i);
      }
      assertThat(jedis.bgsave()).isEqualTo("Background saving started");
      await(() -> info(server).contains("rdb_bgsave_in_progress:0") && Files.exists(dir.resolve("dump.rdb")));
      assertThat(info(server)).contains("rdb_last_bgsave_status:ok");
      jedis.set("at-shutdown", "saved by the shutdown hook");
    }
    try (TestServer server = TestServer.start("dir", dir.toString(), "save", ""); Jedis jedis = server.jedis()) {
      assertThat(server.server().keyspace().totalKeys()).isEqualTo(1001);
      assertThat(jedis.get("at-shutdown")).isEqualTo("saved by the shutdown hook");
    }
  }

  @Test
  void failedBgsaveRefusesWritesWithMisconfUntilASaveSucceeds() throws Exception {
    try (TestServer server = TestServer.start("save", "3600 1"); Jedis jedis = server.jedis()) {
      Path dir = server.dir();
      jedis.set("k", "v");
      Files.delete(dir);
      assertThat(jedis.bgsave()).isEqualTo("Background saving started");
      await(() -> info(server).contains("rdb_last_bgsave_status:err"));
      assertThatThrownBy(() -> jedis.set("k", "w")).hasMessageStartingWith("MISCONF Redis is configured to save RDB snapshots");
      assertThat(jedis.get("k")).isEqualTo("v");
      Files.createDirectories(dir);
      assertThat(jedis.bgsave()).isEqualTo("Background saving started");
      await(() -> info(server).contains("rdb_last_bgsave_status:ok"));
      assertThat(jedis.set("k", "w")).isEqualTo("OK");
    }
  }

  @Test
  void aSaveSeenToHaveEndedNoLongerCountsAsInProgress() throws Exception {
    // The client polls without pausing and sends BGSAVE the moment INFO shows the last save's
    // outcome: it must always get a new save. The outcome was once published a moment before the
    // save stopped counting as in progress, and the BGSAVE got "already in progress".
    try (TestServer server = TestServer.start("save", ""); Jedis jedis = server.jedis()) {
      Path dir = server.dir();
      jedis.set("k", "v");
      for (int i = 0; i < 40; i++) {
        boolean fails = i % 2 == 0;
        if (fails) {
          try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
              Files.delete(file);
            }
          }
          Files.delete(dir);
        } else {
          Files.createDirectories(dir);
        }
        assertThat(jedis.bgsave()).as("BGSAVE %d", i).isEqualTo("Background saving started");
        String outcome = "rdb_last_bgsave_status:" + (fails ? "err" : "ok");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!info(server).contains(outcome)) {
          assertThat(System.nanoTime()).as("%s within 20 s", outcome).isLessThan(deadline);
          Thread.onSpinWait();
        }
      }
    }
  }

  @Test
  void infoLastsaveAndShutdownUsePersistence() throws Exception {
    try (TestServer server = TestServer.start("save", "3600 1"); Jedis jedis = server.jedis()) {
      jedis.set("k", "v");
      String info = jedis.info("persistence");
      assertThat(info).contains("rdb_changes_since_last_save:1").contains("aof_enabled:0").contains("rdb_saves:0");
      jedis.save();
      assertThat(jedis.lastsave()).isEqualTo(server.server().module(Persistence.class).lastSaveSeconds());
      assertThat(jedis.info("persistence")).contains("rdb_saves:1");
      Files.delete(server.dir().resolve("dump.rdb"));
      try {
        jedis.shutdown(redis.clients.jedis.params.ShutdownParams.shutdownParams().nosave());
      } catch (RuntimeException closed) {
        // The connection closes without a reply.
      }
      server.server().awaitStop();
      assertThat(server.dir().resolve("dump.rdb")).doesNotExist();
    }
    try (TestServer server = TestServer.start("save", ""); Jedis jedis = server.jedis()) {
      jedis.set("k", "v");
      try {
        jedis.shutdown(redis.clients.jedis.params.ShutdownParams.shutdownParams().save());
      } catch (RuntimeException closed) {
        // The connection closes without a reply.
      }
      server.server().awaitStop();
      assertThat(server.dir().resolve("dump.rdb")).exists();
    }
  }
}
