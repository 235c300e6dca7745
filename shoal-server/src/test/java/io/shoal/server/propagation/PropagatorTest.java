package io.shoal.server.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

/**
 * What leaves the node for each kind of write: a recording sink on the write stream sees exactly
 * the commands a replica or the AOF would replay.
 */
class PropagatorTest {
  private TestServer node;
  private Jedis jedis;
  private final List<String> stream = new ArrayList<>();

  @BeforeEach
  void start() {
    node = TestServer.start("save", "");
    node.server().propagator().addSink((origin, db, args) -> {
      StringBuilder line = new StringBuilder();
      for (byte[] arg : args) {
        line.append(line.length() == 0 ? "" : " ").append(new String(arg, StandardCharsets.UTF_8));
      }
      synchronized (stream) {
        stream.add(line.toString());
      }
    });
    jedis = node.jedis();
  }

  @AfterEach
  void stop() {
    jedis.close();
    node.close();
  }

  private List<String> drain() {
    synchronized (stream) {
      List<String> copy = new ArrayList<>(stream);
      stream.clear();
      return copy;
    }
  }

  @Test
  void plainWritesPropagateVerbatim() {
    jedis.set("a", "1");
    jedis.incr("a");
    jedis.sadd("s", "x");
    assertThat(drain()).containsExactly("SET a 1", "INCR a", "SADD s x");
  }

  @Test
  void spopPropagatesTheRemovalOfWhatItDrew() {
    jedis.sadd("s", "a", "b", "c", "d", "e");
    drain();
    String one = jedis.spop("s");
    assertThat(drain()).containsExactly("SREM s " + one);
    Set<String> two = jedis.spop("s", 2);
    List<String> removal = drain();
    assertThat(removal).hasSize(1);
    assertThat(removal.get(0)).startsWith("SREM s ");
    assertThat(new TreeSet<>(List.of(removal.get(0).substring("SREM s ".length()).split(" ")))).isEqualTo(new TreeSet<>(two));
    jedis.spop("s", 10);
    assertThat(drain()).containsExactly("DEL s");
    jedis.spop("s");
    jedis.spop("s", 3);
    assertThat(drain()).as("popping from nothing changes nothing").isEmpty();
  }

  @Test
  void floatIncrementsPropagateTheirResult() {
    jedis.set("f", "10.5", SetParams.setParams().ex(1000));
    drain();
    String result = jedis.sendCommand(() -> "INCRBYFLOAT".getBytes(), "f", "0.1").toString();
    assertThat(drain()).containsExactly("SET f " + new String(jedis.get("f")) + " KEEPTTL");
    assertThat(jedis.get("f")).isEqualTo("10.6");
    jedis.hincrByFloat("h", "n", 1.5);
    jedis.hincrByFloat("h", "n", 1.25);
    assertThat(drain()).containsExactly("HSET h n 1.5", "HSET h n 2.75");
    assertThat(result).isNotNull();
  }

  @Test
  void relativeTimesPropagateAsAbsoluteOnes() {
    jedis.set("k", "v", SetParams.setParams().ex(100));
    long at = jedis.pexpireTime("k");
    jedis.setex("k2", 100, "v");
    long at2 = jedis.pexpireTime("k2");
    jedis.psetex("k3", 100_000, "v");
    long at3 = jedis.pexpireTime("k3");
    jedis.expire("k3", 500);
    long at4 = jedis.pexpireTime("k3");
    jedis.pexpireAt("k3", at4);
    assertThat(drain()).containsExactly("SET k v PXAT " + at, "SET k2 v PXAT " + at2, "SET k3 v PXAT " + at3,
        "PEXPIREAT k3 " + at4, "PEXPIREAT k3 " + at4);
    jedis.setGet("k", "w", SetParams.setParams().keepTtl());
    assertThat(drain()).containsExactly("SET k w KEEPTTL GET");
  }

  @Test
  void expiryInThePastAndGetVariantsPropagateWhatTheyDid() {
    jedis.set("a", "1");
    jedis.set("b", "2");
    jedis.set("c", "3");
    drain();
    jedis.expire("a", -1);
    jedis.expire("missing", 100);
    jedis.expire("b", 100, redis.clients.jedis.args.ExpiryOption.NX);
    long at = jedis.pexpireTime("b");
    jedis.expire("b", 100, redis.clients.jedis.args.ExpiryOption.NX);
    assertThat(drain()).containsExactly("DEL a", "PEXPIREAT b " + at);
    jedis.getEx("b", redis.clients.jedis.params.GetExParams.getExParams().persist());
    jedis.getEx("b", redis.clients.jedis.params.GetExParams.getExParams().persist());
    jedis.getEx("c", redis.clients.jedis.params.GetExParams.getExParams().px(100_000));
    long cAt = jedis.pexpireTime("c");
    jedis.getEx("c", redis.clients.jedis.params.GetExParams.getExParams().pxAt(1));
    jedis.getDel("b");
    jedis.getDel("b");
    assertThat(drain()).containsExactly("PERSIST b", "PEXPIREAT c " + cAt, "DEL c", "DEL b");
  }

  @Test
  void restoreWithARelativeTtlPropagatesTheAbsoluteTime() {
    jedis.set("src", "payload");
    byte[] dump = jedis.dump("src");
    drain();
    jedis.restore("copy", 100_000, dump);
    long at = jedis.pexpireTime("copy");
    List<String> restored = drain();
    assertThat(restored).hasSize(1);
    assertThat(restored.get(0)).startsWith("RESTORE copy " + at + " ").endsWith(" ABSTTL");
  }

  @Test
  void popsThatChooseTheirKeyPropagateThePlainPop() {
    jedis.rpush("l", "a", "b", "c");
    jedis.zadd("z", 1, "one");
    jedis.zadd("z", 2, "two");
    jedis.zadd("z", 3, "three");
    drain();
    jedis.sendCommand(() -> "LMPOP".getBytes(), "2", "none", "l", "LEFT", "COUNT", "2");
    jedis.blpop(1, "none", "l");
    jedis.sendCommand(() -> "LMPOP".getBytes(), "1", "none", "LEFT");
    jedis.sendCommand(() -> "ZMPOP".getBytes(), "1", "z", "MAX", "COUNT", "5");
    assertThat(drain()).containsExactly("LPOP l 2", "LPOP l", "ZPOPMAX z 3");
    jedis.rpush("src", "x");
    drain();
    jedis.blmove("src", "dst", redis.clients.jedis.args.ListDirection.LEFT, redis.clients.jedis.args.ListDirection.RIGHT, 1);
    jedis.zadd("z", 1, "one");
    drain();
    jedis.bzpopmin(1, "z");
    assertThat(drain()).containsExactly("ZPOPMIN z");
  }

  @Test
  void blockedPopsServedLaterPropagateThePopAfterThePush() throws Exception {
    try (Jedis blocked = node.jedis()) {
      for (String[] pop : List.of(new String[] {"BLPOP", "q", "0"}, new String[] {"BLMOVE", "q", "d", "RIGHT", "LEFT", "0"},
          new String[] {"BLMPOP", "0", "1", "q", "RIGHT", "COUNT", "5"}, new String[] {"BZPOPMAX", "zq", "0"})) {
        CompletableFuture<Object> served = CompletableFuture.supplyAsync(
            () -> blocked.sendCommand(() -> pop[0].getBytes(), java.util.Arrays.copyOfRange(pop, 1, pop.length)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (node.server().clients().all().stream().noneMatch(c -> c.blocked())) {
          assertThat(System.nanoTime()).isLessThan(deadline);
          Thread.sleep(1);
        }
        if (pop[0].startsWith("BZ")) {
          jedis.zadd("zq", 5, "m");
        } else {
          jedis.rpush("q", "1", "2");
        }
        served.get(20, TimeUnit.SECONDS);
        jedis.del("q", "d", "zq");
      }
    }
    assertThat(drain()).containsExactly(
        "RPUSH q 1 2", "LPOP q", "DEL q d zq",
        "RPUSH q 1 2", "LMOVE q d RIGHT LEFT", "DEL q d zq",
        "RPUSH q 1 2", "RPOP q 2",
        "ZADD zq 5.0 m", "ZPOPMAX zq");
    // (The pops emptied q and zq there: a DEL that deletes nothing propagates nothing, as in Redis.)
  }

  @Test
  void transactionsPropagateAsOneMultiExecWhenTheyWroteMoreThanOnce() {
    redis.clients.jedis.Transaction multi = jedis.multi();
    multi.set("a", "1");
    multi.get("a");
    multi.sadd("s", "x", "y");
    multi.spop("s");
    multi.exec();
    List<String> written = drain();
    assertThat(written).hasSize(5);
    assertThat(written.subList(0, 3)).containsExactly("MULTI", "SET a 1", "SADD s x y");
    assertThat(written.get(3)).matches("SREM s [xy]");
    assertThat(written.get(4)).isEqualTo("EXEC");
    multi = jedis.multi();
    multi.incr("a");
    multi.get("a");
    multi.exec();
    assertThat(drain()).as("one write needs no wrapping").containsExactly("INCR a");
    multi = jedis.multi();
    multi.get("a");
    multi.exec();
    assertThat(drain()).as("a read-only transaction propagates nothing").isEmpty();
  }

  @Test
  void anExpiredKeyPropagatesDelBeforeTheCommandThatFoundItExpired() throws Exception {
    // Whether active expiry or the APPEND finds the key expired, its DEL comes first.
    jedis.set("k", "v", SetParams.setParams().px(1));
    Thread.sleep(5);
    jedis.append("k", "w");
    List<String> written = drain();
    assertThat(written).contains("DEL k");
    assertThat(written.indexOf("DEL k")).isLessThan(written.indexOf("APPEND k w"));
  }

  @Test
  void theAofOfAnSpopHoldsTheRemoval() throws Exception {
    try (TestServer aof = TestServer.start("save", "", "appendonly", "yes", "appendfsync", "always");
        Jedis client = aof.jedis()) {
      client.sadd("s", "only", "two");
      String popped = client.spop("s");
      String log = Files.readString(aof.dir().resolve("appendonly.aof"), StandardCharsets.ISO_8859_1);
      assertThat(log).contains("*3\r\n$4\r\nSREM\r\n$1\r\ns\r\n$" + popped.length() + "\r\n" + popped + "\r\n")
          .doesNotContain("SPOP");
    }
  }
}
