package io.shoal.server.cluster;

import io.shoal.cluster.member.NodeId;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.slot.KeySlot;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This node's view of the slot map, the equivalent of Redis's {@code clusterState}: every known
 * node, the owner of each of the 16384 slots, the epochs, and the slots being moved.
 *
 * <p>Ownership follows Redis Cluster's rules ({@code clusterUpdateSlotsConfigWith}): a claim on a
 * slot replaces the current owner only when it is backed by a higher config epoch, so the last
 * configuration agreed on wins everywhere regardless of the order claims arrive in. Two masters
 * never keep the same config epoch: when a node sees another master with its own epoch and the
 * other's ID is the greater, it takes a new epoch ({@code clusterHandleConfigEpochCollision}).
 * Unlike Redis, an owner's own claim is authoritative for its slots: when the owner stops claiming
 * a slot (DELSLOTS), the others unassign it too, so no cluster-wide DELSLOTS is needed.
 *
 * <p>All mutations are synchronized; readers on the hot path use the immutable {@link Routing}
 * snapshot rebuilt after each change.
 */
public final class ClusterState {
  private final Map<NodeId, KnownNode> nodes = new LinkedHashMap<>();
  private final NodeId[] owners = new NodeId[KeySlot.SLOT_COUNT];
  private final NodeId[] migrating = new NodeId[KeySlot.SLOT_COUNT];
  private final NodeId[] importing = new NodeId[KeySlot.SLOT_COUNT];
  private final boolean requireFullCoverage;
  private NodeId myId;
  private long currentEpoch;
  private long lastVoteEpoch;
  private boolean partitionLost;
  private volatile Routing routing;
  private Runnable changeListener = () -> {};
  private long changes;

  public ClusterState(KnownNode myself, boolean requireFullCoverage) {
    this.myId = myself.id();
    this.requireFullCoverage = requireFullCoverage;
    nodes.put(myself.id(), myself);
    rebuild();
  }

  /** Called (under this object's lock) after every change, to persist and gossip it. */
  public synchronized void onChange(Runnable listener) {
    this.changeListener = listener;
  }

  public Routing routing() {
    return routing;
  }

  public synchronized NodeId myId() {
    return myId;
  }

  public synchronized KnownNode myself() {
    return nodes.get(myId);
  }

  public synchronized long currentEpoch() {
    return currentEpoch;
  }

  public synchronized long lastVoteEpoch() {
    return lastVoteEpoch;
  }

  public synchronized List<KnownNode> nodes() {
    return new ArrayList<>(nodes.values());
  }

  public synchronized KnownNode node(NodeId id) {
    return nodes.get(id);
  }

  public synchronized KnownNode nodeByHex(String hex) {
    for (KnownNode node : nodes.values()) {
      if (node.id().toHex().equalsIgnoreCase(hex)) {
        return node;
      }
    }
    return null;
  }

  public synchronized NodeId owner(int slot) {
    return owners[slot];
  }

  public synchronized NodeId migrating(int slot) {
    return migrating[slot];
  }

  public synchronized NodeId importing(int slot) {
    return importing[slot];
  }

  /** This node's claim, to gossip. */
  public synchronized SlotClaim myClaim() {
    BitSet mine = new BitSet(KeySlot.SLOT_COUNT);
    for (int slot = 0; slot < owners.length; slot++) {
      if (myId.equals(owners[slot])) {
        mine.set(slot);
      }
    }
    return new SlotClaim(myself().configEpoch(), currentEpoch, mine);
  }

  /** The slots a node owns, in order. */
  public synchronized BitSet slotsOf(NodeId id) {
    BitSet slots = new BitSet(KeySlot.SLOT_COUNT);
    for (int slot = 0; slot < owners.length; slot++) {
      if (id.equals(owners[slot])) {
        slots.set(slot);
      }
    }
    return slots;
  }

  // ---- Commands on this node ------------------------------------------------------------------

  public synchronized void addSlots(int[] slots) {
    for (int slot : slots) {
      if (owners[slot] != null) {
        throw ShoalError.err("Slot " + slot + " is already busy");
      }
    }
    for (int slot : slots) {
      owners[slot] = myId;
      importing[slot] = null;
    }
    changed();
  }

  public synchronized void deleteSlots(int[] slots) {
    for (int slot : slots) {
      if (owners[slot] == null) {
        throw ShoalError.err("Slot " + slot + " is already unassigned");
      }
    }
    for (int slot : slots) {
      owners[slot] = null;
      migrating[slot] = null;
      importing[slot] = null;
    }
    changed();
  }

  public synchronized void flushSlots() {
    for (int slot = 0; slot < owners.length; slot++) {
      owners[slot] = null;
      migrating[slot] = null;
      importing[slot] = null;
    }
    changed();
  }

  public synchronized void setMigrating(int slot, NodeId target) {
    if (!myId.equals(owners[slot])) {
      throw ShoalError.err("I'm not the owner of hash slot " + slot);
    }
    migrating[slot] = target;
    changed();
  }

  public synchronized void setImporting(int slot, NodeId source) {
    if (myId.equals(owners[slot])) {
      throw ShoalError.err("I'm already the owner of hash slot " + slot);
    }
    importing[slot] = source;
    changed();
  }

  public synchronized void setStable(int slot) {
    migrating[slot] = null;
    importing[slot] = null;
    changed();
  }

  /**
   * SETSLOT NODE: assigns the slot. Closing an import here takes a new config epoch without
   * consensus, as Redis does, so the new owner's claim beats the old owner's everywhere.
   */
  public synchronized void setNode(int slot, NodeId owner, int keysInSlot) {
    if (myId.equals(owners[slot]) && !owner.equals(myId) && keysInSlot > 0) {
      throw ShoalError.err("Can't assign hashslot " + slot
          + " to a different node while I still hold keys for this hash slot.");
    }
    if (migrating[slot] != null && keysInSlot == 0 && !owner.equals(myId)) {
      migrating[slot] = null;
    }
    if (owner.equals(myId) && importing[slot] != null) {
      importing[slot] = null;
      bumpEpochWithoutConsensus();
    }
    owners[slot] = owner;
    changed();
  }

  /** CLUSTER BUMPEPOCH: true if the epoch moved ("BUMPED"), false if it already was the highest. */
  public synchronized boolean bumpEpochWithoutConsensus() {
    long max = currentEpoch;
    for (KnownNode node : nodes.values()) {
      max = Math.max(max, node.configEpoch());
    }
    KnownNode me = myself();
    if (me.configEpoch() == 0 || me.configEpoch() != max) {
      currentEpoch++;
      nodes.put(myId, me.withConfigEpoch(currentEpoch));
      changed();
      return true;
    }
    return false;
  }

  public synchronized void setConfigEpoch(long epoch) {
    if (epoch < 0) {
      throw ShoalError.err("Invalid config epoch specified: " + epoch);
    }
    if (nodes.size() > 1) {
      throw ShoalError.err("The user can assign a config epoch only when the node does not know any other node.");
    }
    if (myself().configEpoch() != 0) {
      throw ShoalError.err("Node config epoch is already non-zero");
    }
    nodes.put(myId, myself().withConfigEpoch(epoch));
    currentEpoch = Math.max(currentEpoch, epoch);
    changed();
  }

  public synchronized void forget(NodeId id) {
    nodes.remove(id);
    for (int slot = 0; slot < owners.length; slot++) {
      if (id.equals(owners[slot])) {
        owners[slot] = null;
      }
      if (id.equals(migrating[slot])) {
        migrating[slot] = null;
      }
      if (id.equals(importing[slot])) {
        importing[slot] = null;
      }
    }
    changed();
  }

  /** CLUSTER RESET: forget everyone and every slot; HARD also takes a new ID and zeroes epochs. */
  public synchronized void reset(KnownNode newSelf, boolean hard) {
    KnownNode me = myself();
    nodes.clear();
    java.util.Arrays.fill(owners, null);
    java.util.Arrays.fill(migrating, null);
    java.util.Arrays.fill(importing, null);
    if (hard) {
      currentEpoch = 0;
      lastVoteEpoch = 0;
      myId = newSelf.id();
      nodes.put(myId, newSelf.withConfigEpoch(0));
    } else {
      nodes.put(myId, me);
    }
    changed();
  }

  // ---- What the membership tells -------------------------------------------------------------

  /** A member is up or changed address: add it or update it; a member seen again is not failed. */
  public synchronized void memberSeen(NodeId id, String host, int port, int busPort, long nowMillis) {
    KnownNode known = nodes.get(id);
    KnownNode next = known == null ? new KnownNode(id, host, port, busPort, 0, false, nowMillis)
        : known.withAddress(host, port, busPort).withFailed(false).withPong(nowMillis);
    if (!next.equals(known)) {
      boolean structural = known == null || known.failed() || !known.endpoint().equals(next.endpoint());
      nodes.put(id, next);
      if (structural) {
        changed();
      }
    }
  }

  public synchronized void memberFailed(NodeId id, boolean failed) {
    KnownNode known = nodes.get(id);
    if (known != null && !id.equals(myId) && known.failed() != failed) {
      nodes.put(id, known.withFailed(failed));
      changed();
    }
  }

  /** A member left or was removed: keep it, failed, while it still owns slots (Redis keeps it). */
  public synchronized void memberRemoved(NodeId id) {
    if (id.equals(myId) || !nodes.containsKey(id)) {
      return;
    }
    if (slotsOf(id).isEmpty()) {
      nodes.remove(id);
    } else {
      nodes.put(id, nodes.get(id).withFailed(true));
    }
    changed();
  }

  public synchronized void partitionLost(boolean lost) {
    if (partitionLost != lost) {
      partitionLost = lost;
      changed();
    }
  }

  /**
   * A node's gossiped claim. Returns true when this node changed its own claim in response (lost a
   * slot, or took a new epoch after a collision), so the caller gossips the new claim.
   */
  public synchronized boolean applyClaim(NodeId sender, SlotClaim claim) {
    if (sender.equals(myId)) {
      return false;
    }
    KnownNode known = nodes.get(sender);
    if (known == null) {
      return false;
    }
    boolean changed = false;
    boolean mineChanged = false;
    if (known.configEpoch() != claim.configEpoch()) {
      nodes.put(sender, known.withConfigEpoch(claim.configEpoch()));
      changed = true;
    }
    long seen = Math.max(claim.currentEpoch(), claim.configEpoch());
    if (seen > currentEpoch) {
      currentEpoch = seen;
      changed = true;
    }
    for (int slot = 0; slot < owners.length; slot++) {
      NodeId owner = owners[slot];
      if (claim.slots().get(slot)) {
        if (sender.equals(owner)) {
          continue;
        }
        if (owner == null || epochOf(owner) < claim.configEpoch()) {
          if (myId.equals(owner)) {
            mineChanged = true;
            migrating[slot] = null;
          }
          owners[slot] = sender;
          importing[slot] = null;
          changed = true;
        }
      } else if (sender.equals(owner)) {
        owners[slot] = null;
        changed = true;
      }
    }
    KnownNode me = myself();
    if (claim.configEpoch() == me.configEpoch() && sender.compareTo(myId) > 0) {
      currentEpoch++;
      nodes.put(myId, me.withConfigEpoch(currentEpoch));
      changed = true;
      mineChanged = true;
    }
    if (changed) {
      changed();
    }
    return mineChanged;
  }

  private long epochOf(NodeId id) {
    KnownNode node = nodes.get(id);
    return node == null ? -1 : node.configEpoch();
  }

  // ---- Loading from the nodes file -------------------------------------------------------------

  public synchronized void load(List<KnownNode> known, Map<Integer, NodeId> slotOwners, long epoch, long voteEpoch) {
    for (KnownNode node : known) {
      nodes.put(node.id(), node.id().equals(myId) ? node : node.withFailed(false));
    }
    for (Map.Entry<Integer, NodeId> entry : slotOwners.entrySet()) {
      owners[entry.getKey()] = entry.getValue();
    }
    currentEpoch = Math.max(currentEpoch, epoch);
    lastVoteEpoch = voteEpoch;
    rebuild();
  }

  // ---- Snapshot ---------------------------------------------------------------------------------

  private void changed() {
    changes++;
    rebuild();
    changeListener.run();
  }

  public synchronized long changes() {
    return changes;
  }

  private void rebuild() {
    KnownNode[] slotNodes = new KnownNode[KeySlot.SLOT_COUNT];
    KnownNode[] migratingNodes = new KnownNode[KeySlot.SLOT_COUNT];
    boolean[] importingSlots = new boolean[KeySlot.SLOT_COUNT];
    int assigned = 0;
    int failedSlots = 0;
    for (int slot = 0; slot < owners.length; slot++) {
      if (owners[slot] != null) {
        slotNodes[slot] = nodes.get(owners[slot]);
        assigned++;
        if (slotNodes[slot] != null && slotNodes[slot].failed()) {
          failedSlots++;
        }
      }
      if (migrating[slot] != null) {
        migratingNodes[slot] = nodes.get(migrating[slot]);
      }
      importingSlots[slot] = importing[slot] != null;
    }
    boolean ok = !partitionLost
        && (!requireFullCoverage || (assigned == KeySlot.SLOT_COUNT && failedSlots == 0));
    routing = new Routing(myId, slotNodes, migratingNodes, importingSlots, ok, assigned, failedSlots);
  }

  /**
   * An immutable snapshot for the request path: the node serving each slot, slots being moved,
   * and whether the cluster is ok.
   */
  public record Routing(NodeId myId, KnownNode[] owners, KnownNode[] migrating, boolean[] importing, boolean ok,
      int slotsAssigned, int slotsFailed) {
    public boolean mine(int slot) {
      return owners[slot] != null && owners[slot].id().equals(myId);
    }
  }
}
