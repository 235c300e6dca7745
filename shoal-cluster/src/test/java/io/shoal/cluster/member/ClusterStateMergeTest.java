package io.shoal.cluster.member;

import static org.assertj.core.api.Assertions.assertThat;

import io.shoal.cluster.random.SeededRandom;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The merge is a lattice join: order, grouping and repetition of gossip do not matter. */
class ClusterStateMergeTest {

    private static final List<NodeId> IDS = StateFixtures.ids(42, 40);

    @Property(tries = 200, seed = "20251123")
    void mergeIsCommutative(@ForAll long seed) {
        SeededRandom random = new SeededRandom(seed);
        ClusterState a = StateFixtures.randomView(IDS, random);
        ClusterState b = StateFixtures.randomView(IDS, random);
        assertThat(a.merge(b)).isEqualTo(b.merge(a));
    }

    @Property(tries = 200, seed = "20251123")
    void mergeIsAssociative(@ForAll long seed) {
        SeededRandom random = new SeededRandom(seed);
        ClusterState a = StateFixtures.randomView(IDS, random);
        ClusterState b = StateFixtures.randomView(IDS, random);
        ClusterState c = StateFixtures.randomView(IDS, random);
        assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
    }

    @Property(tries = 200, seed = "20251123")
    void mergeIsIdempotent(@ForAll long seed) {
        SeededRandom random = new SeededRandom(seed);
        ClusterState a = StateFixtures.randomView(IDS, random);
        ClusterState b = StateFixtures.randomView(IDS, random);
        assertThat(a.merge(a)).isSameAs(a);
        ClusterState merged = a.merge(b);
        assertThat(merged.merge(b)).isSameAs(merged);
        assertThat(merged.merge(a)).isSameAs(merged);
    }

    @Property(tries = 200, seed = "20251123")
    void deltaForDigestBringsThePeerUpToDate(@ForAll long seed) {
        SeededRandom random = new SeededRandom(seed);
        ClusterState mine = StateFixtures.randomView(IDS, random);
        ClusterState theirs = StateFixtures.randomView(IDS, random);
        ClusterState patched = theirs;
        for (NodeState state : mine.states()) {
            NodeState held = theirs.get(state.id());
            NodeState delta = state.deltaFor(held == null ? null : held.digest());
            if (delta != null) {
                patched = patched.merge(delta);
            }
        }
        assertThat(patched).isEqualTo(theirs.merge(mine));
    }

    @Property(tries = 100, seed = "20251123")
    void invariantsHoldAfterMerges(@ForAll long seed) {
        SeededRandom random = new SeededRandom(seed);
        ClusterState merged = StateFixtures.randomView(IDS, random).merge(StateFixtures.randomView(IDS, random));
        assertThat(merged.checkInvariants()).isTrue();
        assertThat(merged.sortedIds()).isSorted();
    }

    @Test
    void higherIncarnationReplacesEverythingOwned() {
        NodeId id = IDS.get(0);
        NodeState old = StateFixtures.node(id, 7000, 1, MemberStatus.DOWN).withApplicationValue("port", new byte[] {1});
        NodeState restarted = StateFixtures.node(id, 7000, 2, MemberStatus.JOINING);
        assertThat(old.merge(restarted)).isSameAs(restarted);
        assertThat(restarted.merge(old)).isSameAs(restarted);
    }

    @Test
    void laterStatusWinsWithinAnIncarnation() {
        NodeId id = IDS.get(1);
        NodeState up = StateFixtures.node(id, 7000, 1, MemberStatus.UP);
        NodeState leaving = up.withStatus(MemberStatus.LEAVING);
        assertThat(up.merge(leaving).status()).isEqualTo(MemberStatus.LEAVING);
        assertThat(leaving.withStatus(MemberStatus.UP)).isSameAs(leaving);
    }

    @Test
    void newestValueVersionWins() {
        NodeState base = StateFixtures.node(IDS.get(2), 7000, 1, MemberStatus.UP);
        NodeState first = base.withApplicationValue("slots", new byte[] {1});
        NodeState second = first.withApplicationValue("slots", new byte[] {2});
        assertThat(first.merge(second).applicationValue("slots").value()).containsExactly(2);
        assertThat(second.merge(first)).isSameAs(second);
        assertThat(second.ownerVersion()).isEqualTo(2);
    }

    @Test
    void bucketHashesDifferOnlyWhereEntriesDiffer() {
        ClusterState a = ClusterState.of(List.of(StateFixtures.node(IDS.get(0), 7000, 1, MemberStatus.UP),
                StateFixtures.node(IDS.get(1), 7001, 1, MemberStatus.UP)));
        ClusterState b = a.merge(a.get(IDS.get(0)).withStatus(MemberStatus.LEAVING));
        long[] before = a.bucketHashes();
        long[] after = b.bucketHashes();
        int changedBucket = IDS.get(0).bucket(ClusterState.BUCKET_BITS);
        for (int i = 0; i < ClusterState.BUCKETS; i++) {
            assertThat(before[i] != after[i]).as("bucket " + i).isEqualTo(i == changedBucket);
        }
        assertThat(a.membershipHash()).isNotEqualTo(b.membershipHash());
    }
}
