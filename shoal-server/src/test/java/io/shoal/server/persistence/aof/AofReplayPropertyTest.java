package io.shoal.server.persistence.aof;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.ShoalServer;
import io.shoal.server.testing.RealRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The write stream replays to the same data: random sequences of writes, many of them commands
 * whose effect their arguments do not determine (SPOP, INCRBYFLOAT, relative expiry, pops that
 * pick their key, blocking pops served by a later push, transactions, keys expiring), run against
 * a node with {@code appendonly yes}; the node restarted from its AOF, and a Debian redis-server
 * loading the same file, must hold exactly what the node held, key by key, TTLs included.
 */
class AofReplayPropertyTest {
  private static final int OPERATIONS = 1200;
  /** Keys that expire sooner than this may be gone by the time the log is replayed. */
  private static final long STABLE_TTL_MILLIS = 60_000;
  private static final String[] ANY_KEY = {"s0", "s1", "s2", "f0", "f1", "h0", "h1", "t0", "t1", "t2", "l0", "l1", "l2",
      "z0", "z1", "z2", "tmp0", "tmp1"};

  static ShoalServer start(Path dir) throws InterruptedException {
    return AppendOnlyFileTest.start(dir, "appendfsync", "always");
  }

  @Test
  void restartFromTheAofRestoresTheSameKeyspace(@TempDir Path dir) throws Exception {
    for (long seed : new long[] {1, 2, 3}) {
      Path nodeDir = Files.createDirectories(dir.resolve("seed-" + seed));
      replayMatches(seed, nodeDir);
    }
  }

  private void replayMatches(long seed, Path dir) throws Exception {
    ShoalServer server = start(dir);
    KeyspaceImage before;
    long stableAfter;
    try (Jedis jedis = jedis(server); Jedis blocked = jedis(server)) {
      Workload workload = new Workload(new Random(seed), jedis, blocked, server);
      for (int i = 0; i < OPERATIONS; i++) {
        workload.step();
      }
      // Let the short-lived keys expire, then read them (lazy expiry) so their DELs are logged.
      Thread.sleep(150);
      for (int db = 0; db < 2; db++) {
        jedis.select(db);
        for (String key : ANY_KEY) {
          jedis.exists(key);
        }
      }
      before = KeyspaceImage.read(jedis, 0, 1);
      stableAfter = System.currentTimeMillis() + STABLE_TTL_MILLIS;
    } finally {
      server.stop();
    }
    String log = Files.readString(dir.resolve("appendonly.aof"), StandardCharsets.ISO_8859_1);
    for (String nondeterministic : List.of("SPOP", "INCRBYFLOAT", "HINCRBYFLOAT", "SETEX", "PSETEX", "GETEX", "GETDEL",
        "EXPIRE", "LMPOP", "ZMPOP", "BLPOP", "BRPOP", "BLMOVE", "BLMPOP", "BZPOPMIN", "BZPOPMAX", "BZMPOP")) {
      assertThat(log).as("seed %d: %s is never logged as sent", seed, nondeterministic)
          .doesNotContain("\r\n" + nondeterministic + "\r\n");
    }
    assertThat(log).as("seed %d: transactions are logged as such", seed).contains("\r\nMULTI\r\n").contains("\r\nEXEC\r\n");
    KeyspaceImage expected = before.withoutKeysExpiringBefore(stableAfter);
    assertThat(expected.entries()).as("seed %d leaves data to compare", seed).hasSizeGreaterThan(10);

    ShoalServer restarted = start(dir);
    try (Jedis jedis = jedis(restarted)) {
      assertThat(KeyspaceImage.read(jedis, 0, 1).withoutKeysExpiringBefore(stableAfter).entries())
          .as("seed %d: keyspace after restart from the AOF", seed).isEqualTo(expected.entries());
    } finally {
      restarted.stop();
    }

    if (RealRedis.available()) {
      Path redisDir = Files.createDirectories(dir.resolve("redis"));
      Files.copy(dir.resolve("appendonly.aof"), redisDir.resolve("appendonly.aof"));
      try (RealRedis redis = RealRedis.start(redisDir, "dump.rdb", "--appendonly", "yes",
          "--appendfilename", "appendonly.aof"); Jedis jedis = redis.jedis()) {
        assertThat(KeyspaceImage.read(jedis, 0, 1).withoutKeysExpiringBefore(stableAfter).entries())
            .as("seed %d: keyspace of redis-server loading Shoal's AOF", seed).isEqualTo(expected.entries());
      }
    }
  }

  private static Jedis jedis(ShoalServer server) {
    return new Jedis("127.0.0.1", server.port(), 10_000);
  }

  /** One client's random writes, plus a second client for pops that block until a later push. */
  private static final class Workload {
    private final Random random;
    private final Jedis jedis;
    private final Jedis blocked;
    private final ShoalServer server;
    private int db;
    private int waits;

    Workload(Random random, Jedis jedis, Jedis blocked, ShoalServer server) {
      this.random = random;
      this.jedis = jedis;
      this.blocked = blocked;
      this.server = server;
    }

    void step() throws Exception {
      int choice = random.nextInt(100);
      if (choice < 3) {
        db = random.nextInt(2);
        jedis.select(db);
      } else if (choice < 10) {
        transaction();
      } else if (choice < 14) {
        servedLater();
      } else if (choice < 18) {
        restore();
      } else {
        send(write());
      }
    }

    private void transaction() {
      jedis.sendCommand(command("MULTI"));
      int count = 2 + random.nextInt(3);
      for (int i = 0; i < count; i++) {
        String[] write = write();
        jedis.sendCommand(command(write[0]), java.util.Arrays.copyOfRange(write, 1, write.length));
      }
      jedis.sendCommand(command("EXEC"));
    }

    /** A pop that blocks on an empty key of its own and is served by a push from the other client. */
    private void servedLater() throws Exception {
      String key = "w" + (waits++);
      int kind = random.nextInt(6);
      blocked.select(db);
      String[] pop = switch (kind) {
        case 0 -> new String[] {"BLPOP", key, "0"};
        case 1 -> new String[] {"BRPOP", "nothing", key, "0"};
        case 2 -> new String[] {"BLMOVE", key, "l" + random.nextInt(3), "LEFT", random.nextBoolean() ? "LEFT" : "RIGHT", "0"};
        case 3 -> new String[] {"BLMPOP", "0", "2", "nothing", key, "RIGHT", "COUNT", "2"};
        case 4 -> new String[] {"BZPOPMIN", key, "0"};
        default -> new String[] {"BZMPOP", "0", "1", key, "MAX", "COUNT", "2"};
      };
      CompletableFuture<Object> served = CompletableFuture.supplyAsync(
          () -> blocked.sendCommand(command(pop[0]), java.util.Arrays.copyOfRange(pop, 1, pop.length)));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (server.clients().all().stream().noneMatch(c -> c.blocked())) {
        assertThat(System.nanoTime()).as("the pop blocks").isLessThan(deadline);
        Thread.sleep(1);
      }
      if (kind >= 4) {
        jedis.zadd(key, random.nextInt(10), "a");
        jedis.zadd(key, random.nextInt(10), "b");
        jedis.zadd(key, random.nextInt(10), "c");
      } else {
        jedis.rpush(key, "a", "b", "c");
      }
      try {
        assertThat(served.get(20, TimeUnit.SECONDS)).isNotNull();
      } catch (java.util.concurrent.ExecutionException e) {
        // BLMOVE into a key RESTORE made another type ends with WRONGTYPE, having moved nothing.
        assertThat(e.getCause()).isInstanceOf(JedisDataException.class).hasMessageContaining("WRONGTYPE");
      }
    }

    private void restore() {
      byte[] payload = jedis.dump(pick(ANY_KEY));
      if (payload == null) {
        return;
      }
      String target = pick(ANY_KEY);
      List<byte[]> args = new ArrayList<>(List.of(bytes(target)));
      boolean absolute = random.nextInt(3) == 0;
      long ttl = switch (random.nextInt(3)) {
        case 0 -> 0;
        case 1 -> absolute ? System.currentTimeMillis() + 200_000 : 200_000 + random.nextInt(1000);
        default -> absolute ? System.currentTimeMillis() - 1000 : 5 + random.nextInt(20);
      };
      args.add(bytes(Long.toString(ttl)));
      args.add(payload);
      args.add(bytes("REPLACE"));
      if (absolute) {
        args.add(bytes("ABSTTL"));
      }
      jedis.sendCommand(command("RESTORE"), args.toArray(new byte[0][]));
    }

    private void send(String[] write) {
      try {
        jedis.sendCommand(command(write[0]), java.util.Arrays.copyOfRange(write, 1, write.length));
      } catch (JedisDataException expected) {
        // WRONGTYPE and the like: errors are part of the workload, they change nothing.
      }
    }

    private String[] write() {
      String s = pick("s0", "s1", "s2", "tmp0");
      String h = pick("h0", "h1");
      String t = pick("t0", "t1", "t2");
      String l = pick("l0", "l1", "l2");
      String z = pick("z0", "z1", "z2");
      long now = System.currentTimeMillis();
      return switch (random.nextInt(26)) {
        case 0 -> set(s);
        case 1 -> set(s);
        case 2 -> new String[] {random.nextBoolean() ? "SETEX" : "PSETEX", s, Long.toString(100_000 + random.nextInt(100_000)), value()};
        case 3 -> new String[] {"INCRBYFLOAT", pick("f0", "f1"), Double.toString((random.nextInt(2000) - 1000) / 7.0)};
        case 4 -> new String[] {"HINCRBYFLOAT", h, pick("a", "b", "n"), Double.toString((random.nextInt(2000) - 1000) / 3.0)};
        case 5 -> new String[] {"HSET", h, pick("a", "b", "c"), value()};
        case 6 -> new String[] {"SADD", t, value(), value(), value(), value()};
        case 7 -> new String[] {"SPOP", t};
        case 8 -> new String[] {"SPOP", t, Integer.toString(random.nextInt(4))};
        case 9, 10 -> expire();
        case 11 -> getex(s);
        case 12 -> new String[] {"GETDEL", s};
        case 13 -> new String[] {"RPUSH", l, value(), value(), value()};
        case 14 -> new String[] {"LMPOP", "2", l, pick("l0", "l1", "l2"), pick("LEFT", "RIGHT"), "COUNT", Integer.toString(1 + random.nextInt(3))};
        case 15 -> new String[] {"ZADD", z, Integer.toString(random.nextInt(20)), value()};
        case 16 -> new String[] {"ZMPOP", "2", z, pick("z0", "z1", "z2"), pick("MIN", "MAX"), "COUNT", Integer.toString(1 + random.nextInt(3))};
        case 17 -> new String[] {pick("BLPOP", "BRPOP"), l, pick("l0", "l1", "l2"), "0.01"};
        case 18 -> new String[] {"BLMOVE", l, pick("l0", "l1", "l2"), pick("LEFT", "RIGHT"), pick("LEFT", "RIGHT"), "0.01"};
        case 19 -> new String[] {pick("BZPOPMIN", "BZPOPMAX"), z, pick("z0", "z1", "z2"), "0.01"};
        case 20 -> new String[] {"BZMPOP", "0.01", "1", z, pick("MIN", "MAX"), "COUNT", "2"};
        case 21 -> new String[] {"BLMPOP", "0.01", "1", l, pick("LEFT", "RIGHT"), "COUNT", "2"};
        case 22 -> new String[] {"SET", pick("tmp0", "tmp1"), value(), "PX", Integer.toString(1 + random.nextInt(30))};
        case 23 -> new String[] {"DEL", pick(ANY_KEY)};
        case 24 -> new String[] {"SET", pick("f0", "f1"), Integer.toString(random.nextInt(100)), "EX", "100000"};
        default -> new String[] {"SET", s, value(), "PXAT", Long.toString(now + 150_000)};
      };
    }

    private String[] set(String key) {
      List<String> args = new ArrayList<>(List.of("SET", key, value()));
      long now = System.currentTimeMillis();
      switch (random.nextInt(7)) {
        case 0 -> args.addAll(List.of("EX", Integer.toString(100 + random.nextInt(1000))));
        case 1 -> args.addAll(List.of("PX", Integer.toString(100_000 + random.nextInt(100_000))));
        case 2 -> args.addAll(List.of("EXAT", Long.toString(now / 1000 + 100 + random.nextInt(1000))));
        case 3 -> args.addAll(List.of("PXAT", Long.toString(now + 100_000 + random.nextInt(100_000))));
        case 4 -> args.add("KEEPTTL");
        default -> { }
      }
      if (random.nextInt(3) == 0) {
        args.add("GET");
      }
      if (random.nextInt(4) == 0) {
        args.add(pick("NX", "XX"));
      }
      return args.toArray(new String[0]);
    }

    private String[] expire() {
      String key = pick(ANY_KEY);
      long now = System.currentTimeMillis();
      boolean past = random.nextInt(4) == 0;
      String[] command = switch (random.nextInt(4)) {
        case 0 -> new String[] {"EXPIRE", key, past ? "-" + random.nextInt(5) : Integer.toString(100 + random.nextInt(1000))};
        case 1 -> new String[] {"PEXPIRE", key, past ? "0" : Integer.toString(100_000 + random.nextInt(100_000))};
        case 2 -> new String[] {"EXPIREAT", key, Long.toString(now / 1000 + (past ? -10 : 100 + random.nextInt(1000)))};
        default -> new String[] {"PEXPIREAT", key, Long.toString(now + (past ? -10 : 100_000 + random.nextInt(100_000)))};
      };
      if (random.nextInt(3) == 0) {
        command = java.util.Arrays.copyOf(command, 4);
        command[3] = pick("NX", "XX", "GT", "LT");
      }
      return command;
    }

    private String[] getex(String key) {
      long now = System.currentTimeMillis();
      return switch (random.nextInt(6)) {
        case 0 -> new String[] {"GETEX", key, "EX", Integer.toString(100 + random.nextInt(1000))};
        case 1 -> new String[] {"GETEX", key, "PX", Integer.toString(100_000 + random.nextInt(100_000))};
        case 2 -> new String[] {"GETEX", key, "EXAT", Long.toString(now / 1000 + 100 + random.nextInt(1000))};
        case 3 -> new String[] {"GETEX", key, "PXAT", Long.toString(now - 5)};
        case 4 -> new String[] {"GETEX", key, "PERSIST"};
        default -> new String[] {"GETEX", key};
      };
    }

    private String value() {
      return "v" + random.nextInt(12);
    }

    private String pick(String... options) {
      return options[random.nextInt(options.length)];
    }
  }

  static ProtocolCommand command(String name) {
    byte[] raw = name.getBytes(StandardCharsets.US_ASCII);
    return () -> raw;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
