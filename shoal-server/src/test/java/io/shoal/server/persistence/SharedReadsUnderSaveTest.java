package io.shoal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.testing.RawCommands;
import io.shoal.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Clients read large collections (ranges, ranks, scores, random members) while a BGSAVE's thread
 * writes the very same objects out: every reply is right, no collection is copied, and the file
 * reloads to the same contents.
 */
class SharedReadsUnderSaveTest {
  private static final int SIZE = 100_000;

  private static void fill(Jedis jedis) {
    Pipeline pipeline = jedis.pipelined();
    SharedReadsTest.fillLarge(pipeline, SIZE);
    pipeline.sync();
  }

  /** One round of reads of every collection at random places, each reply checked. */
  private static void read(Jedis jedis) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int i = random.nextInt(SIZE - 20);
    List<String> expected = new ArrayList<>();
    for (int j = i; j <= i + 10; j++) {
      expected.add("m" + j);
    }
    assertThat(jedis.zrange("z", i, i + 10)).containsExactlyElementsOf(expected);
    assertThat(jedis.zrangeByScore("z", i, i + 10)).containsExactlyElementsOf(expected);
    List<String> reversed = new ArrayList<>(expected);
    java.util.Collections.reverse(reversed);
    assertThat(jedis.zrevrange("z", SIZE - 1 - i - 10, SIZE - 1 - i)).containsExactlyElementsOf(reversed);
    assertThat(jedis.zrank("z", "m" + i)).isEqualTo(i);
    assertThat(jedis.zscore("z", "m" + i)).isEqualTo(i);
    assertThat(jedis.zcount("z", i, i + 10)).isEqualTo(11);
    assertThat(jedis.zrandmember("z")).startsWith("m");
    assertThat((List<?>) RawCommands.call(jedis, "ZRANDMEMBER", "z", "3", "WITHSCORES")).hasSize(6);
    assertThat(jedis.sismember("s", "m" + i)).isTrue();
    assertThat(jedis.sismember("s", "x" + i)).isFalse();
    assertThat(jedis.srandmember("s")).startsWith("m");
    assertThat(jedis.hget("h", "f" + i)).isEqualTo("v" + i);
    assertThat(jedis.hrandfield("h")).startsWith("f");
    assertThat(jedis.lrange("l", i, i + 2)).containsExactly("e" + i, "e" + (i + 1), "e" + (i + 2));
    assertThat(jedis.lindex("l", i)).isEqualTo("e" + i);
    assertThat(jedis.zcard("z")).isEqualTo(SIZE);
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 60 s");
      }
      Thread.sleep(5);
    }
  }

  private static String info(Jedis jedis, String field) {
    for (String line : jedis.info("persistence").split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1);
      }
    }
    throw new AssertionError("no " + field);
  }

  /** Everything in the four collections, as text. */
  private static List<String> contents(Jedis jedis) {
    List<String> all = new ArrayList<>();
    all.add(SharedReadsTest.text(RawCommands.call(jedis, "ZRANGE", "z", "0", "-1", "WITHSCORES")));
    List<String> members = new ArrayList<>(jedis.smembers("s"));
    members.sort(null);
    all.add(members.toString());
    all.add(new java.util.TreeMap<>(jedis.hgetAll("h")).toString());
    all.add(jedis.lrange("l", 0, -1).toString());
    return all;
  }

  @Test
  void clientsReadWhatTheSnapshotWritesOut() throws Exception {
    Path dir;
    List<String> live;
    try (TestServer server = TestServer.start("save", ""); Jedis jedis = server.jedis()) {
      dir = server.dir();
      fill(jedis);
      live = contents(jedis);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicBoolean saving = new AtomicBoolean();
      AtomicLong rounds = new AtomicLong();
      AtomicLong roundsWhileSaving = new AtomicLong();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> readers = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        Thread thread = new Thread(() -> {
          try (Jedis reader = server.jedis()) {
            while (!stop.get()) {
              boolean during = saving.get();
              read(reader);
              rounds.incrementAndGet();
              if (during && saving.get()) {
                roundsWhileSaving.incrementAndGet();
              }
            }
          } catch (Throwable e) {
            failure.set(e);
          }
        });
        thread.start();
        readers.add(thread);
      }
      try {
        await(() -> rounds.get() >= 100 || failure.get() != null);
        // Three saves, so that the readers overlap with the writing thread's walk of each type.
        for (int save = 0; save < 3; save++) {
          saving.set(true);
          assertThat(jedis.bgsave()).isEqualTo("Background saving started");
          await(() -> "0".equals(info(jedis, "rdb_bgsave_in_progress")));
          saving.set(false);
          assertThat(info(jedis, "rdb_last_bgsave_status")).isEqualTo("ok");
          assertThat(info(jedis, "snapshot_collections_copied")).isEqualTo("0");
        }
        long after = rounds.get() + 100;
        await(() -> rounds.get() >= after || failure.get() != null);
      } finally {
        stop.set(true);
        for (Thread thread : readers) {
          thread.join(20_000);
        }
      }
      assertThat(failure.get()).isNull();
      assertThat(roundsWhileSaving.get()).isPositive();
      assertThat(contents(jedis)).isEqualTo(live);
    }
    Path loadDir = Files.createTempDirectory("shared-reads-under-save");
    Files.copy(dir.resolve("dump.rdb"), loadDir.resolve("dump.rdb"));
    try (TestServer loaded = TestServer.start("dir", loadDir.toString(), "save", ""); Jedis jedis = loaded.jedis()) {
      assertThat(jedis.dbSize()).isEqualTo(4);
      assertThat(contents(jedis)).isEqualTo(live);
      assertThat(Map.of("z", jedis.objectEncoding("z"), "s", jedis.objectEncoding("s")))
          .isEqualTo(Map.of("z", "skiplist", "s", "hashtable"));
    }
  }
}
