package io.shoal.cluster.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.cluster.member.MemberStatus;
import io.shoal.cluster.member.NodeState;
import io.shoal.cluster.node.NodeSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Forget and graceful leave on twelve simulated nodes. */
class ForgetAndRestartTest {

    private static SimCluster formed(int nodes) {
        SimCluster cluster = new SimCluster(SimOptions.defaults(nodes, 60, SimOptions.Scenario.JOIN),
                NodeSettings.defaults(List.of()));
        for (int i = 0; i < nodes; i++) {
            cluster.addNode(i == 0 ? 0 : cluster.random.nextInt(2_000));
        }
        assertThat(cluster.runUntil(cluster::settled, 60_000)).isPositive();
        return cluster;
    }

    @Test
    void forgottenNodeIsRemovedEverywhereAndStaysGone() {
        SimCluster cluster = formed(12);
        SimNode victim = cluster.nodes.get(5);
        victim.crash();
        SimNode forgetter = cluster.nodes.get(1);
        forgetter.node.forget(victim.id);
        long deadline = cluster.time.monotonicMillis() + 20_000;
        cluster.runUntil(() -> cluster.live().stream().allMatch(node -> {
            NodeState entry = node.node.state().get(victim.id);
            return entry == null || entry.status() == MemberStatus.REMOVED;
        }), deadline);
        for (SimNode node : cluster.live()) {
            NodeState entry = node.node.state().get(victim.id);
            assertThat(entry == null || entry.status() == MemberStatus.REMOVED).as(node.id.shortHex()).isTrue();
        }
        cluster.time.runUntil(cluster.time.monotonicMillis() + 60_000);
        for (SimNode node : cluster.live()) {
            NodeState entry = node.node.state().get(victim.id);
            assertThat(entry).as("tombstone pruned on " + node.id.shortHex()).isNull();
        }
        assertThat(cluster.settled()).isTrue();
    }

    @Test
    void gracefulLeaveGoesThroughExitingToRemoved() {
        SimCluster cluster = formed(12);
        SimNode leaver = cluster.nodes.get(7);
        leaver.node.leave();
        cluster.runUntil(() -> !leaver.node.isRunning(), cluster.time.monotonicMillis() + 30_000);
        assertThat(leaver.node.isRunning()).isFalse();
        leaver.crash();
        cluster.runUntil(cluster::settled, cluster.time.monotonicMillis() + 30_000);
        assertThat(cluster.settled()).isTrue();
        assertThat(cluster.falseDowns).isZero();
    }
}
