package io.shoal.server.cluster.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.cluster.member.NodeId;
import org.junit.jupiter.api.Test;

class HistoryQuorumTest {
  @Test
  void membersToHearIntersectEveryAckQuorum() {
    // S - A + 1 with A = floor(S/2)+1, and S - A + 1 + A > S: the sets always meet.
    assertThat(HistoryQuorum.membersToHear(1)).isEqualTo(1);
    assertThat(HistoryQuorum.membersToHear(2)).isEqualTo(1);
    assertThat(HistoryQuorum.membersToHear(3)).isEqualTo(2);
    assertThat(HistoryQuorum.membersToHear(4)).isEqualTo(2);
    assertThat(HistoryQuorum.membersToHear(5)).isEqualTo(3);
    for (int size = 1; size <= 9; size++) {
      assertThat(HistoryQuorum.membersToHear(size) + size / 2 + 1).isGreaterThan(size);
    }
  }

  @Test
  void verdicts() {
    HistoryQuorum quorum = new HistoryQuorum(1);
    assertThat(quorum.verdict(100, 5)).isEqualTo(HistoryQuorum.Verdict.WAITING);
    quorum.heard(NodeId.of(0, 0, 1), 100);
    assertThat(quorum.verdict(100, 5)).isEqualTo(HistoryQuorum.Verdict.WAITING);
    quorum.heard(NodeId.of(0, 0, 2), 90);
    assertThat(quorum.verdict(100, 5)).isEqualTo(HistoryQuorum.Verdict.PROVEN);
    quorum.heard(NodeId.of(0, 0, 3), 101);
    assertThat(quorum.verdict(100, 5)).isEqualTo(HistoryQuorum.Verdict.BEHIND);
  }
}
