package io.shoal.cluster.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.StateFixtures;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DowningStrategyTest {

    private final List<NodeId> ids = StateFixtures.ids(11, 10).stream().sorted().toList();
    private final Set<NodeId> members = Set.copyOf(ids);

    private Set<NodeId> range(int from, int to) {
        return new HashSet<>(ids.subList(from, to));
    }

    @Test
    void keepMajorityKeepsTheLargerSide() {
        DowningStrategy strategy = DowningStrategy.keepMajority();
        assertThat(strategy.decide(members, Set.of())).isEqualTo(PartitionDecision.WHOLE);
        assertThat(strategy.decide(members, range(0, 4))).isEqualTo(PartitionDecision.SURVIVES);
        assertThat(strategy.decide(members, range(4, 10))).isEqualTo(PartitionDecision.LOST);
    }

    @Test
    void anEvenSplitGoesToTheSideWithTheSmallestId() {
        DowningStrategy strategy = DowningStrategy.keepMajority();
        // ids are sorted, so ids.get(0) is the smallest.
        assertThat(strategy.decide(members, range(5, 10))).isEqualTo(PartitionDecision.SURVIVES);
        assertThat(strategy.decide(members, range(0, 5))).isEqualTo(PartitionDecision.LOST);
    }

    @Test
    void exactlyOneSideSurvivesAnySplit() {
        DowningStrategy strategy = DowningStrategy.keepMajority();
        for (int cut = 1; cut < ids.size(); cut++) {
            PartitionDecision left = strategy.decide(members, range(cut, 10));
            PartitionDecision right = strategy.decide(members, range(0, cut));
            assertThat(left.hasLost() ^ right.hasLost()).as("cut at " + cut).isTrue();
        }
    }

    @Test
    void staticQuorumNeedsQMembers() {
        DowningStrategy strategy = DowningStrategy.staticQuorum(6);
        assertThat(strategy.decide(members, range(0, 4))).isEqualTo(PartitionDecision.SURVIVES);
        assertThat(strategy.decide(members, range(0, 5))).isEqualTo(PartitionDecision.LOST);
        assertThat(strategy.decide(members, Set.of())).isEqualTo(PartitionDecision.WHOLE);
    }
}
