package io.shoal.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterNodeTest {
  @Test
  void readsMastersReplicasSlotsAndFailureFlagsAsRedisPrintsThem() {
    List<ClusterNode> nodes = ClusterNode.parseAll(String.join("\n",
        "aaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460 [5461->-bbb]",
        "bbb 127.0.0.1:7001@17001,host.local master,fail - 1 2 2 disconnected 5461-10922 16000",
        "ccc 127.0.0.1:7003@17003 slave aaa 0 3 1 connected",
        ""));

    assertThat(nodes).hasSize(3);
    ClusterNode self = nodes.get(0);
    assertThat(self.isMyself()).isTrue();
    assertThat(self.isMaster()).isTrue();
    assertThat(self.slotCount()).isEqualTo(5461);
    assertThat(self.servesSlot(5460)).isTrue();
    assertThat(self.servesSlot(5461)).isFalse();
    ClusterNode failed = nodes.get(1);
    assertThat(failed.endpoint()).isEqualTo("127.0.0.1:7001");
    assertThat(failed.port()).isEqualTo(7001);
    assertThat(failed.isFailing()).isTrue();
    assertThat(failed.slotCount()).isEqualTo(5463);
    assertThat(failed.servesSlot(16000)).isTrue();
    ClusterNode replica = nodes.get(2);
    assertThat(replica.isReplica()).isTrue();
    assertThat(replica.masterId()).isEqualTo("aaa");
    assertThat(replica.slotCount()).isZero();
    assertThat(ClusterAdmin.mastersWithSlots(nodes)).extracting(ClusterNode::endpoint).containsExactly("127.0.0.1:7000");
  }
}
