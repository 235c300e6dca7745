package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replica migration (cluster-migration-barrier), after Redis's {@code clusterHandleSlaveMigration}:
 * a master with slots left without a working replica ("orphaned") gets one from the master that
 * has the most working replicas, provided that master keeps more than the barrier.
 *
 * <p>Every replica evaluates the same rule on the same view, and exactly one of them moves: the
 * replica with the smallest id among the replicas of the masters with the most working replicas
 * (Redis's candidate rule). The target is the orphan with the smallest id. A master counts as
 * orphaned only if it is not failed (a failed one needs a failover, not a replica), has been
 * seen with a replica or as a replica before (Redis's MIGRATE_TO flag: masters deliberately run
 * without replicas are left alone), and has stayed orphaned for {@link FailoverTiming#ORPHAN_DELAY_MILLIS}.
 */
public final class ReplicaMigration {
  private final Map<NodeId, Long> orphanedSinceMillis = new HashMap<>();
  private final Set<NodeId> hadReplicas = new HashSet<>();
  private NodeId requestedFor;

  /** The master this replica should now replicate, or null; remembers what it saw for next time. */
  public NodeId decide(FailoverView view, long nowMillis, long orphanDelayMillis) {
    for (FailoverView.ReplicaView replica : view.replicas().values()) {
      hadReplicas.add(replica.id());
      if (replica.masterId() != null) {
        hadReplicas.add(replica.masterId());
      }
    }
    int maxWorking = 0;
    NodeId orphan = null;
    for (FailoverView.MasterView master : view.masters().values()) {
      int working = view.workingReplicasOf(master.id()).size();
      maxWorking = Math.max(maxWorking, working);
      boolean orphaned = working == 0 && master.ownsSlots() && !master.failed() && hadReplicas.contains(master.id());
      if (!orphaned) {
        orphanedSinceMillis.remove(master.id());
      } else {
        orphanedSinceMillis.putIfAbsent(master.id(), nowMillis);
        if (nowMillis - orphanedSinceMillis.get(master.id()) >= orphanDelayMillis
            && (orphan == null || master.id().compareTo(orphan) < 0)) {
          orphan = master.id();
        }
      }
    }
    FailoverView.MasterView myMaster = view.myMaster();
    if (orphan == null || myMaster == null || myMaster.failed() || view.partitionLost() || view.migrationBarrier() < 0) {
      return null;
    }
    int myMasterWorking = view.workingReplicasOf(myMaster.id()).size();
    if (myMasterWorking <= view.migrationBarrier() || myMasterWorking != maxWorking) {
      return null;
    }
    NodeId candidate = null;
    for (FailoverView.MasterView master : view.masters().values()) {
      List<FailoverView.ReplicaView> working = view.workingReplicasOf(master.id());
      if (working.size() == maxWorking && (candidate == null || working.get(0).id().compareTo(candidate) < 0)) {
        candidate = working.get(0).id();
      }
    }
    return view.myId().equals(candidate) ? orphan : null;
  }

  /** Acts on {@link #decide}: at most one CLUSTER REPLICATE per target until the view moves on. */
  void tick(FailoverView view, long nowMillis, long orphanDelayMillis, FailoverActions actions) {
    NodeId target = decide(view, nowMillis, orphanDelayMillis);
    if (target != null && !target.equals(requestedFor)) {
      requestedFor = target;
      actions.replicate(target);
    } else if (target == null) {
      requestedFor = null;
    }
  }
}
