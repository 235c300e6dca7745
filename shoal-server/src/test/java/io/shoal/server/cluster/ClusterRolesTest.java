package io.shoal.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shoal.cluster.member.NodeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The role rules of {@link ClusterState} and how roles print and persist. */
class ClusterRolesTest {
  private static final NodeId A = NodeId.of(0xa, 0, 0);
  private static final NodeId B = NodeId.of(0xb, 0, 0);
  private static final NodeId C = NodeId.of(0xc, 0, 0);
  private static final NodeId D = NodeId.of(0xd, 0, 0);

  /** A node's state and the role changes it reported: a master's endpoint, or "master". */
  private record Node(ClusterState state, List<String> follows) {}

  private static Node node(NodeId self, int port) {
    ClusterState state = new ClusterState(new KnownNode(self, "127.0.0.1", port, port + 10_000, 0, false, 0), true);
    List<String> follows = new ArrayList<>();
    state.onRoleChange(master -> follows.add(master == null ? "master" : master.endpoint()));
    return new Node(state, follows);
  }

  private static BitSet slots(int from, int to) {
    BitSet bits = new BitSet();
    bits.set(from, to + 1);
    return bits;
  }

  private static void see(ClusterState state, NodeId id, int port) {
    state.memberSeen(id, "127.0.0.1", port, port + 10_000, 0);
  }

  @Test
  void replicateChecksLikeRedisThenDropsNothingAndFollows() {
    Node a = node(A, 7000);
    see(a.state(), B, 7001);
    see(a.state(), C, 7002);
    a.state().applyRole(C, new RoleClaim(B, 0));
    assertThatThrownBy(() -> a.state().replicate(A, 0)).hasMessage("ERR Can't replicate myself");
    assertThatThrownBy(() -> a.state().replicate(C, 0)).hasMessage("ERR I can only replicate a master, not a replica.");
    assertThatThrownBy(() -> a.state().replicate(D, 0)).hasMessage("ERR Unknown node " + D.toHex());
    assertThatThrownBy(() -> a.state().replicate(B, 3))
        .hasMessage("ERR To set a master the node must be empty and without assigned slots.");
    a.state().addSlots(new int[] {1});
    assertThatThrownBy(() -> a.state().replicate(B, 0))
        .hasMessage("ERR To set a master the node must be empty and without assigned slots.");
    a.state().deleteSlots(new int[] {1});

    a.state().replicate(B, 0);
    assertThat(a.state().myself().masterId()).isEqualTo(B);
    assertThat(a.state().myRole()).isEqualTo(new RoleClaim(B, 0));
    assertThat(a.follows()).containsExactly("127.0.0.1:7001");
    assertThat(a.state().routing().myMasterId()).isEqualTo(B);
  }

  @Test
  void aMasterThatLosesItsLastSlotToANewerClaimFollowsTheWinner() {
    Node a = node(A, 7000);
    a.state().setConfigEpoch(1);
    a.state().addSlots(new int[] {10, 11});
    see(a.state(), B, 7001);
    assertThat(a.state().applyClaim(B, new SlotClaim(5, 5, slots(10, 10)))).isTrue();
    assertThat(a.state().myself().isReplica()).as("one slot left").isFalse();
    assertThat(a.state().applyClaim(B, new SlotClaim(5, 5, slots(10, 11)))).isTrue();
    assertThat(a.state().myself().masterId()).isEqualTo(B);
    assertThat(a.follows()).containsExactly("127.0.0.1:7001");
    assertThat(a.state().myClaim().slots().isEmpty()).isTrue();
  }

  @Test
  void aReplicaWhoseMasterLostItsSlotsFollowsTheNewOwner() {
    // C replicates A; B (A's other replica, promoted) takes A's slots with a newer epoch.
    Node c = node(C, 7002);
    see(c.state(), A, 7000);
    see(c.state(), B, 7001);
    c.state().applyClaim(A, new SlotClaim(1, 1, slots(0, 99)));
    c.state().applyRole(B, new RoleClaim(A, 7));
    c.state().replicate(A, 0);
    assertThat(c.state().replicasOf(A)).extracting(KnownNode::id).containsExactlyInAnyOrder(B, C);

    c.state().applyClaim(B, new SlotClaim(2, 2, slots(0, 99)));
    assertThat(c.state().owner(50)).isEqualTo(B);
    assertThat(c.state().node(B).isReplica()).as("a node that claims slots is a master").isFalse();
    assertThat(c.state().myself().masterId()).isEqualTo(B);
    assertThat(c.follows()).containsExactly("127.0.0.1:7000", "127.0.0.1:7001");
  }

  @Test
  void aGossipedRoleCountsOnlyForANodeWithoutSlots() {
    Node a = node(A, 7000);
    see(a.state(), B, 7001);
    see(a.state(), C, 7002);
    a.state().applyClaim(B, new SlotClaim(1, 1, slots(0, 9)));
    a.state().applyRole(B, new RoleClaim(C, 0));
    assertThat(a.state().node(B).isReplica()).isFalse();
    a.state().applyRole(C, new RoleClaim(B, 42));
    assertThat(a.state().node(C).masterId()).isEqualTo(B);
    assertThat(a.state().node(C).replOffset()).isEqualTo(42);
    long changes = a.state().changes();
    a.state().applyRole(C, new RoleClaim(B, 43));
    assertThat(a.state().changes()).as("an offset alone is not saved").isEqualTo(changes);
    assertThat(a.state().node(C).replOffset()).isEqualTo(43);
  }

  @Test
  void takeOverClaimsTheMastersSlotsWithTheNewEpochAndPromotes() {
    Node b = node(B, 7001);
    see(b.state(), A, 7000);
    b.state().applyClaim(A, new SlotClaim(3, 3, slots(0, 99)));
    b.state().replicate(A, 0);
    b.state().takeOver(4);
    assertThat(b.state().myself().isReplica()).isFalse();
    assertThat(b.state().myself().configEpoch()).isEqualTo(4);
    assertThat(b.state().myClaim().slots()).isEqualTo(slots(0, 99));
    assertThat(b.follows()).containsExactly("127.0.0.1:7000", "master");

    // The old master, back with its old claim, loses to the newer one and follows B.
    Node a = node(A, 7000);
    a.state().setConfigEpoch(3);
    a.state().addSlots(slots(0, 99).stream().toArray());
    see(a.state(), B, 7001);
    a.state().applyClaim(B, b.state().myClaim());
    assertThat(a.state().myself().masterId()).isEqualTo(B);
    assertThat(a.follows()).containsExactly("127.0.0.1:7001");
  }

  @Test
  void replicasDoNotTakeNewEpochsOnCollisions() {
    Node a = node(A, 7000);
    see(a.state(), B, 7001);
    a.state().replicate(B, 0);
    assertThat(a.state().applyClaim(B, new SlotClaim(0, 0, new BitSet()))).isFalse();
    assertThat(a.state().myself().configEpoch()).isZero();
  }

  @Test
  void nodesLinesShowReplicasAndTheNodesFileKeepsThem() throws Exception {
    Node a = node(A, 7000);
    see(a.state(), B, 7001);
    see(a.state(), C, 7002);
    a.state().applyClaim(B, new SlotClaim(2, 2, slots(0, 16383)));
    a.state().applyRole(C, new RoleClaim(B, 9));
    a.state().replicate(B, 0);
    String nodes = NodesFormat.describeAll(a.state());
    assertThat(nodes).contains(A.toHex() + " 127.0.0.1:7000@17000 myself,slave " + B.toHex() + " 0 0 2 connected\n");
    assertThat(nodes).contains(B.toHex() + " 127.0.0.1:7001@17001 master - 0 0 2 connected 0-16383\n");
    assertThat(nodes).contains(C.toHex() + " 127.0.0.1:7002@17002 slave " + B.toHex() + " 0 0 2 connected\n");

    Path dir = Files.createTempDirectory("roles");
    NodesFile file = new NodesFile(dir.resolve("nodes.conf"));
    file.save(a.state());
    NodesFile.Contents saved = file.load();
    assertThat(saved.myId()).isEqualTo(A);
    assertThat(saved.nodes()).filteredOn(n -> n.id().equals(A)).extracting(KnownNode::masterId).containsExactly(B);
    assertThat(saved.nodes()).filteredOn(n -> n.id().equals(C)).extracting(KnownNode::masterId).containsExactly(B);
    assertThat(saved.nodes()).filteredOn(n -> n.id().equals(B)).extracting(KnownNode::masterId)
        .containsOnlyNulls();

    Node reloaded = node(A, 7000);
    reloaded.state().load(saved.nodes(), saved.owners(), saved.currentEpoch(), saved.lastVoteEpoch());
    assertThat(reloaded.state().myself().masterId()).isEqualTo(B);
    assertThat(reloaded.state().replicasOf(B)).extracting(KnownNode::id).containsExactly(A, C);
  }
}
