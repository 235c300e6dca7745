package io.shoal.cluster.leader;

import io.shoal.cluster.failure.ReachabilityView;
import io.shoal.cluster.member.ClusterState;
import io.shoal.cluster.member.MemberStatus;
import io.shoal.cluster.member.NodeState;
import java.util.ArrayList;
import java.util.List;

/**
 * The moves only the leader makes, on a converged view: joining members that are reachable
 * become up, leaving members become exiting, exiting and down members are removed.
 *
 * <p>All moves of one round are applied together, so one convergence admits every waiting
 * joiner at once; a thousand nodes joining together need a few convergences, not a thousand.
 */
public final class LeaderActions {

    private LeaderActions() {
    }

    /** The state after the leader's moves; {@code state} itself when there is nothing to do. */
    public static ClusterState apply(ClusterState state, ReachabilityView view) {
        List<NodeState> moved = new ArrayList<>();
        state.forEach(node -> {
            MemberStatus next = nextStatus(node.status(), view.isUnreachable(node.id()));
            if (next != node.status()) {
                moved.add(node.withStatus(next));
            }
        });
        return moved.isEmpty() ? state : state.mergeAll(moved);
    }

    static MemberStatus nextStatus(MemberStatus status, boolean unreachable) {
        return switch (status) {
            case JOINING -> unreachable ? status : MemberStatus.UP;
            case LEAVING -> MemberStatus.EXITING;
            case EXITING, DOWN -> MemberStatus.REMOVED;
            case UP, REMOVED -> status;
        };
    }
}
