package io.shoal.cluster.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.cluster.member.ClusterState;
import io.shoal.cluster.member.Incarnation;
import io.shoal.cluster.member.MemberStatus;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.NodeState;
import io.shoal.cluster.member.StateFixtures;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonitorRingTest {

    @Test
    void everyoneWatchesEveryoneBelowSixMembers() {
        for (int n = 1; n <= 5; n++) {
            MonitorRing ring = MonitorRing.of(StateFixtures.ids(1, n), 5);
            assertThat(ring.monitorsPerNode()).isEqualTo(n - 1);
        }
        assertThat(MonitorRing.of(StateFixtures.ids(1, 6), 5).monitorsPerNode()).isEqualTo(5);
        assertThat(MonitorRing.of(StateFixtures.ids(1, 1000), 5).monitorsPerNode()).isEqualTo(5);
    }

    @Test
    void ringIsTheSameWhateverTheInputOrder() {
        List<NodeId> ids = StateFixtures.ids(2, 50);
        List<NodeId> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, new java.util.Random(5));
        MonitorRing a = MonitorRing.of(ids, 5);
        MonitorRing b = MonitorRing.of(shuffled, 5);
        for (NodeId id : ids) {
            assertThat(a.subjectsOf(id)).isEqualTo(b.subjectsOf(id));
            assertThat(a.monitorsOf(id)).isEqualTo(b.monitorsOf(id));
        }
    }

    @Test
    void monitorsAndSubjectsAreInverse() {
        List<NodeId> ids = StateFixtures.ids(3, 40);
        MonitorRing ring = MonitorRing.of(ids, 5);
        for (NodeId subject : ids) {
            assertThat(ring.monitorsOf(subject)).hasSize(5).doesNotContain(subject).doesNotHaveDuplicates();
            for (NodeId monitor : ring.monitorsOf(subject)) {
                assertThat(ring.subjectsOf(monitor)).contains(subject);
            }
        }
    }

    @Test
    void downAndRemovedMembersLeaveTheRing() {
        List<NodeId> ids = StateFixtures.ids(4, 8);
        List<NodeState> states = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            MemberStatus status = i == 0 ? MemberStatus.DOWN : i == 1 ? MemberStatus.REMOVED : MemberStatus.UP;
            states.add(StateFixtures.node(ids.get(i), 7000 + i, 1, status));
        }
        MonitorRing ring = MonitorRing.of(ClusterState.of(states), 5);
        assertThat(ring.size()).isEqualTo(6);
        assertThat(ring.contains(ids.get(0))).isFalse();
    }

    @Test
    void failedNeedsAMajorityOfMonitors() {
        List<NodeId> ids = StateFixtures.ids(5, 10);
        ClusterState state = ClusterState.EMPTY;
        for (int i = 0; i < ids.size(); i++) {
            state = state.merge(StateFixtures.node(ids.get(i), 7000 + i, 1, MemberStatus.UP));
        }
        MonitorRing ring = MonitorRing.of(state, 5);
        NodeId subject = ids.get(3);
        List<NodeId> monitors = ring.monitorsOf(subject);
        assertThat(ring.agreementNeeded()).isEqualTo(3);
        for (int agreeing = 1; agreeing <= 5; agreeing++) {
            NodeId monitor = monitors.get(agreeing - 1);
            state = state.withOwnState(state.get(monitor).withObservation(subject, Incarnation.FIRST, false));
            ReachabilityView view = ReachabilityView.of(state, 5);
            assertThat(view.isUnreachable(subject)).isTrue();
            assertThat(view.isFailed(subject)).as(agreeing + " monitors agree").isEqualTo(agreeing >= 3);
        }
    }

    @Test
    void complaintsAboutAnOldIncarnationDoNotCount() {
        List<NodeId> ids = StateFixtures.ids(6, 3);
        ClusterState state = ClusterState.EMPTY;
        for (int i = 0; i < ids.size(); i++) {
            state = state.merge(StateFixtures.node(ids.get(i), 7000 + i, i == 0 ? 2 : 1, MemberStatus.UP));
        }
        for (NodeId monitor : ids.subList(1, 3)) {
            state = state.withOwnState(state.get(monitor).withObservation(ids.get(0), Incarnation.FIRST, false));
        }
        assertThat(ReachabilityView.of(state, 5).isUnreachable(ids.get(0))).isFalse();
    }
}
