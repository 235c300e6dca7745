package io.shoal.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.server.slot.KeySlot;
import io.shoal.server.testing.RedisCli;
import io.shoal.server.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Six cluster-mode nodes in this JVM formed by the real {@code redis-cli --cluster create
 * --cluster-replicas 1}: three masters, three replicas with real replication, so these tests check
 * roles, topology and redirects, data flowing to the replicas, and durable mode's hold on replies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterReplicasTest {
  private static final int NODES = 6;
  private static final int PROXY_OFFSET = 1000;
  private final List<TestServer> nodes = new ArrayList<>();
  private int basePort;
  private String createOutput;

  @BeforeAll
  void createCluster() throws Exception {
    basePort = freeBasePort();
    List<String> args = new ArrayList<>(List.of("--cluster", "create"));
    for (int i = 0; i < NODES; i++) {
      TestServer node = TestServer.start("port", Integer.toString(basePort + i), "dir",
          Files.createTempDirectory("shoal-replicas").toString(), "cluster-enabled", "yes",
          "cluster-node-timeout", "3000", "cluster-proxy-port", Integer.toString(basePort + i + PROXY_OFFSET));
      nodes.add(node);
      args.add("127.0.0.1:" + (basePort + i));
    }
    args.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
    createOutput = RedisCli.run(basePort, args.toArray(String[]::new));
    assertThat(createOutput).contains("[OK] All 16384 slots covered.");
    awaitTrue("every node sees 3 masters with slots and 3 replicas", () -> {
      for (TestServer node : nodes) {
        List<String[]> lines = nodeLines(node);
        if (lines.size() != NODES || count(lines, "master") != 3 || count(lines, "slave") != 3
            || !node.jedis().clusterInfo().contains("cluster_state:ok")) {
          return false;
        }
      }
      return true;
    });
  }

  @AfterAll
  void stopAll() {
    nodes.forEach(TestServer::close);
  }

  private static int freeBasePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 30_000 + ThreadLocalRandom.current().nextInt(9_000);
      boolean free = true;
      for (int i = 0; i < NODES && free; i++) {
        free = isFree(base + i) && isFree(base + i + 10_000) && isFree(base + i + PROXY_OFFSET);
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no free ports");
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      socket.setReuseAddress(true);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  private static List<String[]> nodeLines(TestServer node) {
    List<String[]> lines = new ArrayList<>();
    try (Jedis jedis = node.jedis()) {
      for (String line : jedis.clusterNodes().split("\n")) {
        if (!line.isBlank()) {
          lines.add(line.trim().split(" "));
        }
      }
    }
    return lines;
  }

  private static long count(List<String[]> lines, String role) {
    return lines.stream().filter(fields -> List.of(fields[2].split(",")).contains(role)).count();
  }

  private static String myId(TestServer node) {
    return node.server().module(ClusterModule.class).state().myId().toHex();
  }

  /** Replica ID to master ID, as one node's CLUSTER NODES tells it. */
  private static Map<String, String> replicaToMaster(TestServer node) {
    Map<String, String> map = new HashMap<>();
    for (String[] fields : nodeLines(node)) {
      if (fields[2].contains("slave")) {
        map.put(fields[0], fields[3]);
      } else {
        assertThat(fields[3]).isEqualTo("-");
        assertThat(fields.length).as("a master of the new cluster has slots").isGreaterThan(8);
      }
    }
    return map;
  }

  private TestServer byId(String id) {
    return nodes.stream().filter(n -> myId(n).equals(id)).findFirst().orElseThrow();
  }

  private TestServer aReplica() {
    return nodes.stream().filter(n -> n.server().module(ClusterModule.class).state().myself().isReplica())
        .findFirst().orElseThrow();
  }

  private TestServer masterOf(TestServer replica) {
    return byId(replica.server().module(ClusterModule.class).state().myself().masterId().toHex());
  }

  @Test
  void everyNodeAgreesOnThreeMastersEachWithOneReplica() {
    Map<String, String> expected = replicaToMaster(nodes.get(0));
    assertThat(expected).hasSize(3);
    assertThat(new java.util.HashSet<>(expected.values())).as("one replica per master").hasSize(3);
    for (TestServer node : nodes) {
      assertThat(replicaToMaster(node)).isEqualTo(expected);
      assertThat(node.jedis().clusterInfo()).contains("cluster_size:3", "cluster_known_nodes:6");
    }
    for (int i = 0; i < NODES; i++) {
      TestServer node = nodes.get(i);
      String id = myId(node);
      String myLine = nodeLines(node).stream().filter(f -> f[0].equals(id)).findFirst().orElseThrow()[2];
      if (expected.containsKey(id)) {
        assertThat(myLine).isEqualTo("myself,slave");
        TestServer master = byId(expected.get(id));
        assertThat(node.server().replication().isReplica()).isTrue();
        assertThat(node.server().replication().masterEndpoint()).isEqualTo("127.0.0.1:" + master.port());
      } else {
        assertThat(myLine).isEqualTo("myself,master");
        assertThat(node.server().replication().isReplica()).isFalse();
      }
    }
  }

  @Test
  void redisCliCheckReportsTheReplicas() {
    String check = RedisCli.run(basePort, "--cluster", "check", "127.0.0.1:" + basePort);
    assertThat(check).contains("[OK] All nodes agree about slots configuration.", "[OK] All 16384 slots covered.");
    assertThat(check.split("1 additional replica\\(s\\)", -1)).hasSize(4);
    assertThat(check.lines().filter(line -> line.startsWith("S: "))).hasSize(3);
  }

  @Test
  void replicasAndSlavesListTheReplicaLines() {
    TestServer replica = aReplica();
    TestServer master = masterOf(replica);
    try (Jedis jedis = nodes.get(0).jedis()) {
      for (String sub : new String[] {"REPLICAS", "SLAVES"}) {
        @SuppressWarnings("unchecked")
        List<Object> lines = (List<Object>) jedis.sendCommand(redis.clients.jedis.Protocol.Command.CLUSTER, sub,
            myId(master));
        assertThat(lines).hasSize(1);
        String line = new String((byte[]) lines.get(0));
        assertThat(line).startsWith(myId(replica) + " 127.0.0.1:" + replica.port() + "@")
            .contains(" slave " + myId(master) + " ");
      }
      assertThatThrownBy(() -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.CLUSTER, "REPLICAS",
          myId(replica))).hasMessage("ERR The specified node is not a master");
    }
  }

  @Test
  void replicateRefusesWhatRedisRefuses() {
    TestServer replica = aReplica();
    TestServer master = masterOf(replica);
    try (Jedis onMaster = master.jedis(); Jedis onReplica = replica.jedis()) {
      assertThatThrownBy(() -> onMaster.clusterReplicate(myId(replica)))
          .hasMessage("ERR I can only replicate a master, not a replica.");
      TestServer otherMaster = nodes.stream().filter(n -> n != master
          && !n.server().module(ClusterModule.class).state().myself().isReplica()).findFirst().orElseThrow();
      assertThatThrownBy(() -> onMaster.clusterReplicate(myId(otherMaster)))
          .hasMessage("ERR To set a master the node must be empty and without assigned slots.");
      assertThatThrownBy(() -> onMaster.clusterReplicate(myId(master))).hasMessage("ERR Can't replicate myself");
      assertThatThrownBy(() -> onMaster.clusterReplicate("0".repeat(40)))
          .hasMessage("ERR Unknown node " + "0".repeat(40));
      assertThatThrownBy(() -> onReplica.clusterForget(myId(master))).hasMessage("ERR Can't forget my master!");
    }
  }

  @Test
  void aReplicaRedirectsToItsMasterAndServesReadsAfterReadonly() throws Exception {
    TestServer replica = aReplica();
    TestServer master = masterOf(replica);
    String key = null;
    int slot = -1;
    for (int i = 0; key == null; i++) {
      int candidate = KeySlot.of(("k" + i).getBytes());
      if (master.server().module(ClusterModule.class).state().routing().mine(candidate)) {
        key = "k" + i;
        slot = candidate;
      }
    }
    String finalKey = key;
    String moved = "MOVED " + slot + " 127.0.0.1:" + master.port();
    try (Jedis jedis = replica.jedis()) {
      assertThatThrownBy(() -> jedis.get(finalKey)).isInstanceOf(JedisDataException.class).hasMessage(moved);
      assertThat(jedis.readonly()).isEqualTo("OK");
      assertThat(jedis.exists(finalKey)).as("served by the replica").isFalse();
      try (Jedis onMaster = master.jedis()) {
        onMaster.set(finalKey, "from-master");
      }
      awaitTrue("the master's write reaches its replica", () -> "from-master".equals(jedis.get(finalKey)));
      assertThatThrownBy(() -> jedis.set(finalKey, "v")).hasMessage(moved);
      int otherSlot = slot;
      String otherKey = null;
      for (int i = 0; otherKey == null; i++) {
        int candidate = KeySlot.of(("o" + i).getBytes());
        if (!master.server().module(ClusterModule.class).state().routing().mine(candidate)) {
          otherKey = "o" + i;
          otherSlot = candidate;
        }
      }
      String foreign = otherKey;
      assertThatThrownBy(() -> jedis.get(foreign)).as("another master's slot").hasMessageStartingWith(
          "MOVED " + otherSlot + " ");
      assertThat(jedis.readwrite()).isEqualTo("OK");
      assertThatThrownBy(() -> jedis.get(finalKey)).hasMessage(moved);
    }
  }

  @Test
  void slotsAndShardsListReplicasAfterTheirMaster() throws Exception {
    TestServer replica = aReplica();
    TestServer master = masterOf(replica);
    awaitTrue("replica offsets gossiped", () -> {
      String text = RedisCli.run(basePort, "cluster", "slots");
      return text.lines().filter(line -> line.equals(myId(replica))).count() == 1;
    });
    try (Jedis jedis = nodes.get(0).jedis()) {
      List<Object> slots = jedis.clusterSlots();
      assertThat(slots).hasSize(3);
      for (Object range : slots) {
        List<?> fields = (List<?>) range;
        assertThat(fields).hasSize(4);
        String masterId = new String((byte[]) ((List<?>) fields.get(2)).get(2));
        String replicaId = new String((byte[]) ((List<?>) fields.get(3)).get(2));
        assertThat(replicaToMaster(nodes.get(0))).containsEntry(replicaId, masterId);
      }
    }
    String shards = RedisCli.run(basePort, "cluster", "shards");
    assertThat(shards.split("\nrole\nreplica\n", -1)).hasSize(4);
    assertThat(shards.split("\nrole\nmaster\n", -1)).hasSize(4);
    assertThat(shards).containsPattern("replication-offset\n[1-9][0-9]*\nhealth\nonline");
    int at = shards.indexOf(myId(master));
    assertThat(shards.indexOf(myId(replica))).as("the replica in its master's shard")
        .isGreaterThan(at).isLessThan(at + 400);
  }

  @Test
  void durableModeAcknowledgesAWriteOnlyOnceTheReplicaHasIt() throws Exception {
    TestServer replica = aReplica();
    TestServer master = masterOf(replica);
    String key = null;
    for (int i = 0; key == null; i++) {
      if (master.server().module(ClusterModule.class).state().routing().mine(KeySlot.of(("d" + i).getBytes()))) {
        key = "d" + i;
      }
    }
    try (Jedis admin = master.jedis(); Jedis onReplica = replica.jedis()) {
      admin.configSet("cluster-durable", "yes");
      try (Jedis writer = master.jedis()) {
        assertThat(writer.set(key, "acked")).isEqualTo("OK");
        assertThat(onReplica.readonly()).isEqualTo("OK");
        assertThat(onReplica.get(key)).as("acknowledged, so the replica already has it").isEqualTo("acked");
        // A replica that stops applying the stream: the write cannot be made durable within the
        // node timeout (3 s), so the master closes the connection instead of acknowledging it.
        onReplica.clientPause(4_500);
        String finalKey = key;
        long started = System.nanoTime();
        assertThatThrownBy(() -> writer.set(finalKey, "unacked"))
            .isInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);
        assertThat((System.nanoTime() - started) / 1_000_000).as("held for about the node timeout")
            .isBetween(2_500L, 9_000L);
      } finally {
        admin.configSet("cluster-durable", "no");
      }
    }
  }

  @Test
  void durableModeHoldsAWriteThatTheProxyRunsInProcess() throws Exception {
    // The master's proxy runs writes to its own slots in process: the reply barrier of durable
    // mode must hold them as it holds the client port's.
    TestServer replica = aReplica();
    TestServer master = masterOf(replica);
    String key = null;
    for (int i = 0; key == null; i++) {
      if (master.server().module(ClusterModule.class).state().routing().mine(KeySlot.of(("p" + i).getBytes()))) {
        key = "p" + i;
      }
    }
    try (Jedis admin = master.jedis(); Jedis onReplica = replica.jedis();
        Jedis viaProxy = new Jedis("127.0.0.1", master.port() + PROXY_OFFSET, 10_000)) {
      onReplica.clientUnpause(); // another test may have left it paused
      admin.configSet("cluster-durable", "yes");
      try {
        assertThat(viaProxy.set(key, "acked")).isEqualTo("OK");
        assertThat(onReplica.readonly()).isEqualTo("OK");
        assertThat(onReplica.get(key)).as("acknowledged, so the replica already has it").isEqualTo("acked");
        onReplica.clientPause(4_500);
        String finalKey = key;
        long started = System.nanoTime();
        assertThatThrownBy(() -> viaProxy.set(finalKey, "unacked"))
            .isInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);
        assertThat((System.nanoTime() - started) / 1_000_000).as("held for about the node timeout")
            .isBetween(2_500L, 9_000L);
      } finally {
        onReplica.clientUnpause();
        admin.configSet("cluster-durable", "no");
      }
    }
  }
}
