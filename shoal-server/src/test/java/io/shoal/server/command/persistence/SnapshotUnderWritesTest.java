package io.shoal.server.command.persistence;

import static io.shoal.server.command.persistence.PersistenceCommandsTest.await;
import static io.shoal.server.command.persistence.PersistenceCommandsTest.info;
import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.persistence.Persistence;
import io.shoal.server.persistence.Snapshot;
import io.shoal.server.persistence.rdb.RdbWriter;
import io.shoal.server.testing.TestServer;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Transaction;

/**
 * A snapshot taken while clients write restores to one instant of the whole keyspace. Each writer
 * changes five keys in five slots in one MULTI/EXEC per step (a sorted set's member added and a
 * score raised in place, a set member added, a hash field overwritten and one incremented, a list
 * element pushed and the head overwritten, a string counter set), on collections large enough that
 * writing the snapshot out takes a while; the loaded snapshot must show every writer's keys at one
 * and the same step, with every member from before intact. The snapshot is held unwritten while
 * the writers go on, so that they must write around the collections it shares.
 */
class SnapshotUnderWritesTest {
  private static final int WRITERS = 3;
  private static final int BASE = 50_000;

  private static void fill(Jedis jedis, int w) {
    Pipeline pipeline = jedis.pipelined();
    for (int i = 0; i < BASE; i++) {
      pipeline.zadd("z:" + w, i, "base" + i);
      pipeline.sadd("s:" + w, "base" + i);
      pipeline.rpush("l:" + w, "base" + i);
      if (i < 1000) {
        pipeline.hset("h:" + w, "base" + i, "v");
      }
    }
    pipeline.zadd("z:" + w, 0, "counter");
    pipeline.hset("h:" + w, "count", "0");
    pipeline.set("n:" + w, "0");
    pipeline.sync();
  }

  private static void step(Jedis jedis, int w, long n) {
    Transaction multi = jedis.multi();
    multi.zadd("z:" + w, -n, "m" + n);
    multi.zincrby("z:" + w, 1, "counter");
    multi.sadd("s:" + w, "m" + n);
    multi.hset("h:" + w, "last", Long.toString(n));
    multi.hincrBy("h:" + w, "count", 1);
    multi.rpush("l:" + w, "m" + n);
    multi.lset("l:" + w, 0, "head" + n);
    multi.set("n:" + w, Long.toString(n + 1));
    multi.exec();
  }

  /** Checks that writer w's keys all show the same number of steps, and returns it. */
  private static long checkWriter(Jedis jedis, int w) {
    long n = Long.parseLong(jedis.get("n:" + w));
    assertThat(jedis.zcard("z:" + w)).isEqualTo(BASE + 1 + n);
    assertThat(jedis.zscore("z:" + w, "counter")).isEqualTo((double) n);
    assertThat(jedis.zrange("z:" + w, 0, 0)).containsExactly(n == 0 ? "base0" : "m" + (n - 1));
    assertThat(jedis.zscore("z:" + w, "base" + (BASE - 1))).isEqualTo(BASE - 1.0);
    assertThat(jedis.scard("s:" + w)).isEqualTo(BASE + n);
    assertThat(jedis.sismember("s:" + w, "m" + n)).isFalse();
    assertThat(jedis.hget("h:" + w, "count")).isEqualTo(Long.toString(n));
    assertThat(jedis.hget("h:" + w, "last")).isEqualTo(n == 0 ? null : Long.toString(n - 1));
    assertThat(jedis.hlen("h:" + w)).isEqualTo(1001 + (n == 0 ? 0 : 1));
    assertThat(jedis.llen("l:" + w)).isEqualTo(BASE + n);
    assertThat(jedis.lindex("l:" + w, 0)).isEqualTo(n == 0 ? "base0" : "head" + (n - 1));
    assertThat(jedis.lindex("l:" + w, BASE - 1)).isEqualTo("base" + (BASE - 1));
    return n;
  }

  private static void awaitSteps(AtomicLongArray steps, long[] atLeast) throws InterruptedException {
    await(() -> {
      for (int w = 0; w < WRITERS; w++) {
        if (steps.get(w) < atLeast[w]) {
          return false;
        }
      }
      return true;
    });
  }

  @Test
  void aSnapshotTakenUnderWritesRestoresToOneInstant() throws Exception {
    Path dir;
    Path shared;
    long[] live = new long[WRITERS];
    try (TestServer server = TestServer.start("save", "")) {
      dir = server.dir();
      for (int w = 0; w < WRITERS; w++) {
        try (Jedis jedis = server.jedis()) {
          fill(jedis, w);
        }
      }
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLongArray steps = new AtomicLongArray(WRITERS);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        Thread thread = new Thread(() -> {
          try (Jedis jedis = server.jedis()) {
            for (long n = 0; !stop.get(); n++) {
              step(jedis, writer, n);
              steps.set(writer, n + 1);
            }
          } catch (Throwable e) {
            failure.set(e);
          }
        });
        thread.start();
        writers.add(thread);
      }
      try {
        awaitSteps(steps, new long[] {50, 50, 50});
        // A snapshot the test holds unwritten while every writer takes 50 more steps through it.
        Snapshot snapshot = Snapshot.share(server.server().keyspace(), null);
        long[] then = new long[WRITERS];
        for (int w = 0; w < WRITERS; w++) {
          then[w] = steps.get(w) + 50;
        }
        awaitSteps(steps, then);
        shared = dir.resolve("shared.rdb");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(shared))) {
          RdbWriter.write(snapshot, out, server.server().module(Persistence.class).codecs(), true, 0, false);
        } finally {
          snapshot.release();
        }
        // And a BGSAVE, the way users take one, while the writers go on.
        try (Jedis jedis = server.jedis()) {
          assertThat(jedis.bgsave()).isEqualTo("Background saving started");
        }
        await(() -> info(server).contains("rdb_bgsave_in_progress:0") && Files.exists(dir.resolve("dump.rdb")));
        assertThat(info(server)).contains("rdb_last_bgsave_status:ok");
        awaitSteps(steps, new long[] {then[0] + 20, then[1] + 20, then[2] + 20});
      } finally {
        stop.set(true);
        for (Thread thread : writers) {
          thread.join(20_000);
        }
      }
      assertThat(failure.get()).isNull();
      try (Jedis jedis = server.jedis()) {
        for (int w = 0; w < WRITERS; w++) {
          live[w] = checkWriter(jedis, w);
        }
      }
    }
    for (String file : List.of("dump.rdb", "shared.rdb")) {
      Path loadDir = Files.createTempDirectory("snapshot-under-writes");
      Files.copy(dir.resolve(file), loadDir.resolve("dump.rdb"));
      try (TestServer loaded = TestServer.start("dir", loadDir.toString(), "save", ""); Jedis jedis = loaded.jedis()) {
        assertThat(jedis.dbSize()).isEqualTo(5L * WRITERS);
        for (int w = 0; w < WRITERS; w++) {
          long n = checkWriter(jedis, w);
          assertThat(n).as(file + " writer " + w).isBetween(50L, live[w] - 20);
        }
      }
    }
  }
}
