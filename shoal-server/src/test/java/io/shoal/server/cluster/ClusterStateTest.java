package io.shoal.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.cluster.member.NodeId;
import io.shoal.server.resp.ShoalError;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class ClusterStateTest {
  private static final NodeId LOW = NodeId.of(1, 0, 0);
  private static final NodeId HIGH = NodeId.of(2, 0, 0);

  private static ClusterState stateOf(NodeId self) {
    ClusterState state = new ClusterState(new KnownNode(self, "127.0.0.1", 7000, 17000, 0, false, 0), true);
    return state;
  }

  private static BitSet slots(int from, int to) {
    BitSet bits = new BitSet();
    bits.set(from, to + 1);
    return bits;
  }

  @Test
  void claimCodecRoundTrips() {
    SlotClaim claim = new SlotClaim(7, 9, slots(100, 200));
    SlotClaim decoded = SlotClaim.decode(claim.encode());
    assertThat(decoded).isEqualTo(claim);
    assertThat(claim.encode()).hasSize(SlotClaim.WIRE_BYTES);
  }

  @Test
  void higherEpochTakesASlotAndTheLoserDropsIt() {
    ClusterState state = stateOf(LOW);
    state.setConfigEpoch(1);
    state.addSlots(new int[] {5, 6});
    state.memberSeen(HIGH, "127.0.0.1", 7001, 17001, 0);
    boolean mineChanged = state.applyClaim(HIGH, new SlotClaim(3, 3, slots(5, 5)));
    assertThat(mineChanged).isTrue();
    assertThat(state.owner(5)).isEqualTo(HIGH);
    assertThat(state.owner(6)).isEqualTo(LOW);
    assertThat(state.currentEpoch()).isEqualTo(3);
  }

  @Test
  void lowerEpochClaimIsIgnored() {
    ClusterState state = stateOf(LOW);
    state.setConfigEpoch(5);
    state.addSlots(new int[] {5});
    state.memberSeen(HIGH, "127.0.0.1", 7001, 17001, 0);
    state.applyClaim(HIGH, new SlotClaim(2, 2, slots(5, 5)));
    assertThat(state.owner(5)).isEqualTo(LOW);
  }

  @Test
  void onEqualEpochsTheSmallerIdBumps() {
    ClusterState low = stateOf(LOW);
    low.memberSeen(HIGH, "127.0.0.1", 7001, 17001, 0);
    assertThat(low.applyClaim(HIGH, new SlotClaim(0, 0, new BitSet()))).isTrue();
    assertThat(low.myself().configEpoch()).isEqualTo(1);

    ClusterState high = stateOf(HIGH);
    high.memberSeen(LOW, "127.0.0.1", 7000, 17000, 0);
    assertThat(high.applyClaim(LOW, new SlotClaim(0, 0, new BitSet()))).isFalse();
    assertThat(high.myself().configEpoch()).isZero();
  }

  @Test
  void commandsCheckTheirPreconditions() {
    ClusterState state = stateOf(LOW);
    state.addSlots(new int[] {1});
    assertThatThrownBy(() -> state.addSlots(new int[] {1})).isInstanceOf(ShoalError.class)
        .hasMessage("ERR Slot 1 is already busy");
    assertThatThrownBy(() -> state.deleteSlots(new int[] {2})).hasMessage("ERR Slot 2 is already unassigned");
    state.setConfigEpoch(3);
    assertThatThrownBy(() -> state.setConfigEpoch(4)).hasMessage("ERR Node config epoch is already non-zero");
    assertThat(state.bumpEpochWithoutConsensus()).isFalse();
    state.memberSeen(HIGH, "127.0.0.1", 7001, 17001, 0);
    assertThatThrownBy(() -> state.setImporting(1, HIGH)).hasMessage("ERR I'm already the owner of hash slot 1");
  }

  @Test
  void coverageDecidesTheClusterState() {
    ClusterState state = stateOf(LOW);
    assertThat(state.routing().ok()).isFalse();
    state.addSlots(java.util.stream.IntStream.range(0, 16384).toArray());
    assertThat(state.routing().ok()).isTrue();
    state.partitionLost(true);
    assertThat(state.routing().ok()).isFalse();
  }
}
