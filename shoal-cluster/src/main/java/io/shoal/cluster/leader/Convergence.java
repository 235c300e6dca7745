package io.shoal.cluster.leader;

import io.shoal.cluster.failure.ReachabilityView;
import io.shoal.cluster.gossip.SeenSet;
import io.shoal.cluster.member.ClusterState;
import io.shoal.cluster.member.NodeId;

/**
 * Gossip has converged when every reachable member that counts (up, leaving, exiting) has seen
 * the membership this node holds, as Akka defines it. Only then does the leader act, so that it
 * never moves members on a view others have not seen.
 */
public final class Convergence {

    private Convergence() {
    }

    public static boolean isConverged(ClusterState state, ReachabilityView view, SeenSet seen) {
        if (seen.membershipHash() != state.membershipHash()) {
            return false;
        }
        NodeId[] ids = state.sortedIds();
        for (int i = 0; i < ids.length; i++) {
            if (!seen.contains(i) && state.get(ids[i]).status().countsForConvergence()
                    && !view.isUnreachable(ids[i])) {
                return false;
            }
        }
        return true;
    }
}
