package io.shoal.server.cluster;

import io.shoal.cluster.member.NodeId;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.slot.KeySlot;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

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
 * <p>Roles follow Redis too: a replica owns no slots and records its master; a node that claims
 * slots is a master. When this node's master (or this node itself, as a master) loses its last
 * slot to another node's newer claim, this node follows that node: this is how the replicas of a
 * failed master, and the failed master itself when it returns, end up replicating the replica that
 * took its place. Role changes of this node are reported to the {@link #onRoleChange} listener,
 * which drives the replication.
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
  /** Restarted from a saved state and not yet caught up with the cluster's current claims. */
  private boolean rejoining;
  private volatile Routing routing;
  private Runnable changeListener = () -> {};
  private Consumer<KnownNode> roleListener = master -> {};
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

  /**
   * Called (under this object's lock) when this node's role changes: with its new master, or with
   * null when it became a master. The listener must not call back into replication under the lock.
   */
  public synchronized void onRoleChange(Consumer<KnownNode> listener) {
    this.roleListener = listener;
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

  /** This node's role, to gossip. */
  public synchronized RoleClaim myRole() {
    KnownNode me = myself();
    return new RoleClaim(me.masterId(), me.replOffset());
  }

  /** The replicas of a node, in the order they became known. */
  public synchronized List<KnownNode> replicasOf(NodeId master) {
    List<KnownNode> replicas = new ArrayList<>();
    for (KnownNode node : nodes.values()) {
      if (master.equals(node.masterId())) {
        replicas.add(node);
      }
    }
    return replicas;
  }

  /**
   * This node's replication offset as replication reports it. Not a change of configuration: it
   * is neither saved nor does it wake the listener; the module gossips it at its own pace.
   */
  public synchronized void myOffset(long offset) {
    KnownNode me = myself();
    nodes.put(myId, me.withRole(me.masterId(), Math.max(0, offset)));
  }

  /** The slots a node owns, in order. */
  /** The slots of every node that serves some, in one pass over the slot table. */
  public synchronized java.util.Map<NodeId, BitSet> slotsByOwner() {
    java.util.Map<NodeId, BitSet> result = new java.util.HashMap<>();
    NodeId last = null;
    BitSet lastSlots = null;
    for (int slot = 0; slot < owners.length; slot++) {
      NodeId owner = owners[slot];
      if (owner == null) {
        continue;
      }
      if (owner != last) {
        last = owner;
        lastSlots = result.computeIfAbsent(owner, ignored -> new BitSet(KeySlot.SLOT_COUNT));
      }
      lastSlots.set(slot);
    }
    return result;
  }

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

  /**
   * CLUSTER REPLICATE, with Redis's checks: follow a master; a master may become a replica only
   * when it holds no slots and no keys ({@code keys} is the size of database 0).
   */
  public synchronized void replicate(NodeId master, long keys) {
    KnownNode target = nodes.get(master);
    if (target == null) {
      throw ShoalError.err("Unknown node " + master.toHex());
    }
    if (master.equals(myId)) {
      throw ShoalError.err("Can't replicate myself");
    }
    if (target.isReplica()) {
      throw ShoalError.err("I can only replicate a master, not a replica.");
    }
    if (!myself().isReplica() && (!slotsOf(myId).isEmpty() || keys != 0)) {
      throw ShoalError.err("To set a master the node must be empty and without assigned slots.");
    }
    follow(master);
  }

  /**
   * Redis's {@code clusterSetMaster}: a master gives up its slots and any slot being moved, then
   * this node records its master and tells the role listener.
   */
  private void follow(NodeId master) {
    KnownNode me = myself();
    if (master.equals(me.masterId())) {
      return;
    }
    if (!me.isReplica()) {
      for (int slot = 0; slot < owners.length; slot++) {
        if (myId.equals(owners[slot])) {
          owners[slot] = null;
        }
        migrating[slot] = null;
        importing[slot] = null;
      }
    }
    nodes.put(myId, me.withRole(master, me.replOffset()));
    changed();
    roleListener.accept(nodes.get(master));
  }

  /**
   * A replica takes over its master's slots (failover): this node's config epoch becomes
   * {@code configEpoch}, which must be newer than the master's so that the claim wins everywhere;
   * it owns every slot of its former master and is a master from now on.
   */
  public synchronized void takeOver(long configEpoch) {
    KnownNode me = myself();
    if (!me.isReplica()) {
      throw new IllegalStateException("only a replica takes over its master's slots");
    }
    NodeId master = me.masterId();
    for (int slot = 0; slot < owners.length; slot++) {
      if (master.equals(owners[slot])) {
        owners[slot] = myId;
        migrating[slot] = null;
        importing[slot] = null;
      }
    }
    nodes.put(myId, me.withConfigEpoch(configEpoch).withRole(null, me.replOffset()));
    currentEpoch = Math.max(currentEpoch, configEpoch);
    changed();
    roleListener.accept(null);
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
    boolean wasReplica = me.isReplica();
    me = me.withRole(null, me.replOffset());
    newSelf = newSelf.withRole(null, 0);
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
    if (wasReplica) {
      roleListener.accept(null);
    }
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

  public synchronized boolean partitionLost() {
    return partitionLost;
  }

  /** The failover protocol reached a new epoch: it is saved before any message depends on it. */
  public synchronized void raiseCurrentEpoch(long epoch) {
    if (epoch > currentEpoch) {
      currentEpoch = epoch;
      changed();
    }
  }

  /** This master voted in an epoch: saved before the vote is sent, so a restart never votes twice. */
  public synchronized void voted(long epoch) {
    if (epoch > lastVoteEpoch) {
      lastVoteEpoch = epoch;
      changed();
    }
  }

  public synchronized boolean rejoining() {
    return rejoining;
  }

  /**
   * A node restarted from its nodes file may hold slots that were failed over while it was down;
   * until it has heard the others' claims it must not serve them (Redis's CLUSTER_WRITABLE_DELAY),
   * or a client with a stale map could write to it and lose the write when it becomes a replica.
   */
  public synchronized void rejoining(boolean value) {
    if (rejoining != value) {
      rejoining = value;
      changed();
    }
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
      known = known.withConfigEpoch(claim.configEpoch());
      nodes.put(sender, known);
      changed = true;
    }
    if (known.isReplica() && !claim.slots().isEmpty()) {
      // A node that claims slots is a master, whatever its older role said (a promoted replica).
      known = known.withRole(null, known.replOffset());
      nodes.put(sender, known);
      changed = true;
    }
    long seen = Math.max(claim.currentEpoch(), claim.configEpoch());
    if (seen > currentEpoch) {
      currentEpoch = seen;
      changed = true;
    }
    KnownNode me = myself();
    NodeId myMaster = me.isReplica() ? me.masterId() : myId;
    boolean tookFromMyMaster = false;
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
          if (myMaster.equals(owner)) {
            tookFromMyMaster = true;
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
    if (!me.isReplica() && !known.isReplica() && claim.configEpoch() == me.configEpoch()
        && sender.compareTo(myId) > 0) {
      currentEpoch++;
      nodes.put(myId, me.withConfigEpoch(currentEpoch));
      changed = true;
      mineChanged = true;
    }
    if (changed) {
      changed();
    }
    if (tookFromMyMaster && slotsOf(myMaster).isEmpty()) {
      // clusterUpdateSlotsConfigWith: our master (or we) lost its last slot to the sender, whose
      // claim is newer: the sender now serves our data, so we replicate it.
      follow(sender);
      mineChanged = true;
    }
    return mineChanged;
  }

  /**
   * A node's gossiped role. A node that claims slots stays a master whatever its role says (its
   * slot claim may be newer than its role); offsets alone are not saved.
   */
  public synchronized void applyRole(NodeId sender, RoleClaim role) {
    KnownNode known = nodes.get(sender);
    if (sender.equals(myId) || known == null) {
      return;
    }
    NodeId master = role.isReplica() && slotsOf(sender).isEmpty() && !role.masterId().equals(sender)
        ? role.masterId() : null;
    KnownNode next = known.withRole(master, role.replOffset());
    if (next == known) {
      return;
    }
    nodes.put(sender, next);
    if (!Objects.equals(known.masterId(), master)) {
      changed();
    }
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
    boolean ok = !partitionLost && !rejoining
        && (!requireFullCoverage || (assigned == KeySlot.SLOT_COUNT && failedSlots == 0));
    routing = new Routing(myId, myself().masterId(), slotNodes, migratingNodes, importingSlots, ok, assigned,
        failedSlots);
  }

  /**
   * An immutable snapshot for the request path: the node serving each slot, slots being moved,
   * whether the cluster is ok, and the master this node replicates (null for a master).
   */
  public record Routing(NodeId myId, NodeId myMasterId, KnownNode[] owners, KnownNode[] migrating, boolean[] importing, boolean ok,
      int slotsAssigned, int slotsFailed) {
    public boolean mine(int slot) {
      return owners[slot] != null && owners[slot].id().equals(myId);
    }
  }
}
