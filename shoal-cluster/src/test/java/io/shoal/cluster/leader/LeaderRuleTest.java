package io.shoal.cluster.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.cluster.failure.ReachabilityView;
import io.shoal.cluster.gossip.SeenSet;
import io.shoal.cluster.member.ClusterState;
import io.shoal.cluster.member.Incarnation;
import io.shoal.cluster.member.MemberStatus;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.StateFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaderRuleTest {

    private final List<NodeId> ids = StateFixtures.ids(9, 6).stream().sorted().toList();

    private ClusterState cluster(MemberStatus... statuses) {
        ClusterState state = ClusterState.EMPTY;
        for (int i = 0; i < statuses.length; i++) {
            state = state.merge(StateFixtures.node(ids.get(i), 7000 + i, 1, statuses[i]));
        }
        return state;
    }

    @Test
    void leaderIsTheFirstUpOrLeavingMemberInIdOrder() {
        ClusterState state = cluster(MemberStatus.JOINING, MemberStatus.LEAVING, MemberStatus.UP);
        assertThat(LeaderRule.leaderOf(state, ReachabilityView.of(state, 5))).isEqualTo(ids.get(1));
    }

    @Test
    void unreachableMembersCannotLead() {
        ClusterState state = cluster(MemberStatus.UP, MemberStatus.UP, MemberStatus.UP);
        state = state.withOwnState(state.get(ids.get(1)).withObservation(ids.get(0), Incarnation.FIRST, false));
        assertThat(LeaderRule.leaderOf(state, ReachabilityView.of(state, 5))).isEqualTo(ids.get(1));
    }

    @Test
    void noLeaderWithoutUpMembers() {
        ClusterState state = cluster(MemberStatus.JOINING, MemberStatus.DOWN);
        assertThat(LeaderRule.leaderOf(state, ReachabilityView.of(state, 5))).isNull();
    }

    @Test
    void everyNodeNamesTheSameLeaderForTheSameState() {
        ClusterState a = cluster(MemberStatus.UP, MemberStatus.UP, MemberStatus.JOINING, MemberStatus.UP);
        java.util.List<io.shoal.cluster.member.NodeState> reversed = new java.util.ArrayList<>(a.states());
        java.util.Collections.reverse(reversed);
        ClusterState b = ClusterState.of(reversed);
        assertThat(LeaderRule.leaderOf(a, ReachabilityView.of(a, 5)))
                .isEqualTo(LeaderRule.leaderOf(b, ReachabilityView.of(b, 5)));
    }

    @Test
    void leaderMovesMembersForwardOnce() {
        ClusterState state = cluster(MemberStatus.UP, MemberStatus.JOINING, MemberStatus.LEAVING, MemberStatus.EXITING,
                MemberStatus.DOWN);
        ClusterState moved = LeaderActions.apply(state, ReachabilityView.of(state, 5));
        assertThat(moved.member(ids.get(1)).status()).isEqualTo(MemberStatus.UP);
        assertThat(moved.member(ids.get(2)).status()).isEqualTo(MemberStatus.EXITING);
        assertThat(moved.member(ids.get(3)).status()).isEqualTo(MemberStatus.REMOVED);
        assertThat(moved.member(ids.get(4)).status()).isEqualTo(MemberStatus.REMOVED);
        ClusterState upOnly = cluster(MemberStatus.UP, MemberStatus.UP);
        assertThat(LeaderActions.apply(upOnly, ReachabilityView.of(upOnly, 5))).isSameAs(upOnly);
    }

    @Test
    void unreachableJoinersWait() {
        ClusterState state = cluster(MemberStatus.UP, MemberStatus.JOINING);
        state = state.withOwnState(state.get(ids.get(0)).withObservation(ids.get(1), Incarnation.FIRST, false));
        ClusterState moved = LeaderActions.apply(state, ReachabilityView.of(state, 5));
        assertThat(moved.member(ids.get(1)).status()).isEqualTo(MemberStatus.JOINING);
    }

    @Test
    void convergenceNeedsEveryReachableCountingMember() {
        ClusterState state = cluster(MemberStatus.UP, MemberStatus.UP, MemberStatus.JOINING);
        ReachabilityView view = ReachabilityView.of(state, 5);
        SeenSet seen = SeenSet.only(state.membershipHash(), state.size(), state.indexOf(ids.get(0)));
        assertThat(Convergence.isConverged(state, view, seen)).isFalse();
        seen = seen.with(state.indexOf(ids.get(1)));
        assertThat(Convergence.isConverged(state, view, seen)).as("joining members need not have seen it").isTrue();
        SeenSet stale = SeenSet.only(state.membershipHash() + 1, state.size(), 0);
        assertThat(Convergence.isConverged(state, view, stale)).isFalse();
    }
}
