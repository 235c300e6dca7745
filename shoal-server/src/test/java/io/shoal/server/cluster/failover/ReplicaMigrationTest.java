package io.shoal.server.cluster.failover;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.cluster.member.NodeId;
import io.shoal.server.cluster.failover.FailoverView.MasterView;
import io.shoal.server.cluster.failover.FailoverView.ReplicaView;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaMigrationTest {
  private static final NodeId M1 = NodeId.of(0, 0, 1);
  private static final NodeId M2 = NodeId.of(0, 0, 2);
  private static final NodeId R1 = NodeId.of(0, 0, 11);
  private static final NodeId R2 = NodeId.of(0, 0, 12);
  private static final NodeId R3 = NodeId.of(0, 0, 13);
  private static final NodeId LOST = NodeId.of(0, 0, 14);

  private static FailoverView view(NodeId me, boolean lostFailed, int barrier) {
    BitSet low = new BitSet();
    low.set(0, 8192);
    BitSet high = new BitSet();
    high.set(8192, 16384);
    Map<NodeId, MasterView> masters = Map.of(M1, new MasterView(M1, 1, false, low), M2,
        new MasterView(M2, 2, false, high));
    Map<NodeId, ReplicaView> replicas = new HashMap<>();
    for (NodeId replica : new NodeId[] {R1, R2, R3}) {
      replicas.put(replica, new ReplicaView(replica, M1, 5, false));
    }
    replicas.put(LOST, new ReplicaView(LOST, M2, 5, lostFailed));
    return new FailoverView(me, M1, 5, 2, 0, 1000, false, false, 4, barrier, masters, replicas);
  }

  @Test
  void onlyTheSmallestReplicaOfTheLargestShardMovesAfterTheDelay() {
    Map<NodeId, ReplicaMigration> migrations = new HashMap<>();
    for (NodeId me : new NodeId[] {R1, R2, R3}) {
      ReplicaMigration migration = new ReplicaMigration();
      migrations.put(me, migration);
      assertThat(migration.decide(view(me, false, 1), 0, 5000)).isNull();
      assertThat(migration.decide(view(me, true, 1), 1000, 5000)).as("orphaned too briefly").isNull();
    }
    assertThat(migrations.get(R1).decide(view(R1, true, 1), 6000, 5000)).isEqualTo(M2);
    assertThat(migrations.get(R2).decide(view(R2, true, 1), 6000, 5000)).isNull();
    assertThat(migrations.get(R3).decide(view(R3, true, 1), 6000, 5000)).isNull();
  }

  @Test
  void theBarrierKeepsReplicasHome() {
    ReplicaMigration migration = new ReplicaMigration();
    migration.decide(view(R1, false, 3), 0, 5000);
    assertThat(migration.decide(view(R1, true, 3), 0, 0)).isNull();
    assertThat(migration.decide(view(R1, true, 2), 0, 0)).isEqualTo(M2);
    assertThat(migration.decide(view(R1, true, -1), 0, 0)).as("negative barrier disables").isNull();
  }
}
