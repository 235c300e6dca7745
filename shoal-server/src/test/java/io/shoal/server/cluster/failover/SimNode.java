package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** One simulated node: its own view of roles, slots, epochs and failures, and its {@link Failover}. */
final class SimNode implements FailoverActions {
  final FailoverSim sim;
  final NodeId id;
  boolean alive = true;
  long offset;
  long configEpoch;
  long currentEpoch;
  long lastVoteEpoch;
  boolean partitionLost;
  boolean writesPaused;
  /** This node's view: each node's master (null for a master). */
  final Map<NodeId, NodeId> roles = new HashMap<>();
  final Map<NodeId, Long> epochs = new HashMap<>();
  final Map<NodeId, BitSet> slots = new HashMap<>();
  /** This node's view of replicas' offsets, as gossip would carry them (may be stale). */
  final Map<NodeId, Long> gossipedOffsets = new HashMap<>();
  final Set<NodeId> failed = new HashSet<>();
  final Failover failover;

  SimNode(FailoverSim sim, NodeId id, NodeId masterId, long offset) {
    this.sim = sim;
    this.id = id;
    this.offset = offset;
    roles.put(id, masterId);
    this.failover = new Failover(this::view, this, sim.time, sim.random.split(), FailoverSim.schedulerFor(sim.time, this));
  }

  NodeId masterId() {
    return roles.get(id);
  }

  void learn(SimNode other) {
    roles.put(other.id, other.masterId());
    gossipedOffsets.put(other.id, other.offset);
  }

  FailoverView view() {
    Map<NodeId, FailoverView.MasterView> masters = new HashMap<>();
    Map<NodeId, FailoverView.ReplicaView> replicas = new HashMap<>();
    for (Map.Entry<NodeId, NodeId> role : roles.entrySet()) {
      NodeId node = role.getKey();
      if (role.getValue() == null) {
        masters.put(node, new FailoverView.MasterView(node, epochs.getOrDefault(node, 0L), failed.contains(node),
            slots.getOrDefault(node, new BitSet())));
      } else {
        long gossiped = node.equals(id) ? offset : gossipedOffsets.getOrDefault(node, 0L);
        replicas.put(node, new FailoverView.ReplicaView(node, role.getValue(), gossiped, failed.contains(node)));
      }
    }
    NodeId master = masterId();
    int shardSize = 1 + (int) roles.values().stream().filter(m -> m != null && m.equals(master)).count();
    return new FailoverView(id, master, offset, currentEpoch, lastVoteEpoch, sim.timeoutMillis, partitionLost,
        sim.durable, master == null ? 0 : shardSize, 1, masters, replicas);
  }

  void markFailed(NodeId node) {
    if (alive && failed.add(node)) {
      failover.viewChanged();
    }
  }

  /** Redis's clusterUpdateSlotsConfigWith, reduced: a higher config epoch takes the slots. */
  void applyClaim(NodeId winner, NodeId oldMaster, long epoch, BitSet claimed) {
    if (!alive || epochs.getOrDefault(oldMaster, 0L) >= epoch) {
      return;
    }
    currentEpoch = Math.max(currentEpoch, epoch);
    epochs.put(winner, epoch);
    slots.put(winner, claimed);
    slots.put(oldMaster, new BitSet());
    roles.put(winner, null);
    roles.put(oldMaster, winner);
    for (Map.Entry<NodeId, NodeId> role : roles.entrySet()) {
      if (oldMaster.equals(role.getValue()) && !role.getKey().equals(winner)) {
        role.setValue(winner);
      }
    }
    failover.viewChanged();
  }

  @Override
  public void send(NodeId to, int type, byte[] payload) {
    sim.send(id, to, type, payload);
  }

  @Override
  public void currentEpochReached(long epoch) {
    if (epoch > currentEpoch) {
      currentEpoch = epoch;
      sim.gossipEpoch(this, epoch);
    }
  }

  /** currentEpoch travels in every node's gossiped claim (SlotClaim.currentEpoch). */
  void epochSeen(long epoch) {
    if (alive && epoch > currentEpoch) {
      currentEpoch = epoch;
      failover.viewChanged();
    }
  }

  @Override
  public void voteCast(long epoch) {
    if (epoch <= lastVoteEpoch) {
      throw new AssertionError(id + " voted in epoch " + epoch + " after " + lastVoteEpoch);
    }
    lastVoteEpoch = epoch;
  }

  @Override
  public void takeOver(NodeId failedMaster, long newConfigEpoch) {
    NodeId oldMaster = masterId();
    configEpoch = newConfigEpoch;
    currentEpoch = Math.max(currentEpoch, newConfigEpoch);
    epochs.put(id, newConfigEpoch);
    slots.put(id, (BitSet) slots.getOrDefault(failedMaster, new BitSet()).clone());
    slots.put(failedMaster, new BitSet());
    roles.put(id, null);
    roles.put(failedMaster, id);
    for (Map.Entry<NodeId, NodeId> role : roles.entrySet()) {
      if (oldMaster.equals(role.getValue()) && !role.getKey().equals(id)) {
        role.setValue(id);
      }
    }
    sim.claim(this, failedMaster, newConfigEpoch);
    failover.viewChanged();
  }

  @Override
  public void pauseWrites(long durationMillis) {
    writesPaused = true;
  }

  @Override
  public void resumeWrites() {
    writesPaused = false;
  }

  @Override
  public void replicate(NodeId master) {
    sim.roleChanged(this, master);
  }
}
