package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.random.SeededRandom;
import io.shoal.cluster.sim.VirtualTime;
import io.shoal.cluster.time.Scheduler;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deterministic simulation of the failover protocol: masters and replicas, each a real
 * {@link Failover}, on one virtual time line, wired through an in-memory network with seeded
 * delays, drops and partitions. What the membership and ClusterState would do is played by the
 * simulator: failure verdicts after a detection delay, slot claims spread by "gossip" with a
 * delay, replicas following the winner of their shard. Checkers record every vote and every win.
 */
final class FailoverSim {
  final VirtualTime time = new VirtualTime();
  final SeededRandom random;
  final long timeoutMillis;
  final Map<NodeId, SimNode> nodes = new LinkedHashMap<>();
  long delayMinMillis = 1;
  long delayMaxMillis = 5;
  double dropRate;
  boolean durable;
  /** When set, messages and gossip between the two sides are lost. */
  Set<NodeId> sideA;
  long gossipDelayMillis = 100;
  final List<Win> wins = new ArrayList<>();
  final Map<String, NodeId> votes = new HashMap<>();
  final List<String> violations = new ArrayList<>();
  final List<Sent> sent = new ArrayList<>();
  final List<String> migrations = new ArrayList<>();
  private int nextId = 1;

  record Win(NodeId winner, NodeId failedMaster, long epoch, long atMillis) {}

  record Sent(NodeId from, NodeId to, int type, long atMillis) {}

  FailoverSim(long seed, long timeoutMillis) {
    this.random = new SeededRandom(seed);
    this.timeoutMillis = timeoutMillis;
  }

  /** A master owning slots [from, to). */
  SimNode master(int fromSlot, int toSlot) {
    SimNode node = add(null, 0);
    BitSet slots = new BitSet();
    slots.set(fromSlot, toSlot);
    node.configEpoch = nodes.size();
    for (SimNode each : nodes.values()) {
      each.currentEpoch = Math.max(each.currentEpoch, node.configEpoch);
    }
    for (SimNode each : nodes.values()) {
      each.slots.put(node.id, (BitSet) slots.clone());
      each.epochs.put(node.id, node.configEpoch);
      each.currentEpoch = Math.max(each.currentEpoch, node.configEpoch);
    }
    return node;
  }

  SimNode replica(SimNode master, long offset) {
    return add(master.id, offset);
  }

  private SimNode add(NodeId masterId, long offset) {
    NodeId id = NodeId.of(0, 0, nextId++);
    SimNode node = new SimNode(this, id, masterId, offset);
    for (SimNode other : nodes.values()) {
      other.learn(node);
      node.learn(other);
    }
    node.learn(node);
    if (!nodes.isEmpty()) {
      SimNode first = nodes.values().iterator().next();
      first.slots.forEach((owner, owned) -> node.slots.put(owner, (BitSet) owned.clone()));
      node.epochs.putAll(first.epochs);
      node.currentEpoch = first.currentEpoch;
    }
    nodes.put(id, node);
    return node;
  }

  void startAll() {
    nodes.values().forEach(node -> node.failover.start());
  }

  void runUntil(long millis) {
    time.runUntil(millis);
  }

  long now() {
    return time.monotonicMillis();
  }

  boolean reachable(NodeId from, NodeId to) {
    return sideA == null || sideA.contains(from) == sideA.contains(to);
  }

  void send(NodeId from, NodeId to, int type, byte[] payload) {
    sent.add(new Sent(from, to, type, now()));
    if (type == FailoverMessageTypes.AUTH_ACK) {
      FailoverAuthAck ack = FailoverAuthAck.decode(payload);
      NodeId before = votes.putIfAbsent(ack.voter() + "@" + ack.epoch(), ack.candidate());
      if (before != null && !before.equals(ack.candidate())) {
        violations.add("voter " + ack.voter() + " voted twice in epoch " + ack.epoch());
      }
    }
    if (!reachable(from, to) || (dropRate > 0 && random.nextDouble() < dropRate)) {
      return;
    }
    long delay = delayMinMillis + random.nextInt((int) (delayMaxMillis - delayMinMillis + 1));
    time.after(delay, () -> {
      SimNode target = nodes.get(to);
      if (target != null && target.alive) {
        target.failover.onMessage(type, payload);
      }
    });
  }

  /** Kills a node; every live node that can see it marks it failed after about the node timeout. */
  void kill(SimNode victim) {
    victim.alive = false;
    victim.failover.stop();
    for (SimNode observer : nodes.values()) {
      if (observer != victim && reachable(observer.id, victim.id)) {
        long detection = timeoutMillis + random.nextInt(100);
        time.after(detection, () -> observer.markFailed(victim.id));
      }
    }
  }

  /** The winner tells everyone, by gossip, that it owns the failed master's slots with a new epoch. */
  void claim(SimNode winner, NodeId failedMaster, long epoch) {
    wins.add(new Win(winner.id, failedMaster, epoch, now()));
    for (SimNode other : nodes.values()) {
      if (other != winner && reachable(winner.id, other.id)) {
        BitSet slots = (BitSet) winner.slots.get(winner.id).clone();
        time.after(gossipDelayMillis, () -> other.applyClaim(winner.id, failedMaster, epoch, slots));
      }
    }
  }

  void gossipEpoch(SimNode from, long epoch) {
    for (SimNode other : nodes.values()) {
      if (other != from && reachable(from.id, other.id)) {
        time.after(gossipDelayMillis, () -> other.epochSeen(epoch));
      }
    }
  }

  void roleChanged(SimNode node, NodeId newMaster) {
    migrations.add(node.id + "->" + newMaster);
    for (SimNode other : nodes.values()) {
      other.roles.put(node.id, newMaster);
      if (other.alive) {
        other.failover.viewChanged();
      }
    }
  }

  List<Win> winsFor(NodeId failedMaster) {
    return wins.stream().filter(win -> win.failedMaster().equals(failedMaster)).toList();
  }

  /** The checkers: one vote per voter per epoch, one winner per epoch and per failed master. */
  void assertSafe() {
    if (!violations.isEmpty()) {
      throw new AssertionError(violations.toString());
    }
    Set<Long> epochs = new HashSet<>();
    Set<NodeId> failed = new HashSet<>();
    for (Win win : wins) {
      if (!epochs.add(win.epoch())) {
        throw new AssertionError("two winners in epoch " + win.epoch() + ": " + wins);
      }
      if (!failed.add(win.failedMaster())) {
        throw new AssertionError("two winners for master " + win.failedMaster() + ": " + wins);
      }
    }
  }

  /** A scheduler on the virtual time line whose timers die with their node. */
  static Scheduler schedulerFor(VirtualTime time, SimNode node) {
    return new Scheduler() {
      @Override
      public Cancellable schedule(long delayMillis, Runnable task) {
        boolean[] cancelled = {false};
        time.after(delayMillis, () -> {
          if (node.alive && !cancelled[0]) {
            task.run();
          }
        });
        return () -> cancelled[0] = true;
      }

      @Override
      public void execute(Runnable task) {
        schedule(0, task);
      }
    };
  }
}
