package io.shoal.server.cluster.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.sim.VirtualTime;
import io.shoal.server.cluster.failover.FailoverView.MasterView;
import io.shoal.server.cluster.failover.FailoverView.ReplicaView;
import io.shoal.server.cluster.failover.VoteGranter.Decision;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each of Redis's rules for granting a failover vote, one at a time. */
class VoteGranterTest {
  private static final NodeId ME = NodeId.of(0, 0, 1);
  private static final NodeId FAILED = NodeId.of(0, 0, 2);
  private static final NodeId OTHER = NodeId.of(0, 0, 3);
  private static final NodeId CANDIDATE = NodeId.of(0, 0, 4);
  private static final NodeId SIBLING = NodeId.of(0, 0, 5);

  private final VirtualTime time = new VirtualTime();
  private final List<String> calls = new ArrayList<>();
  private final VoteGranter granter = new VoteGranter(time, new Recorder(calls));

  private static BitSet slots(int from, int to) {
    BitSet slots = new BitSet();
    slots.set(from, to);
    return slots;
  }

  private static FailoverView view(boolean masterFailed, long otherConfigEpoch) {
    Map<NodeId, MasterView> masters = new HashMap<>();
    masters.put(ME, new MasterView(ME, 1, false, slots(0, 100)));
    masters.put(FAILED, new MasterView(FAILED, 2, masterFailed, slots(100, 200)));
    masters.put(OTHER, new MasterView(OTHER, otherConfigEpoch, false, slots(200, 300)));
    Map<NodeId, ReplicaView> replicas = Map.of(CANDIDATE, new ReplicaView(CANDIDATE, FAILED, 10, false),
        SIBLING, new ReplicaView(SIBLING, FAILED, 10, false));
    return new FailoverView(ME, null, 0, 5, 0, 1000, false, false, 0, 1, masters, replicas);
  }

  private static FailoverAuthRequest request(NodeId candidate, long epoch, boolean manual) {
    return new FailoverAuthRequest(candidate, FAILED, epoch, 10, 2, manual, slots(100, 200));
  }

  @Test
  void grantsOneVotePerEpochAndPersistsItBeforeTheAck() {
    assertThat(granter.onRequest(view(true, 3), request(CANDIDATE, 6, false))).isEqualTo(Decision.GRANTED);
    assertThat(calls).containsExactly("epoch 6", "vote 6", "send " + FailoverMessageTypes.AUTH_ACK);
    time.runUntil(10_000);
    assertThat(granter.onRequest(view(true, 3), request(SIBLING, 6, false))).isEqualTo(Decision.ALREADY_VOTED);
    assertThat(granter.onRequest(view(true, 3), request(CANDIDATE, 6, false))).isEqualTo(Decision.REPEATED);
  }

  @Test
  void refusesAnEpochOlderThanItsOwn() {
    assertThat(granter.onRequest(view(true, 3), request(CANDIDATE, 4, false))).isEqualTo(Decision.STALE_EPOCH);
  }

  @Test
  void refusesWhenTheMasterIsNotFailedUnlessManual() {
    assertThat(granter.onRequest(view(false, 3), request(CANDIDATE, 6, false)))
        .isEqualTo(Decision.MASTER_NOT_FAILED);
    assertThat(granter.onRequest(view(false, 3), request(CANDIDATE, 6, true))).isEqualTo(Decision.GRANTED);
  }

  @Test
  void refusesUnknownRequestersAndNonVoters() {
    assertThat(granter.onRequest(view(true, 3), request(OTHER, 6, false))).isEqualTo(Decision.UNKNOWN_REQUESTER);
    FailoverView replicaView = new FailoverView(CANDIDATE, FAILED, 0, 5, 0, 1000, false, false, 0, 1,
        view(true, 3).masters(), view(true, 3).replicas());
    assertThat(granter.onRequest(replicaView, request(SIBLING, 6, false))).isEqualTo(Decision.NOT_A_VOTER);
  }

  @Test
  void refusesASecondReplicaOfTheSameMasterWithinTwoNodeTimeouts() {
    assertThat(granter.onRequest(view(true, 3), request(CANDIDATE, 6, false))).isEqualTo(Decision.GRANTED);
    time.runUntil(1_999);
    assertThat(granter.onRequest(view(true, 3), request(SIBLING, 7, false)))
        .isEqualTo(Decision.VOTED_RECENTLY_FOR_SHARD);
    time.runUntil(2_000);
    assertThat(granter.onRequest(view(true, 3), request(SIBLING, 8, false))).isEqualTo(Decision.GRANTED);
  }

  @Test
  void refusesSlotsOwnedWithAHigherConfigEpoch() {
    FailoverAuthRequest stale = new FailoverAuthRequest(CANDIDATE, FAILED, 6, 10, 2, false, slots(150, 250));
    assertThat(granter.onRequest(view(true, 3), stale)).isEqualTo(Decision.STALE_SLOT_CONFIG);
    assertThat(granter.onRequest(view(true, 2), stale)).isEqualTo(Decision.GRANTED);
  }

  @Test
  void neverGrantsTwoVotesInOneEpochWhateverTheOrder() {
    for (long seed = 0; seed < 50; seed++) {
      List<String> seen = new ArrayList<>();
      VoteGranter fresh = new VoteGranter(time, new Recorder(seen));
      java.util.Random random = new java.util.Random(seed);
      for (int i = 0; i < 20; i++) {
        NodeId who = random.nextBoolean() ? CANDIDATE : SIBLING;
        fresh.onRequest(view(true, 3), request(who, 6 + random.nextInt(3), random.nextBoolean()));
      }
      assertThat(seen.stream().filter(call -> call.startsWith("vote")).toList()).doesNotHaveDuplicates();
    }
  }

  private record Recorder(List<String> calls) implements FailoverActions {
    @Override
    public void send(NodeId to, int type, byte[] payload) {
      calls.add("send " + type);
    }

    @Override
    public void currentEpochReached(long epoch) {
      calls.add("epoch " + epoch);
    }

    @Override
    public void voteCast(long epoch) {
      calls.add("vote " + epoch);
    }

    @Override
    public void takeOver(NodeId failedMaster, long newConfigEpoch) {
      calls.add("takeover " + newConfigEpoch);
    }

    @Override
    public void pauseWrites(long durationMillis) {
      calls.add("pause");
    }

    @Override
    public void resumeWrites() {
      calls.add("resume");
    }

    @Override
    public void replicate(NodeId master) {
      calls.add("replicate " + master);
    }
  }
}
