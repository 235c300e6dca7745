package io.shoal.cluster.member;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * The replicated table of every known node, an immutable value.
 *
 * <p>This is the state that gossip spreads and merges. Its merge is the entry-wise merge of
 * {@link NodeState}, so it is commutative, associative and idempotent, and any two nodes that
 * have received the same updates, in any order and any number of times, hold equal states.
 * Nothing in it depends on the clock or on who holds it.
 *
 * <p>Nodes are spread over 64 {@link StateBucket buckets} by the top six bits of their ID. A
 * change copies one bucket, so that a thousand nodes each holding a thousand entries can merge
 * many small updates a second; and the 64 bucket hashes are the first, fixed-size digest that
 * two peers compare, so that peers with equal state exchange 512 bytes, not n digests.
 * Because buckets are taken in ID order and each is sorted, iteration is in ID order.
 */
public final class ClusterState {

    public static final int BUCKET_BITS = 6;
    public static final int BUCKETS = 1 << BUCKET_BITS;

    public static final ClusterState EMPTY = new ClusterState(emptyBuckets());

    private final StateBucket[] buckets;
    private final int size;
    private final long membershipHash;
    private NodeId[] sortedIds;

    private ClusterState(StateBucket[] buckets) {
        this.buckets = buckets;
        int count = 0;
        long membershipXor = 0;
        for (StateBucket bucket : buckets) {
            count += bucket.size();
            membershipXor ^= bucket.membershipHash();
        }
        this.size = count;
        this.membershipHash = membershipXor;
    }

    private static StateBucket[] emptyBuckets() {
        StateBucket[] buckets = new StateBucket[BUCKETS];
        java.util.Arrays.fill(buckets, StateBucket.EMPTY);
        return buckets;
    }

    public static ClusterState of(Collection<NodeState> states) {
        return EMPTY.mergeAll(states);
    }

    public int size() {
        return size;
    }

    public NodeState get(NodeId id) {
        return buckets[id.bucket(BUCKET_BITS)].get(id);
    }

    public boolean contains(NodeId id) {
        return get(id) != null;
    }

    public Member member(NodeId id) {
        NodeState state = get(id);
        return state == null ? null : state.member();
    }

    /** A hash of every member record: equal on two nodes when they agree on membership. */
    public long membershipHash() {
        return membershipHash;
    }

    public long bucketHash(int bucket) {
        return buckets[bucket].hash();
    }

    public long[] bucketHashes() {
        long[] hashes = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            hashes[i] = buckets[i].hash();
        }
        return hashes;
    }

    /** The states in one bucket, in ID order. */
    public List<NodeState> bucket(int bucket) {
        StateBucket states = buckets[bucket];
        List<NodeState> list = new ArrayList<>(states.size());
        for (int i = 0; i < states.size(); i++) {
            list.add(states.at(i));
        }
        return list;
    }

    public void forEach(Consumer<NodeState> action) {
        for (StateBucket bucket : buckets) {
            for (int i = 0; i < bucket.size(); i++) {
                action.accept(bucket.at(i));
            }
        }
    }

    public List<NodeState> states() {
        List<NodeState> list = new ArrayList<>(size);
        forEach(list::add);
        return list;
    }

    public List<Member> members() {
        List<Member> list = new ArrayList<>(size);
        forEach(state -> list.add(state.member()));
        return list;
    }

    /** Every node ID in order; positions index the seen set of gossip. Computed once per value. */
    public NodeId[] sortedIds() {
        NodeId[] ids = sortedIds;
        if (ids == null) {
            ids = new NodeId[size];
            int[] next = {0};
            NodeId[] target = ids;
            forEach(state -> target[next[0]++] = state.id());
            sortedIds = ids;
        }
        return ids;
    }

    /** The position of the ID in {@link #sortedIds()}, or -1. */
    public int indexOf(NodeId id) {
        int index = java.util.Arrays.binarySearch(sortedIds(), id);
        return index >= 0 ? index : -1;
    }

    /** The merge of one node's state into this table; {@code this} when it brings nothing new. */
    public ClusterState merge(NodeState incoming) {
        int index = incoming.id().bucket(BUCKET_BITS);
        StateBucket merged = buckets[index].merge(incoming);
        if (merged == buckets[index]) {
            return this;
        }
        StateBucket[] copy = buckets.clone();
        copy[index] = merged;
        return new ClusterState(copy);
    }

    /** The merge of many states, copying the bucket array once. */
    public ClusterState mergeAll(Collection<NodeState> incoming) {
        StateBucket[] copy = null;
        for (NodeState state : incoming) {
            int index = state.id().bucket(BUCKET_BITS);
            StateBucket current = copy == null ? buckets[index] : copy[index];
            StateBucket merged = current.merge(state);
            if (merged != current) {
                if (copy == null) {
                    copy = buckets.clone();
                }
                copy[index] = merged;
            }
        }
        return copy == null ? this : new ClusterState(copy);
    }

    /** The merge of two whole tables. Pure: commutative, associative and idempotent. */
    public ClusterState merge(ClusterState other) {
        if (other == this) {
            return this;
        }
        return mergeAll(other.states());
    }

    /** This table with a node's state replaced, bypassing the merge rule: only for the owner. */
    public ClusterState withOwnState(NodeState state) {
        int index = state.id().bucket(BUCKET_BITS);
        StateBucket bucket = buckets[index];
        int position = bucket.indexOf(state.id());
        StateBucket replaced = position >= 0 ? bucket.replace(position, state) : bucket.merge(state);
        StateBucket[] copy = buckets.clone();
        copy[index] = replaced;
        return new ClusterState(copy);
    }

    /** This table without the node: for pruning tombstones and FORGET, never by gossip. */
    public ClusterState without(NodeId id) {
        int index = id.bucket(BUCKET_BITS);
        StateBucket shrunk = buckets[index].without(id);
        if (shrunk == buckets[index]) {
            return this;
        }
        StateBucket[] copy = buckets.clone();
        copy[index] = shrunk;
        return new ClusterState(copy);
    }

    /**
     * Calls {@code action(before, after)} for every node whose entry differs between the previous
     * table and this one (either side null when the node is missing there). Buckets shared by
     * reference are skipped, so the cost is proportional to what changed.
     */
    public void forEachChange(ClusterState previous, java.util.function.BiConsumer<NodeState, NodeState> action) {
        for (int b = 0; b < BUCKETS; b++) {
            StateBucket before = previous.buckets[b];
            StateBucket after = buckets[b];
            if (before == after) {
                continue;
            }
            int i = 0;
            int j = 0;
            while (i < before.size() || j < after.size()) {
                NodeState old = i < before.size() ? before.at(i) : null;
                NodeState now = j < after.size() ? after.at(j) : null;
                int order = old == null ? 1 : now == null ? -1 : old.id().compareTo(now.id());
                if (order < 0) {
                    action.accept(old, null);
                    i++;
                } else if (order > 0) {
                    action.accept(null, now);
                    j++;
                } else {
                    if (old != now && !old.equals(now)) {
                        action.accept(old, now);
                    }
                    i++;
                    j++;
                }
            }
        }
    }

    /** Checks the invariants of the table; called under assertions by the node after changes. */
    public boolean checkInvariants() {
        int count = 0;
        for (int b = 0; b < BUCKETS; b++) {
            StateBucket bucket = buckets[b];
            for (int i = 0; i < bucket.size(); i++) {
                NodeState state = bucket.at(i);
                if (state.id().bucket(BUCKET_BITS) != b) {
                    throw new AssertionError("node " + state.id() + " in bucket " + b);
                }
                if (i > 0 && bucket.at(i - 1).id().compareTo(state.id()) >= 0) {
                    throw new AssertionError("bucket " + b + " not sorted at " + i);
                }
                count++;
            }
        }
        if (count != size) {
            throw new AssertionError("size " + size + " but " + count + " entries");
        }
        return true;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ClusterState that) || size != that.size) {
            return false;
        }
        for (int i = 0; i < BUCKETS; i++) {
            if (!buckets[i].equals(that.buckets[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(membershipHash);
    }

    @Override
    public String toString() {
        return "ClusterState" + members();
    }
}
