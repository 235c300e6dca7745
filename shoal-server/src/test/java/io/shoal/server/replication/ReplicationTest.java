package io.shoal.server.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shoal.server.testing.RealRedis;
import io.shoal.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

class ReplicationTest {

  static Map<String, String> info(Jedis jedis, String section) {
    Map<String, String> fields = new HashMap<>();
    for (String line : jedis.info(section).split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#")) {
        fields.put(line.substring(0, colon), line.substring(colon + 1));
      }
    }
    return fields;
  }

  /** Polls (bounded) until the replica's applied offset equals the master's and its link is up. */
  static void awaitInSync(Jedis master, Jedis replica) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    String last = "";
    while (System.nanoTime() < deadline) {
      Map<String, String> m = info(master, "replication");
      Map<String, String> r = info(replica, "replication");
      last = "master " + m + " replica " + r;
      if ("up".equals(r.get("master_link_status"))
          && m.get("master_repl_offset").equals(r.get("slave_repl_offset"))
          && m.get("master_replid").equals(r.get("master_replid"))) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("replica never caught up: " + last);
  }

  static void fill(Jedis jedis, String prefix) {
    jedis.set(prefix + "str", "hello");
    jedis.set(prefix + "int", "12345");
    jedis.setex(prefix + "ttl", 1000, "expiring");
    jedis.rpush(prefix + "list", "a", "b", "c");
    jedis.sadd(prefix + "set", "x", "y", "z");
    jedis.sadd(prefix + "intset", "1", "2", "3");
    jedis.hset(prefix + "hash", Map.of("f1", "v1", "f2", "v2"));
    jedis.zadd(prefix + "zset", Map.of("m1", 1.0, "m2", 2.5));
    jedis.pfadd(prefix + "hll", "a", "b", "c");
    jedis.pexpire(prefix + "hash", 500_000);
    jedis.select(3);
    jedis.set(prefix + "db3", "in three");
    jedis.select(0);
    for (int i = 0; i < 300; i++) {
      jedis.set(prefix + "k" + i, "v" + i);
    }
  }

  /** Every key of every database equal: type, DUMP payload, and TTL within a second. */
  static void assertSameData(Jedis master, Jedis replica) {
    assertSameData(master, replica, true);
  }

  /** What a key holds, read with its type's commands (DUMP encodings differ between Redis and Shoal). */
  static Object contents(Jedis jedis, String key) {
    switch (jedis.type(key)) {
      case "string": return jedis.get(key);
      case "list": return jedis.lrange(key, 0, -1);
      case "set": return new TreeSet<>(jedis.smembers(key));
      case "hash": return new java.util.TreeMap<>(jedis.hgetAll(key));
      case "zset": return jedis.zrangeWithScores(key, 0, -1).toString();
      default: return jedis.type(key);
    }
  }

  static void assertSameData(Jedis master, Jedis replica, boolean sameDump) {
    for (int db : new int[] {0, 3}) {
      master.select(db);
      replica.select(db);
      TreeSet<String> keys = new TreeSet<>(master.keys("*"));
      assertEquals(keys, new TreeSet<>(replica.keys("*")), "keys of db " + db);
      for (String key : keys) {
        assertEquals(master.type(key), replica.type(key), key);
        assertEquals(contents(master, key), contents(replica, key), key);
        if (sameDump) {
          assertArrayEquals(master.dump(key), replica.dump(key), key);
        }
        long masterTtl = master.pttl(key);
        long replicaTtl = replica.pttl(key);
        assertTrue(Math.abs(masterTtl - replicaTtl) < 1000, key + " ttl " + masterTtl + " vs " + replicaTtl);
      }
    }
    master.select(0);
    replica.select(0);
  }

  static void writeConcurrently(int port, int clients, int each, String prefix) throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < clients; t++) {
      int id = t;
      Thread thread = new Thread(() -> {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
          for (int i = 0; i < each; i++) {
            jedis.set(prefix + id + ":" + i, "v" + i);
            jedis.incr(prefix + "counter");
            jedis.rpush(prefix + "list" + id, Integer.toString(i));
            jedis.hincrBy(prefix + "h", "f" + (i % 7), 1);
            if (i % 10 == 0) {
              jedis.del(prefix + id + ":" + (i / 2));
              jedis.expire(prefix + id + ":" + i, 3600);
            }
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }

  @Test
  void fullSyncThenStreamingUnderConcurrentWrites() throws Exception {
    try (TestServer master = TestServer.start(); TestServer replica = TestServer.start();
        Jedis m = master.jedis(); Jedis r = replica.jedis()) {
      fill(m, "pre:");
      r.set("stale", "goes away");
      assertEquals("OK", r.replicaof("127.0.0.1", master.port()));
      awaitInSync(m, r);
      assertEquals(null, r.get("stale"));
      assertEquals("1", info(m, "stats").get("sync_full"));
      Thread writers = new Thread(() -> {
        try {
          writeConcurrently(master.port(), 4, 300, "w:");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      writers.start();
      fill(m, "during:");
      writers.join();
      awaitInSync(m, r);
      assertEquals("1200", r.get("w:counter"));
      assertSameData(m, r);
      Map<String, String> ri = info(r, "replication");
      assertEquals("slave", ri.get("role"));
      assertEquals("127.0.0.1", ri.get("master_host"));
      assertEquals(Integer.toString(master.port()), ri.get("master_port"));
      assertEquals("0", ri.get("master_sync_in_progress"));
      assertEquals("1", ri.get("slave_read_only"));
      assertEquals("100", ri.get("slave_priority"));
      Map<String, String> mi = info(m, "replication");
      assertEquals("master", mi.get("role"));
      assertEquals("1", mi.get("connected_slaves"));
      assertTrue(mi.get("slave0").startsWith("ip=127.0.0.1,port=" + replica.port() + ",state=online,offset="), mi.get("slave0"));
      assertEquals("1", mi.get("repl_backlog_active"));
      assertTrue(master.server().replication().replicas().get(0).online());
      assertTrue(replica.server().replication().isReplica());
      assertTrue(replica.server().replication().linkUp());
    }
  }

  @Test
  void aPausedReplicaHoldsTheStreamWithoutAcknowledgingItThenAppliesItInOrder() throws Exception {
    try (TestServer master = TestServer.start(); TestServer replica = TestServer.start();
        Jedis m = master.jedis(); Jedis r = replica.jedis()) {
      r.replicaof("127.0.0.1", master.port());
      awaitInSync(m, r);
      r.clientPause(60_000, redis.clients.jedis.args.ClientPauseMode.WRITE);
      m.set("paused", "1");
      m.incr("counter");
      m.set("paused", "2");
      assertEquals(0L, m.waitReplicas(1, 300), "a parked write is not acknowledged");
      try (Jedis other = replica.jedis()) {
        assertNull(other.get("paused"), "nothing applied while paused");
      }
      r.clientUnpause();
      awaitInSync(m, r);
      assertEquals("2", r.get("paused"));
      assertEquals("1", r.get("counter"));
      assertEquals(1L, m.waitReplicas(1, 5000));
    }
  }

  @Test
  void readOnlyReplicaRoleAndWait() throws Exception {
    try (TestServer master = TestServer.start(); TestServer replica = TestServer.start();
        Jedis m = master.jedis(); Jedis r = replica.jedis()) {
      m.set("a", "1");
      assertEquals(0L, m.waitReplicas(0, 100));
      long started = System.nanoTime();
      assertEquals(0L, m.waitReplicas(1, 200));
      assertTrue(System.nanoTime() - started >= 150_000_000L, "WAIT returned before its timeout");
      r.replicaof("127.0.0.1", master.port());
      awaitInSync(m, r);
      JedisDataException readOnly = assertThrows(JedisDataException.class, () -> r.set("x", "y"));
      assertEquals("READONLY You can't write against a read only replica.", readOnly.getMessage());
      m.set("b", "2");
      assertEquals(1L, m.waitReplicas(1, 5000));
      List<Object> masterRole = m.role();
      assertEquals("master", masterRole.get(0));
      List<?> replicas = (List<?>) masterRole.get(2);
      assertEquals(1, replicas.size());
      List<Object> replicaRole = r.role();
      assertEquals("slave", replicaRole.get(0));
      assertEquals("127.0.0.1", replicaRole.get(1));
      assertEquals((long) master.port(), replicaRole.get(2));
      assertEquals("connected", replicaRole.get(3));
      JedisDataException waitOnReplica = assertThrows(JedisDataException.class, () -> r.waitReplicas(1, 10));
      assertTrue(waitOnReplica.getMessage().startsWith("ERR WAIT cannot be used with replica instances"));
      m.configSet("min-replicas-to-write", "2");
      JedisDataException noReplicas = assertThrows(JedisDataException.class, () -> m.set("c", "3"));
      assertEquals("NOREPLICAS Not enough good replicas to write.", noReplicas.getMessage());
      m.configSet("min-replicas-to-write", "1");
      assertEquals("OK", m.set("c", "3"));
      // Reads of a key whose TTL passed see it missing on the replica too.
      m.psetex("short", 100, "v");
      awaitInSync(m, r);
      Thread.sleep(150);
      assertEquals(null, r.get("short"));
    }
  }

  @Test
  void partialResyncAfterLinkLossAndFullSyncWhenBacklogTooSmall() throws Exception {
    try (TestServer master = TestServer.start(); TestServer replica = TestServer.start();
        Jedis m = master.jedis(); Jedis r = replica.jedis()) {
      fill(m, "p:");
      r.replicaof("127.0.0.1", master.port());
      awaitInSync(m, r);
      Thread writers = new Thread(() -> {
        try {
          writeConcurrently(master.port(), 2, 400, "lost:");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      writers.start();
      Thread.sleep(30);
      assertEquals(1L, r.clientKill(new redis.clients.jedis.params.ClientKillParams().type(
          redis.clients.jedis.args.ClientType.MASTER)));
      writers.join();
      awaitInSync(m, r);
      assertSameData(m, r);
      assertEquals("1", info(m, "stats").get("sync_full"));
      assertTrue(Long.parseLong(info(m, "stats").get("sync_partial_ok")) >= 1);

      // Kill from the master side, then write more than the backlog holds: a full sync follows.
      m.configSet("repl-backlog-size", "16384");
      r.configSet("repl-timeout", "60");
      m.clientKill(new redis.clients.jedis.params.ClientKillParams().type(redis.clients.jedis.args.ClientType.REPLICA));
      StringBuilder big = new StringBuilder();
      for (int i = 0; i < 1000; i++) {
        big.append("0123456789");
      }
      for (int i = 0; i < 40; i++) {
        m.set("big" + i, big.toString());
      }
      awaitInSync(m, r);
      assertSameData(m, r);
      assertEquals("2", info(m, "stats").get("sync_full"));
    }
  }

  @Test
  void promotionKeepsOldHistoryForItsReplicasAndChainsStayEqual() throws Exception {
    try (TestServer master = TestServer.start(); TestServer replica = TestServer.start();
        TestServer sub = TestServer.start();
        Jedis m = master.jedis(); Jedis r = replica.jedis(); Jedis s = sub.jedis()) {
      fill(m, "c:");
      r.replicaof("127.0.0.1", master.port());
      awaitInSync(m, r);
      s.replicaof("127.0.0.1", replica.port());
      awaitInSync(m, s);
      writeConcurrently(master.port(), 3, 200, "chain:");
      fill(m, "more:");
      awaitInSync(m, r);
      awaitInSync(m, s);
      assertSameData(m, s);
      assertEquals(info(m, "replication").get("master_repl_offset"), info(s, "replication").get("master_repl_offset"));

      // Promote the middle node: a new history, the old one kept up to its offset.
      String oldReplid = info(r, "replication").get("master_replid");
      long offset = Long.parseLong(info(r, "replication").get("master_repl_offset"));
      long partialBefore = Long.parseLong(info(r, "stats").get("sync_partial_ok"));
      assertEquals("OK", r.replicaofNoOne());
      Map<String, String> promoted = info(r, "replication");
      assertEquals("master", promoted.get("role"));
      assertNotEquals(oldReplid, promoted.get("master_replid"));
      assertEquals(oldReplid, promoted.get("master_replid2"));
      assertEquals(Long.toString(offset + 1), promoted.get("second_repl_offset"));
      r.set("after-promotion", "yes");
      awaitInSync(r, s);
      assertEquals("yes", s.get("after-promotion"));
      assertEquals(promoted.get("master_replid"), info(s, "replication").get("master_replid"));
      assertTrue(Long.parseLong(info(r, "stats").get("sync_partial_ok")) > partialBefore, "sub-replica continued partially");
      assertEquals("1", info(r, "stats").get("sync_full"), "only the first sync of the sub-replica was full");
      // The old master's history forked: it never continues from the promoted node... but a full sync works.
      m.replicaof("127.0.0.1", replica.port());
      awaitInSync(r, m);
      assertEquals("yes", m.get("after-promotion"));
      assertSameData(r, m);
    }
  }

  @Test
  void replicaofIsRefusedInClusterMode() {
    try (TestServer node = TestServer.start("cluster-enabled", "yes"); Jedis jedis = node.jedis()) {
      JedisDataException error = assertThrows(JedisDataException.class, () -> jedis.replicaof("127.0.0.1", 1));
      assertEquals("ERR REPLICAOF not allowed in cluster mode.", error.getMessage());
    }
  }

  @Test
  void realRedisReplicatesFromShoal() throws Exception {
    if (!RealRedis.available()) {
      return;
    }
    Path dir = Files.createTempDirectory("repl-redis");
    try (TestServer master = TestServer.start(); Jedis m = master.jedis();
        RealRedis redis = RealRedis.start(dir, "dump.rdb"); Jedis r = redis.jedis()) {
      fill(m, "pre:");
      r.replicaof("127.0.0.1", master.port());
      awaitInSync(m, r);
      writeConcurrently(master.port(), 3, 200, "w:");
      fill(m, "during:");
      awaitInSync(m, r);
      assertSameData(m, r, false);
      m.set("for-wait", "1");
      assertEquals(1L, m.waitReplicas(1, 5000));
    }
  }

  @Test
  void shoalReplicatesFromRealRedis() throws Exception {
    if (!RealRedis.available()) {
      return;
    }
    Path dir = Files.createTempDirectory("repl-redis-master");
    try (RealRedis redis = RealRedis.start(dir, "dump.rdb"); Jedis m = redis.jedis();
        TestServer replica = TestServer.start(); Jedis r = replica.jedis()) {
      fill(m, "pre:");
      r.replicaof("127.0.0.1", redis.port());
      awaitInSync(m, r);
      writeConcurrently(redis.port(), 3, 200, "w:");
      fill(m, "during:");
      awaitInSync(m, r);
      assertSameData(m, r, false);
    }
  }
}
