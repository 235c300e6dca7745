package io.shoal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shoal.cli.bench.ClusterAdmin;
import io.shoal.cli.bench.ClusterNode;
import io.shoal.cli.bench.FailoverProbe;
import io.shoal.cli.bench.WriteLedger;
import io.shoal.cli.bench.Writers;
import io.shoal.cli.testing.NodeProcesses;
import io.shoal.cli.testing.NodeProcesses.Node;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.JedisCluster;

/**
 * Failover with real node processes on loopback: 3 masters with one replica each, node timeout
 * 1000 ms, JedisCluster clients. The same scenarios run against Redis (the reference, in
 * {@code RedisFailoverProcessesTest}) and against Shoal ({@code FailoverProcessesTest}); a flavor
 * gives the servers, the failover bound and the durable-mode setting.
 */
abstract class FailoverScenarios {
  static final Duration NODE_TIMEOUT = Duration.ofMillis(1_000);

  abstract NodeProcesses.Flavor flavor();

  /** Kill to first acknowledged write to the killed master's slots, at most. */
  abstract Duration failoverBound();

  /** Settings that make acknowledged writes survive failover, or empty when the server has none. */
  abstract Optional<String> durableSetting();

  private NodeProcesses cluster(String... settings) throws Exception {
    NodeProcesses cluster = NodeProcesses.start(flavor(), 6, NODE_TIMEOUT, settings);
    try {
      cluster.formCluster(1);
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aKilledMasterUnderLoadIsReplacedWithinTheBoundAndClientsKeepWorking() throws Exception {
    try (NodeProcesses cluster = cluster();
        JedisCluster writersClient = FailoverProbe.clusterClient(cluster.endpoints(), 8);
        JedisCluster probeClient = FailoverProbe.clusterClient(cluster.endpoints(), 2)) {
      WriteLedger ledger = new WriteLedger();
      Writers writers = new Writers(writersClient, ledger, 4, 1_000).start();
      try {
        cluster.awaitCondition("the writers have written", Duration.ofSeconds(10),
            () -> ledger.acknowledgedWrites() > 300);
        ClusterNode victim = cluster.mastersWithSlots().get(0);
        String key = FailoverProbe.keyIn(victim, 0);

        long killed = System.nanoTime();
        cluster.node(victim.endpoint()).kill();
        long tookMillis = firstWrite(probeClient, key, killed, cluster);

        assertThat(tookMillis).as("kill -9 to first write to the killed master's slots, ms")
            .isLessThan(failoverBound().toMillis());
        ClusterNode successor = successorOf(victim, cluster);
        assertThat(successor.masterId()).isEqualTo("-");
        long acknowledged = ledger.acknowledgedWrites();
        cluster.awaitCondition("the writers keep being acknowledged after the failover", Duration.ofSeconds(10),
            () -> ledger.acknowledgedWrites() > acknowledged + 1_000);
      } finally {
        writers.close();
      }
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theKilledMasterRejoinsAsAReplicaOfItsSuccessor() throws Exception {
    try (NodeProcesses cluster = cluster();
        JedisCluster client = FailoverProbe.clusterClient(cluster.endpoints(), 2)) {
      for (int i = 0; i < 500; i++) {
        assertThat(client.set("rejoin:" + i, Integer.toString(i))).isEqualTo("OK");
      }
      ClusterNode victim = cluster.mastersWithSlots().get(0);
      Node old = cluster.node(victim.endpoint());
      old.kill();
      ClusterNode successor = awaitSuccessor(victim, cluster);

      old.restart();
      cluster.awaitCondition(old + " reports itself a replica of " + successor.endpoint() + " with its link up",
          Duration.ofSeconds(30), () -> old.self().map(self -> self.isReplica()
              && self.masterId().equals(successor.id())).orElse(false)
              && ClusterAdmin.info(old.endpoint(), "replication", "master_link_status").equals(Optional.of("up")));
      cluster.awaitCondition(old + " holds its master's keys", Duration.ofSeconds(40),
          () -> dbsize(old.endpoint()) == dbsize(successor.endpoint()) && dbsize(old.endpoint()) > 0);
      cluster.awaitWhole(Duration.ofSeconds(30));
      for (int i = 0; i < 500; i++) {
        assertThat(client.get("rejoin:" + i)).isEqualTo(Integer.toString(i));
      }
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aPausedMasterEndsAsTheOneReplicaOfItsSlotsOnceResumed() throws Exception {
    try (NodeProcesses cluster = cluster()) {
      ClusterNode victim = cluster.mastersWithSlots().get(0);
      int slot = victim.slotRanges().get(0)[0];
      Node paused = cluster.node(victim.endpoint());
      paused.pause();
      ClusterNode successor;
      try {
        successor = awaitSuccessor(victim, cluster);
      } finally {
        paused.resume();
      }
      cluster.awaitCondition("every node, the resumed one too, sees exactly one master for slot " + slot
          + ", " + successor.endpoint(), Duration.ofSeconds(30), () -> cluster.nodes().stream()
          .allMatch(node -> node.view().map(view -> view.stream()
              .filter(n -> n.isMaster() && !n.isFailing() && n.servesSlot(slot)).map(ClusterNode::endpoint)
              .toList().equals(List.of(successor.endpoint()))).orElse(false)));
      cluster.awaitCondition(paused + " reports itself a replica", Duration.ofSeconds(20),
          () -> paused.self().map(ClusterNode::isReplica).orElse(false));
      cluster.awaitWhole(Duration.ofSeconds(30));
    }
  }

  /**
   * Durable mode under repeated faults: kills and pauses of masters (one at a time, each healed
   * before the next), writers logging every acknowledged write; after the cluster healed every
   * acknowledged write must read back.
   */
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void durableModeLosesNoAcknowledgedWriteUnderKillsAndPartitions() throws Exception {
    assumeTrue(durableSetting().isPresent(), flavor() + " has no durable mode");
    try (NodeProcesses cluster = cluster(durableSetting().get());
        JedisCluster writersClient = FailoverProbe.clusterClient(cluster.endpoints(), 8)) {
      WriteLedger ledger = new WriteLedger();
      Writers writers = new Writers(writersClient, ledger, 4, 1_000).start();
      try {
        for (int round = 0; round < 4; round++) {
          List<ClusterNode> masters = cluster.mastersWithSlots();
          ClusterNode victim = masters.get(round % masters.size());
          Node node = cluster.node(victim.endpoint());
          if (round % 2 == 0) {
            node.kill();
            awaitSuccessor(victim, cluster);
            node.restart();
          } else {
            node.pause();
            try {
              awaitSuccessor(victim, cluster);
            } finally {
              node.resume();
            }
          }
          cluster.awaitWhole(Duration.ofSeconds(30));
        }
      } finally {
        writers.close();
      }
      cluster.awaitWhole(Duration.ofSeconds(30));
      assertThat(ledger.acknowledgedWrites()).isGreaterThan(1_000);
      WriteLedger.Verdict verdict = ledger.verify(keys -> readBack(writersClient, keys), 1_000);
      assertThat(verdict.lost()).as(verdict.toString()).isZero();
    }
  }

  /** CLUSTER FAILOVER (default form) under write load: the replica takes over and no acknowledged write is lost. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aManualFailoverUnderLoadLosesNoAcknowledgedWrite() throws Exception {
    try (NodeProcesses cluster = cluster();
        JedisCluster writersClient = FailoverProbe.clusterClient(cluster.endpoints(), 8)) {
      WriteLedger ledger = new WriteLedger();
      Writers writers = new Writers(writersClient, ledger, 4, 1_000).start();
      ClusterNode master = cluster.mastersWithSlots().get(0);
      ClusterNode replica = replicasOf(master, cluster).get(0);
      int slot = master.slotRanges().get(0)[0];
      try {
        cluster.awaitCondition("the writers have written", Duration.ofSeconds(10),
            () -> ledger.acknowledgedWrites() > 300);
        try (var jedis = ClusterAdmin.connect(replica.endpoint())) {
          assertThat(jedis.clusterFailover()).isEqualTo("OK");
        }
        cluster.awaitCondition(replica.endpoint() + " serves slot " + slot + " in every view", Duration.ofSeconds(15),
            () -> cluster.nodes().stream().allMatch(node -> cluster.masterOf(slot, node)
                .map(owner -> owner.id().equals(replica.id())).orElse(false)));
        cluster.awaitCondition(master.endpoint() + " reports itself a replica of " + replica.endpoint(),
            Duration.ofSeconds(15), () -> cluster.node(master.endpoint()).self()
                .map(self -> self.isReplica() && self.masterId().equals(replica.id())).orElse(false));
        long acknowledged = ledger.acknowledgedWrites();
        cluster.awaitCondition("the writers keep being acknowledged after the switch", Duration.ofSeconds(10),
            () -> ledger.acknowledgedWrites() > acknowledged + 500);
      } finally {
        writers.close();
      }
      cluster.awaitWhole(Duration.ofSeconds(30));
      WriteLedger.Verdict verdict = ledger.verify(keys -> readBack(writersClient, keys), 1_000);
      assertThat(verdict.lost()).as(verdict.toString()).isZero();
    }
  }

  /**
   * Replica migration, as Redis's own test does it: seven nodes give one master two replicas; when
   * another master's only replica dies, one of the two moves over to the orphaned master.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void anOrphanedMasterReceivesASpareReplica() throws Exception {
    try (NodeProcesses cluster = NodeProcesses.start(flavor(), 7, NODE_TIMEOUT)) {
      cluster.formCluster(1);
      List<ClusterNode> masters = cluster.mastersWithSlots();
      ClusterNode rich = masters.stream().filter(m -> replicasOf(m, cluster).size() == 2).findFirst().orElseThrow();
      ClusterNode orphan = masters.stream().filter(m -> m != rich).findFirst().orElseThrow();
      ClusterNode lost = replicasOf(orphan, cluster).get(0);
      cluster.node(lost.endpoint()).kill();
      cluster.awaitCondition(orphan.endpoint() + " gets one of " + rich.endpoint() + "'s replicas",
          Duration.ofSeconds(30), () -> replicasOf(orphan, cluster).stream().anyMatch(r -> !r.id().equals(lost.id()))
              && replicasOf(rich, cluster).size() == 1);
    }
  }

  /** The replicas of a master as the master itself sees them. */
  private static List<ClusterNode> replicasOf(ClusterNode master, NodeProcesses cluster) {
    return cluster.node(master.endpoint()).view().orElse(List.of()).stream()
        .filter(node -> node.isReplica() && node.masterId().equals(master.id()) && !node.isFailing())
        .toList();
  }

  private static List<String> readBack(JedisCluster client, List<String> keys) {
    return keys.stream().map(client::get).toList();
  }

  /** Writes {@code key} until acknowledged; ms from {@code killed}. Bounded by 10 failover bounds. */
  private long firstWrite(JedisCluster client, String key, long killed, NodeProcesses cluster)
      throws InterruptedException {
    long deadline = killed + failoverBound().toNanos() * 10;
    while (System.nanoTime() < deadline) {
      try {
        if ("OK".equals(client.set(key, "after-failover"))) {
          return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        }
      } catch (RuntimeException notYet) {
        Thread.sleep(2);
      }
    }
    throw new AssertionError("no write to the killed master's slots succeeded" + cluster.describe());
  }

  /** The master now serving the victim's first slot as a live node other than the victim sees it. */
  private static ClusterNode successorOf(ClusterNode victim, NodeProcesses cluster) {
    int slot = victim.slotRanges().get(0)[0];
    for (Node observer : cluster.nodes()) {
      if (!observer.endpoint().equals(victim.endpoint())) {
        Optional<ClusterNode> master = cluster.masterOf(slot, observer);
        if (master.isPresent() && !master.get().endpoint().equals(victim.endpoint())) {
          return master.get();
        }
      }
    }
    throw new AssertionError("no node other than " + victim.endpoint() + " serves slot " + slot + cluster.describe());
  }

  /** Waits (bounded) until a replica took the victim's slots as every other live node sees it. */
  private ClusterNode awaitSuccessor(ClusterNode victim, NodeProcesses cluster) throws InterruptedException {
    int slot = victim.slotRanges().get(0)[0];
    cluster.awaitCondition("a replica of " + victim.endpoint() + " serves slot " + slot + " in every other view",
        failoverBound().multipliedBy(5), () -> cluster.nodes().stream()
            .filter(node -> !node.endpoint().equals(victim.endpoint()))
            .allMatch(node -> cluster.masterOf(slot, node)
                .map(master -> !master.endpoint().equals(victim.endpoint())).orElse(false)));
    return successorOf(victim, cluster);
  }

  private static long dbsize(String endpoint) {
    try (var jedis = ClusterAdmin.connect(endpoint)) {
      return jedis.dbSize();
    }
  }
}
