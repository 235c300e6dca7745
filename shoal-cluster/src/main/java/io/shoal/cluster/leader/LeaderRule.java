package io.shoal.cluster.leader;

import io.shoal.cluster.failure.ReachabilityView;
import io.shoal.cluster.member.ClusterState;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.NodeState;

/**
 * The leader is the first reachable member in node-ID order whose status is up or leaving.
 *
 * <p>There is no election, as in Akka Cluster: every node applies the same rule to its own view,
 * and once gossip has converged every node names the same leader. Two nodes may briefly both
 * believe they lead while views differ; that is harmless because the leader's only moves
 * (joining to up, leaving to exiting, exiting and down to removed) are forward moves in the
 * status lattice, so doing one twice, or on two nodes, yields the same state.
 */
public final class LeaderRule {

    private LeaderRule() {
    }

    /** The leader in this view, or null when no member can lead. */
    public static NodeId leaderOf(ClusterState state, ReachabilityView view) {
        for (NodeId id : state.sortedIds()) {
            NodeState node = state.get(id);
            if (node.status().canLead() && !view.isUnreachable(id)) {
                return id;
            }
        }
        return null;
    }
}
