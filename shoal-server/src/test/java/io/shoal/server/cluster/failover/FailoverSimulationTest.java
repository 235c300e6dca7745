package io.shoal.server.cluster.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The failover protocol in {@link FailoverSim}: whole elections on a virtual time line. */
class FailoverSimulationTest {
  private static final long TIMEOUT_MILLIS = 1000;
  private static final long KILL_AT_MILLIS = 5_000;
  /** The claim: with T = 1 s and no loss, a failover completes within 2 s of the kill. */
  private static final long FAILOVER_BOUND_MILLIS = 2_000;

  /** Three masters with two replicas each; the first master's replicas at offsets 100 and 90. */
  private static FailoverSim threeShards(long seed) {
    FailoverSim sim = new FailoverSim(seed, TIMEOUT_MILLIS);
    SimNode m1 = sim.master(0, 5461);
    SimNode m2 = sim.master(5461, 10923);
    SimNode m3 = sim.master(10923, 16384);
    sim.replica(m1, 90);
    sim.replica(m1, 100);
    sim.replica(m2, 50);
    sim.replica(m2, 50);
    sim.replica(m3, 70);
    sim.replica(m3, 60);
    return sim;
  }

  private static SimNode node(FailoverSim sim, int index) {
    return new ArrayList<>(sim.nodes.values()).get(index);
  }

  @Test
  void mostUpToDateReplicaWinsWithinTheBound() {
    long worst = 0;
    long total = 0;
    int runs = 200;
    for (long seed = 1; seed <= runs; seed++) {
      FailoverSim sim = threeShards(seed);
      sim.startAll();
      sim.runUntil(KILL_AT_MILLIS);
      SimNode m1 = node(sim, 0);
      SimNode best = node(sim, 4);
      sim.kill(m1);
      sim.runUntil(KILL_AT_MILLIS + 20_000);
      sim.assertSafe();
      assertThat(sim.wins).as("seed %d", seed).hasSize(1);
      assertThat(sim.wins.get(0).winner()).as("seed %d", seed).isEqualTo(best.id);
      long took = sim.wins.get(0).atMillis() - KILL_AT_MILLIS;
      worst = Math.max(worst, took);
      total += took;
      // The sibling follows the winner, and every node ends with the slots on the winner.
      for (SimNode each : sim.nodes.values()) {
        if (each.alive) {
          assertThat(each.slots.get(best.id).cardinality()).isEqualTo(5461);
        }
      }
      assertThat(node(sim, 3).masterId()).isEqualTo(best.id);
    }
    System.out.printf("failover after kill, T=%d ms, %d seeds, no loss: mean %d ms, worst %d ms (bound %d ms)%n",
        TIMEOUT_MILLIS, runs, total / runs, worst, FAILOVER_BOUND_MILLIS);
    assertThat(worst).isLessThanOrEqualTo(FAILOVER_BOUND_MILLIS);
  }

  @Property(tries = 60)
  void safeUnderLossDelaysAndConcurrentFailures(@ForAll @LongRange(min = 1, max = 1_000_000) long seed) {
    FailoverSim sim = new FailoverSim(seed, TIMEOUT_MILLIS);
    List<SimNode> masters = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      masters.add(sim.master(i * 3000, i * 3000 + 3000));
    }
    for (SimNode master : masters) {
      for (int r = 0; r < 2; r++) {
        sim.replica(master, sim.random.nextInt(3) * 10);
      }
    }
    sim.dropRate = 0.2;
    sim.delayMaxMillis = 200;
    sim.startAll();
    sim.runUntil(KILL_AT_MILLIS);
    sim.kill(masters.get(0));
    sim.kill(masters.get(1));
    sim.runUntil(KILL_AT_MILLIS + 60_000);
    sim.assertSafe();
    // Three of five masters remain, a majority: both shards recover despite 20% loss.
    assertThat(sim.winsFor(masters.get(0).id)).hasSize(1);
    assertThat(sim.winsFor(masters.get(1).id)).hasSize(1);
  }

  @Test
  void noElectionWhenThePartitionIsLost() {
    FailoverSim sim = threeShards(7);
    sim.startAll();
    sim.runUntil(KILL_AT_MILLIS);
    sim.nodes.values().forEach(node -> node.partitionLost = true);
    sim.kill(node(sim, 0));
    sim.runUntil(KILL_AT_MILLIS + 20_000);
    assertThat(sim.wins).isEmpty();
    assertThat(sim.sent).noneMatch(sent -> sent.type() == FailoverMessageTypes.AUTH_REQUEST);
  }

  @Test
  void minoritySideOfAPartitionCannotWin() {
    for (long seed = 1; seed <= 20; seed++) {
      FailoverSim sim = threeShards(seed);
      sim.startAll();
      sim.runUntil(KILL_AT_MILLIS);
      SimNode m1 = node(sim, 0);
      SimNode m2 = node(sim, 1);
      SimNode r1 = node(sim, 4);
      // r1 and m2 are cut off from m1, m3 and the rest. r1 even judges its master failed (the
      // worst case: partitionLost not raised), yet one master of three is no majority.
      sim.sideA = Set.of(r1.id, m2.id);
      r1.markFailed(m1.id);
      m2.markFailed(m1.id);
      sim.runUntil(KILL_AT_MILLIS + 20_000);
      sim.assertSafe();
      assertThat(sim.wins).as("seed %d", seed).isEmpty();
    }
  }

  @Test
  void manualFailoverWaitsForTheMastersOffset() {
    FailoverSim sim = threeShards(3);
    SimNode m1 = node(sim, 0);
    SimNode replica = node(sim, 3);
    m1.offset = 120;
    sim.startAll();
    sim.runUntil(KILL_AT_MILLIS);
    replica.failover.manualFailover(ManualFailover.Mode.DEFAULT);
    sim.runUntil(KILL_AT_MILLIS + 1_000);
    assertThat(m1.writesPaused).isTrue();
    assertThat(replica.failover.manualFailoverMasterOffset()).isEqualTo(120);
    assertThat(sim.sent).noneMatch(sent -> sent.type() == FailoverMessageTypes.AUTH_REQUEST);
    assertThat(sim.wins).isEmpty();
    replica.offset = 120; // the replica catches up with the paused master
    sim.runUntil(KILL_AT_MILLIS + 3_000);
    sim.assertSafe();
    assertThat(sim.wins).hasSize(1);
    assertThat(sim.wins.get(0).winner()).isEqualTo(replica.id);
    assertThat(sim.wins.get(0).atMillis()).isGreaterThanOrEqualTo(KILL_AT_MILLIS + 1_000);
    assertThat(m1.masterId()).isEqualTo(replica.id);
    assertThat(m1.writesPaused).as("the old master resumes once it is a replica").isFalse();
  }

  @Test
  void manualFailoverTimesOutAndResumesWrites() {
    FailoverSim sim = threeShards(3);
    SimNode m1 = node(sim, 0);
    SimNode replica = node(sim, 3);
    m1.offset = 120;
    sim.startAll();
    sim.runUntil(KILL_AT_MILLIS);
    replica.failover.manualFailover(ManualFailover.Mode.DEFAULT);
    sim.runUntil(KILL_AT_MILLIS + FailoverTiming.MANUAL_TIMEOUT_MILLIS + 500);
    assertThat(sim.wins).isEmpty();
    assertThat(m1.writesPaused).isFalse();
  }

  @Test
  void forceRunsAnElectionWithoutTheMaster() {
    FailoverSim sim = threeShards(3);
    SimNode replica = node(sim, 3);
    sim.startAll();
    sim.runUntil(KILL_AT_MILLIS);
    replica.failover.manualFailover(ManualFailover.Mode.FORCE);
    sim.runUntil(KILL_AT_MILLIS + 500);
    assertThat(sim.sent).noneMatch(sent -> sent.type() == FailoverMessageTypes.MANUAL_FAILOVER_START);
    assertThat(sim.wins).extracting(FailoverSim.Win::winner).containsExactly(replica.id);
  }

  @Test
  void takeoverNeedsNoVotes() {
    FailoverSim sim = threeShards(3);
    SimNode replica = node(sim, 3);
    sim.startAll();
    sim.runUntil(KILL_AT_MILLIS);
    sim.sideA = Set.of(replica.id); // alone: no master could vote
    replica.failover.manualFailover(ManualFailover.Mode.TAKEOVER);
    assertThat(sim.wins).extracting(FailoverSim.Win::winner).containsExactly(replica.id);
    assertThat(sim.wins.get(0).epoch()).isGreaterThan(3);
    assertThat(sim.sent).noneMatch(sent -> sent.type() == FailoverMessageTypes.AUTH_REQUEST);
  }

  @Test
  void replicaMigrationMovesExactlyOneReplica() {
    FailoverSim sim = new FailoverSim(11, TIMEOUT_MILLIS);
    SimNode m1 = sim.master(0, 8192);
    SimNode m2 = sim.master(8192, 16384);
    SimNode a = sim.replica(m1, 10);
    SimNode b = sim.replica(m1, 10);
    SimNode c = sim.replica(m1, 10);
    SimNode lonely = sim.replica(m2, 10);
    sim.startAll();
    sim.runUntil(KILL_AT_MILLIS);
    sim.kill(lonely);
    sim.runUntil(KILL_AT_MILLIS + 30_000);
    assertThat(sim.migrations).containsExactly(a.id + "->" + m2.id);
    assertThat(a.masterId()).isEqualTo(m2.id);
    assertThat(List.of(b.masterId(), c.masterId())).containsOnly(m1.id);
    assertThat(sim.wins).isEmpty();
  }

  /** m1's replicas: r1 holds the acknowledged writes (100), r2 does not (90) and believes r1 is at 80. */
  private static FailoverSim staleGossip(long seed, boolean durable) {
    FailoverSim sim = new FailoverSim(seed, TIMEOUT_MILLIS);
    sim.durable = durable;
    SimNode m1 = sim.master(0, 5461);
    sim.master(5461, 10923);
    sim.master(10923, 16384);
    SimNode r1 = sim.replica(m1, 100);
    SimNode r2 = sim.replica(m1, 90);
    r2.gossipedOffsets.put(r1.id, 80L);
    return sim;
  }

  @Test
  void durableModeElectsTheReplicaHoldingTheAcknowledgedHistory() {
    Set<Integer> winnersWithoutDurable = new HashSet<>();
    for (long seed = 1; seed <= 50; seed++) {
      FailoverSim plain = staleGossip(seed, false);
      plain.startAll();
      plain.runUntil(KILL_AT_MILLIS);
      plain.kill(node(plain, 0));
      plain.runUntil(KILL_AT_MILLIS + 20_000);
      winnersWithoutDurable.add(new ArrayList<>(plain.nodes.keySet()).indexOf(plain.wins.get(0).winner()));

      FailoverSim durable = staleGossip(seed, true);
      durable.startAll();
      durable.runUntil(KILL_AT_MILLIS);
      durable.kill(node(durable, 0));
      durable.runUntil(KILL_AT_MILLIS + 20_000);
      durable.assertSafe();
      assertThat(durable.wins).as("seed %d", seed).extracting(FailoverSim.Win::winner)
          .containsExactly(node(durable, 3).id);
    }
    // Without the rule, stale gossip lets the replica missing acknowledged writes win sometimes.
    assertThat(winnersWithoutDurable).as("winners without durable mode").contains(4);
  }

  @Test
  void durableModeRefusesACandidateThatCannotProveItsHistory() {
    FailoverSim sim = staleGossip(5, true);
    sim.startAll();
    sim.runUntil(KILL_AT_MILLIS);
    sim.kill(node(sim, 3)); // r1, the holder of the acknowledged writes, dies first
    sim.runUntil(KILL_AT_MILLIS + 3_000);
    sim.kill(node(sim, 0));
    sim.runUntil(KILL_AT_MILLIS + 30_000);
    assertThat(sim.wins).isEmpty();
    assertThat(sim.sent.stream().filter(sent -> sent.type() == FailoverMessageTypes.OFFSET_QUERY)
        .map(FailoverSim.Sent::from).collect(Collectors.toSet())).containsExactly(node(sim, 4).id);
  }
}
