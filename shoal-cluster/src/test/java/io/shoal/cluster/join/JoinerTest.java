package io.shoal.cluster.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.cluster.member.MemberStatus;
import io.shoal.cluster.member.NodeAddress;
import io.shoal.cluster.member.NodeState;
import io.shoal.cluster.member.StateFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JoinerTest {

    private static final NodeAddress FIRST = NodeAddress.of("127.0.0.1", 7000);
    private static final NodeAddress SECOND = NodeAddress.of("127.0.0.1", 7001);
    private static final NodeAddress OTHER = NodeAddress.of("127.0.0.1", 7002);

    private static final class FakeHost implements Joiner.Host {
        final NodeState self;
        long nowMillis;
        boolean formed;
        final List<NodeAddress> asked = new ArrayList<>();

        FakeHost(NodeAddress address) {
            self = StateFixtures.node(StateFixtures.ids(1, 1).get(0), address.port(), 1, MemberStatus.JOINING);
        }

        @Override
        public long nowMillis() {
            return nowMillis;
        }

        @Override
        public NodeState selfState() {
            return NodeState.of(new io.shoal.cluster.member.Member(self.id(), addressOf(), self.incarnation(),
                    MemberStatus.JOINING));
        }

        NodeAddress addressOf() {
            return self.member().address();
        }

        @Override
        public void send(NodeAddress to, JoinRequest request) {
            asked.add(to);
        }

        @Override
        public void formCluster() {
            formed = true;
        }
    }

    @Test
    void firstSeedFormsOnlyAfterTheTimeout() {
        FakeHost host = new FakeHost(new NodeAddress("127.0.0.1", 7000, 17000));
        Joiner joiner = new Joiner(host, host.addressOf(), List.of(FIRST, SECOND), 5_000);
        assertThat(joiner.isFirstSeed()).isTrue();
        joiner.start(List.of());
        assertThat(host.formed).isFalse();
        assertThat(host.asked).containsExactly(SECOND);
        host.nowMillis = 4_999;
        joiner.attempt();
        assertThat(host.formed).isFalse();
        host.nowMillis = 5_000;
        joiner.attempt();
        assertThat(host.formed).isTrue();
        assertThat(joiner.isActive()).isFalse();
    }

    @Test
    void firstSeedWelcomedInTimeDoesNotForm() {
        FakeHost host = new FakeHost(new NodeAddress("127.0.0.1", 7000, 17000));
        Joiner joiner = new Joiner(host, host.addressOf(), List.of(FIRST, SECOND), 5_000);
        joiner.start(List.of());
        joiner.joined();
        host.nowMillis = 10_000;
        joiner.attempt();
        assertThat(host.formed).isFalse();
    }

    @Test
    void otherNodesNeverFormAndKeepAskingSeedsAndMeetTargets() {
        FakeHost host = new FakeHost(new NodeAddress("127.0.0.1", 7005, 17005));
        Joiner joiner = new Joiner(host, host.addressOf(), List.of(FIRST, SECOND), 5_000);
        assertThat(joiner.isFirstSeed()).isFalse();
        joiner.addTarget(OTHER);
        joiner.start(List.of());
        for (int i = 0; i < 10; i++) {
            host.nowMillis += 1_000;
            joiner.attempt();
        }
        assertThat(host.formed).isFalse();
        assertThat(host.asked).contains(FIRST, SECOND, OTHER);
    }

    @Test
    void aNodeWithoutSeedsFormsAClusterOfOne() {
        FakeHost host = new FakeHost(new NodeAddress("127.0.0.1", 7005, 17005));
        Joiner joiner = new Joiner(host, host.addressOf(), List.of(), 5_000);
        joiner.start(List.of());
        assertThat(host.formed).isTrue();
    }
}
