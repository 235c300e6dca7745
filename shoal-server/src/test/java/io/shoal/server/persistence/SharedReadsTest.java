package io.shoal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.keyspace.CopyOnWrite;
import io.shoal.server.keyspace.Keyspace;
import io.shoal.server.persistence.rdb.RdbWriter;
import io.shoal.server.testing.RawCommands;
import io.shoal.server.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * While a snapshot shares the collections, read-only commands read them where they are: no copy
 * (the same object stays at its key, INFO's snapshot_collections_copied stays 0), the same replies
 * as without a snapshot, and the snapshot keeps its instant; the first write to a collection still
 * copies it, inside MULTI/EXEC too.
 */
class SharedReadsTest {
  /** Keys of every type and encoding: skiplist, listpack, hashtable, intset, quicklist... */
  static final List<String> KEYS = List.of("z", "zs", "s", "si", "sl", "h", "hl", "l");

  static void fill(Jedis jedis, int size) {
    Pipeline pipeline = jedis.pipelined();
    fillLarge(pipeline, size);
    for (int i = 0; i < 5; i++) {
      pipeline.zadd("zs", i * 2, "m" + i * 2);
      pipeline.sadd("si", Integer.toString(i));
      pipeline.sadd("sl", "m" + i);
      pipeline.hset("hl", "f" + i, "v" + i);
    }
    pipeline.set("string", "text");
    pipeline.sync();
  }

  /** A sorted set "z", set "s", hash "h" and list "l" of size members each. */
  static void fillLarge(Pipeline pipeline, int size) {
    for (int i = 0; i < size; i++) {
      pipeline.zadd("z", i, "m" + i);
      pipeline.sadd("s", "m" + i);
      pipeline.hset("h", "f" + i, "v" + i);
      pipeline.rpush("l", "e" + i);
    }
  }

  /** Read-only commands whose reply does not depend on chance or on the clock. */
  private static final List<List<String>> READS = List.of(
      List.of("ZRANGE", "z", "0", "-1", "WITHSCORES"), List.of("ZRANGE", "z", "10", "20", "REV"),
      List.of("ZRANGE", "z", "(5", "50", "BYSCORE", "LIMIT", "2", "5"), List.of("ZRANGEBYSCORE", "z", "5", "50"),
      List.of("ZREVRANGEBYSCORE", "z", "50", "5", "WITHSCORES"), List.of("ZREVRANGE", "z", "0", "7"),
      List.of("ZRANGEBYLEX", "zs", "-", "+"), List.of("ZLEXCOUNT", "z", "-", "+"),
      List.of("ZRANK", "z", "m7"), List.of("ZREVRANK", "z", "m7"), List.of("ZSCORE", "z", "m250"),
      List.of("ZMSCORE", "z", "m1", "nope", "m299"), List.of("ZCARD", "z"), List.of("ZCOUNT", "z", "5", "50"),
      List.of("ZSCAN", "z", "0", "COUNT", "1000"), List.of("ZUNION", "2", "z", "zs", "WITHSCORES"),
      List.of("ZINTER", "2", "z", "zs"), List.of("ZDIFF", "2", "z", "zs"), List.of("ZINTERCARD", "2", "z", "zs"),
      List.of("ZRANGE", "zs", "0", "-1", "WITHSCORES"), List.of("ZRANK", "zs", "m4"), List.of("ZSCORE", "zs", "m4"),
      List.of("SMEMBERS", "s"), List.of("SISMEMBER", "s", "m5"), List.of("SMISMEMBER", "s", "m5", "x"),
      List.of("SCARD", "s"), List.of("SSCAN", "s", "0", "COUNT", "1000"), List.of("SINTER", "s", "sl"),
      List.of("SUNION", "si", "sl"), List.of("SDIFF", "sl", "s"), List.of("SINTERCARD", "2", "s", "sl"),
      List.of("SMEMBERS", "si"), List.of("SISMEMBER", "si", "3"), List.of("SMEMBERS", "sl"),
      List.of("HGET", "h", "f5"), List.of("HMGET", "h", "f5", "nope", "f7"), List.of("HGETALL", "h"),
      List.of("HKEYS", "h"), List.of("HVALS", "h"), List.of("HLEN", "h"), List.of("HEXISTS", "h", "f9"),
      List.of("HSTRLEN", "h", "f10"), List.of("HSCAN", "h", "0", "COUNT", "1000"), List.of("HGETALL", "hl"),
      List.of("HGET", "hl", "f1"), List.of("LRANGE", "l", "0", "-1"), List.of("LRANGE", "l", "5", "10"),
      List.of("LINDEX", "l", "7"), List.of("LLEN", "l"), List.of("LPOS", "l", "e7"));

  /** Read-only commands of any reply: random members, idle times, whole-key commands. */
  private static List<List<String>> otherReads() {
    List<List<String>> reads = new ArrayList<>(List.of(
        List.of("ZRANDMEMBER", "z"), List.of("ZRANDMEMBER", "z", "-5", "WITHSCORES"),
        List.of("ZRANDMEMBER", "zs", "3"), List.of("SRANDMEMBER", "s"), List.of("SRANDMEMBER", "s", "-5"),
        List.of("SRANDMEMBER", "si", "2"), List.of("HRANDFIELD", "h"), List.of("HRANDFIELD", "h", "3", "WITHVALUES"),
        List.of("HRANDFIELD", "hl", "-2")));
    for (String key : KEYS) {
      for (String command : List.of("TYPE", "EXISTS", "TTL", "PTTL", "DUMP", "TOUCH")) {
        reads.add(List.of(command, key));
      }
      reads.add(List.of("OBJECT", "ENCODING", key));
      reads.add(List.of("OBJECT", "IDLETIME", key));
      reads.add(List.of("MEMORY", "USAGE", key));
    }
    return reads;
  }

  /** A reply as text, byte strings decoded. */
  static String text(Object reply) {
    if (reply instanceof byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    if (reply instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      for (Object item : list) {
        items.add(text(item));
      }
      return items.toString();
    }
    return String.valueOf(reply);
  }

  static String call(Jedis jedis, List<String> command) {
    return text(RawCommands.call(jedis, command.toArray(new String[0])));
  }

  /** The value stored at a key, looked at without copying it. */
  static Object stored(Keyspace keyspace, String key) {
    boolean before = CopyOnWrite.readOnly(true);
    try {
      return keyspace.db(0).peek(key.getBytes(StandardCharsets.UTF_8));
    } finally {
      CopyOnWrite.restore(before);
    }
  }

  static long copied(Jedis jedis) {
    String info = jedis.info("persistence");
    for (String line : info.split("\r\n")) {
      if (line.startsWith("snapshot_collections_copied:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1));
      }
    }
    throw new AssertionError("no snapshot_collections_copied in " + info);
  }

  /** Every key's value in the snapshot, as text, by key. */
  static Map<String, String> contents(Snapshot snapshot) {
    Map<String, String> seen = new TreeMap<>();
    for (Snapshot.Chunk chunk : snapshot.database(0)) {
      for (int i = 0; i < chunk.count; i++) {
        seen.put(new String(chunk.keys[i], StandardCharsets.UTF_8), SharedSnapshotTest.describe(chunk.values[i]));
      }
    }
    return seen;
  }

  @Test
  void readOnlyCommandsReadASharedCollectionWithoutCopyingIt() {
    try (TestServer server = TestServer.start("save", ""); Jedis jedis = server.jedis()) {
      fill(jedis, 300);
      Keyspace keyspace = server.server().keyspace();
      assertThat(RawCommands.call(jedis, "OBJECT", "ENCODING", "z")).isEqualTo("skiplist".getBytes(StandardCharsets.UTF_8));
      Map<String, String> expected = new LinkedHashMap<>();
      for (List<String> read : READS) {
        expected.put(String.join(" ", read), call(jedis, read));
      }
      Map<String, Object> before = new LinkedHashMap<>();
      for (String key : KEYS) {
        before.put(key, stored(keyspace, key));
      }

      Snapshot snapshot = Snapshot.share(keyspace, null);
      try {
        Map<String, String> atInstant = contents(snapshot);
        for (List<String> read : READS) {
          assertThat(call(jedis, read)).as(String.join(" ", read)).isEqualTo(expected.get(String.join(" ", read)));
        }
        for (List<String> read : otherReads()) {
          call(jedis, read);
        }
        // The same reads inside a transaction: EXEC is no read, but each command in it is.
        RawCommands.call(jedis, "MULTI");
        for (List<String> read : READS) {
          assertThat(call(jedis, read)).isEqualTo("QUEUED");
        }
        List<?> replies = (List<?>) RawCommands.call(jedis, "EXEC");
        for (int i = 0; i < READS.size(); i++) {
          assertThat(text(replies.get(i))).isEqualTo(expected.get(String.join(" ", READS.get(i))));
        }
        for (String key : KEYS) {
          assertThat(stored(keyspace, key)).as(key).isSameAs(before.get(key));
        }
        assertThat(copied(jedis)).isZero();

        // A write after the reads still copies, once, and the snapshot keeps its instant.
        jedis.zadd("z", -1, "new");
        assertThat(stored(keyspace, "z")).isNotSameAs(before.get("z"));
        RawCommands.call(jedis, "MULTI");
        RawCommands.call(jedis, "ZRANGE", "z", "0", "0");
        RawCommands.call(jedis, "HSET", "h", "f5", "changed");
        RawCommands.call(jedis, "LRANGE", "l", "0", "0");
        assertThat(((List<?>) RawCommands.call(jedis, "EXEC"))).hasSize(3);
        assertThat(stored(keyspace, "h")).isNotSameAs(before.get("h"));
        assertThat(stored(keyspace, "l")).isSameAs(before.get("l"));
        jedis.lpop("l");
        jedis.spop("si");
        assertThat(copied(jedis)).isEqualTo(4);
        assertThat(jedis.zrange("z", 0, 1)).containsExactly("new", "m0");
        assertThat(jedis.hget("h", "f5")).isEqualTo("changed");
        assertThat(jedis.lindex("l", 0)).isEqualTo("e1");
        assertThat(jedis.scard("si")).isEqualTo(4);
        assertThat(contents(snapshot)).isEqualTo(atInstant);
        assertThat(stored(keyspace, "s")).isSameAs(before.get("s"));
      } finally {
        snapshot.release();
      }
    }
  }

  /**
   * Reads of a shared collection that its snapshot has not handed back yet do not copy it; a
   * write to one the snapshot's writer has written out (handed back) does not either, while a
   * write to one it has not reached yet does. The writer runs for real (RdbWriter) and is held
   * in its first write to the output, after the small collection of database 0 and while it is
   * on database 1's large one.
   */
  @Test
  void aCollectionTheWriterHasWrittenOutIsNoLongerCopied() throws Exception {
    try (TestServer server = TestServer.start("save", ""); Jedis jedis = server.jedis()) {
      Keyspace keyspace = server.server().keyspace();
      jedis.zadd("done", 1, "a");
      jedis.zadd("done", 2, "b");
      jedis.select(1);
      Pipeline pipeline = jedis.pipelined();
      for (int i = 0; i < 5000; i++) {
        pipeline.zadd("big", i, "member-" + i + "-" + Long.toHexString(i * 0x9E3779B97F4A7C15L));
      }
      pipeline.sync();
      jedis.select(2);
      jedis.hset("later", "f", "v");
      jedis.select(0);
      Object done = stored(keyspace, "done");

      Snapshot snapshot = Snapshot.share(keyspace, null);
      CountDownLatch blocked = new CountDownLatch(1);
      CountDownLatch go = new CountDownLatch(1);
      ByteArrayOutputStream rdb = new ByteArrayOutputStream();
      OutputStream held = new OutputStream() {
        private boolean first = true;

        @Override
        public void write(int b) {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
          if (first) {
            first = false;
            blocked.countDown();
            try {
              go.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          rdb.write(bytes, offset, length);
        }
      };
      Thread writer = new Thread(() -> {
        try {
          RdbWriter.write(snapshot, held,
              server.server().module(Persistence.class).codecs(), false, 0, false);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          snapshot.release();
        }
      });
      writer.start();
      try {
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
        jedis.zadd("done", 3, "c");
        assertThat(stored(keyspace, "done")).isSameAs(done);
        assertThat(copied(jedis)).isZero();
        jedis.select(2);
        jedis.hset("later", "g", "w");
        assertThat(copied(jedis)).isEqualTo(1);
        jedis.select(0);
      } finally {
        go.countDown();
        writer.join(20_000);
      }
      assertThat(writer.isAlive()).isFalse();
      assertThat(keyspace.sharing()).isFalse();

      // The file holds the instant: without the write made after "done" was written out.
      Path loadDir = Files.createTempDirectory("shared-reads");
      Files.write(loadDir.resolve("dump.rdb"), rdb.toByteArray());
      try (TestServer loaded = TestServer.start("dir", loadDir.toString(), "save", ""); Jedis reloaded = loaded.jedis()) {
        assertThat(reloaded.zrangeWithScores("done", 0, -1).toString()).isEqualTo(jedis.zrangeWithScores("done", 0, 1).toString());
        assertThat(reloaded.zcard("done")).isEqualTo(2);
        reloaded.select(1);
        assertThat(reloaded.zcard("big")).isEqualTo(5000);
        reloaded.select(2);
        assertThat(reloaded.hgetAll("later")).isEqualTo(Map.of("f", "v"));
      }
    }
  }
}
