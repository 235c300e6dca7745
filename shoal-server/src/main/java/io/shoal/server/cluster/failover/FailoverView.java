package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * Everything the failover protocol reads about the cluster, as this node sees it at one moment:
 * the input the lead builds from {@code ClusterState} and {@code ReplicationControl} each time
 * the protocol asks ({@link Failover} takes a supplier of views).
 *
 * @param myId this node
 * @param myMasterId the master this node replicates, or null when it is a master
 * @param myReplOffset this node's replication offset (applied, for a replica)
 * @param currentEpoch the cluster-wide epoch this node has seen (Redis's currentEpoch)
 * @param lastVoteEpoch the last epoch this node voted in, as persisted
 * @param nodeTimeoutMillis cluster-node-timeout; every delay of the protocol is scaled from it
 * @param partitionLost this node's side of a partition must not act (membership PartitionLost)
 * @param durable durable mode: a candidate must prove it holds the acknowledged history
 * @param shardSize S, the members of my shard (master + replicas) that durable acks count over
 * @param migrationBarrier cluster-migration-barrier; negative disables replica migration
 * @param masters every known master (with or without slots), by id
 * @param replicas every known replica (this node included or not), by id
 */
public record FailoverView(NodeId myId, NodeId myMasterId, long myReplOffset, long currentEpoch, long lastVoteEpoch,
    long nodeTimeoutMillis, boolean partitionLost, boolean durable, int shardSize, int migrationBarrier,
    Map<NodeId, MasterView> masters, Map<NodeId, ReplicaView> replicas) {

  /** A master: the config epoch backing its slots, whether it is failed (FAIL), its slots. */
  public record MasterView(NodeId id, long configEpoch, boolean failed, BitSet slots) {
    public boolean ownsSlots() {
      return !slots.isEmpty();
    }
  }

  /** A replica: whom it replicates, its last gossiped offset, whether it is failed. */
  public record ReplicaView(NodeId id, NodeId masterId, long replOffset, boolean failed) {}

  public FailoverView {
    masters = Map.copyOf(masters);
    replicas = Map.copyOf(replicas);
    if (nodeTimeoutMillis <= 0) {
      throw new IllegalArgumentException("node timeout: " + nodeTimeoutMillis + " (expected: > 0)");
    }
  }

  public boolean isReplica() {
    return myMasterId != null;
  }

  /** My master as I know it, or null when I am a master or do not know it. */
  public MasterView myMaster() {
    return myMasterId == null ? null : masters.get(myMasterId);
  }

  public MasterView myselfAsMaster() {
    return myMasterId == null ? masters.get(myId) : null;
  }

  /** True when I am a master that owns slots: only those vote (Redis's rule). */
  public boolean isVoter() {
    MasterView me = myselfAsMaster();
    return me != null && me.ownsSlots();
  }

  /** Redis's {@code server.cluster->size}: masters that own slots, the failed ones included. */
  public int slotMasterCount() {
    return (int) masters.values().stream().filter(MasterView::ownsSlots).count();
  }

  /** Votes a candidate needs: a majority of the masters with slots ({@code size/2+1}). */
  public int quorum() {
    return slotMasterCount() / 2 + 1;
  }

  /** The other replicas of my master. */
  public List<ReplicaView> siblings() {
    if (myMasterId == null) {
      return List.of();
    }
    return replicas.values().stream()
        .filter(replica -> myMasterId.equals(replica.masterId()) && !replica.id().equals(myId))
        .sorted(java.util.Comparator.comparing(ReplicaView::id))
        .toList();
  }

  /** Working (not failed) replicas of a master. */
  public List<ReplicaView> workingReplicasOf(NodeId master) {
    return replicas.values().stream()
        .filter(replica -> master.equals(replica.masterId()) && !replica.failed())
        .sorted(java.util.Comparator.comparing(ReplicaView::id))
        .toList();
  }

  /**
   * My place in the queue of candidates, after Redis's {@code clusterGetSlaveRank}: the number of
   * working siblings with a greater offset. Unlike Redis, a sibling with the same offset and a
   * smaller id also goes first, so equal replicas never start in the same instant and split votes.
   *
   * @param heardOffsets fresher offsets than the gossiped ones (durable-mode replies), or empty
   */
  public int rank(Map<NodeId, Long> heardOffsets) {
    int rank = 0;
    for (ReplicaView sibling : siblings()) {
      if (sibling.failed()) {
        continue;
      }
      long offset = Math.max(sibling.replOffset(), heardOffsets.getOrDefault(sibling.id(), Long.MIN_VALUE));
      if (offset > myReplOffset || (offset == myReplOffset && sibling.id().compareTo(myId) < 0)) {
        rank++;
      }
    }
    return rank;
  }
}
