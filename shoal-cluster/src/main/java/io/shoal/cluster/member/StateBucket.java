package io.shoal.cluster.member;

import java.util.Arrays;

/**
 * The states of the nodes whose IDs share their top bits, sorted by ID, with cached hashes.
 *
 * <p>Buckets make {@link ClusterState} a two-level persistent structure: a change copies one
 * bucket (about n/64 entries) and the array of 64 references, never the whole table, and the
 * bucket hash is what gossip compares first.
 */
final class StateBucket {

    static final StateBucket EMPTY = new StateBucket(new NodeState[0]);

    private final NodeState[] states;
    private final long hash;
    private final long membershipHash;

    StateBucket(NodeState[] states) {
        this.states = states;
        long xor = 0;
        long membershipXor = 0;
        for (NodeState state : states) {
            xor ^= state.hash64();
            membershipXor ^= state.membershipHash64();
        }
        this.hash = xor;
        this.membershipHash = membershipXor;
    }

    int size() {
        return states.length;
    }

    NodeState at(int index) {
        return states[index];
    }

    long hash() {
        return hash;
    }

    long membershipHash() {
        return membershipHash;
    }

    NodeState get(NodeId id) {
        int index = indexOf(id);
        return index >= 0 ? states[index] : null;
    }

    int indexOf(NodeId id) {
        int low = 0;
        int high = states.length - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int order = states[middle].id().compareTo(id);
            if (order < 0) {
                low = middle + 1;
            } else if (order > 0) {
                high = middle - 1;
            } else {
                return middle;
            }
        }
        return -(low + 1);
    }

    /** This bucket with the given state merged in; {@code this} if nothing changed. */
    StateBucket merge(NodeState incoming) {
        int index = indexOf(incoming.id());
        if (index >= 0) {
            NodeState merged = states[index].merge(incoming);
            return merged == states[index] ? this : replace(index, merged);
        }
        int insertAt = -index - 1;
        NodeState[] grown = new NodeState[states.length + 1];
        System.arraycopy(states, 0, grown, 0, insertAt);
        grown[insertAt] = incoming;
        System.arraycopy(states, insertAt, grown, insertAt + 1, states.length - insertAt);
        return new StateBucket(grown);
    }

    /** This bucket with the state replaced unconditionally (used by the owner and by pruning). */
    StateBucket replace(int index, NodeState state) {
        NodeState[] copy = states.clone();
        copy[index] = state;
        return new StateBucket(copy);
    }

    StateBucket without(NodeId id) {
        int index = indexOf(id);
        if (index < 0) {
            return this;
        }
        NodeState[] shrunk = new NodeState[states.length - 1];
        System.arraycopy(states, 0, shrunk, 0, index);
        System.arraycopy(states, index + 1, shrunk, index, states.length - index - 1);
        return new StateBucket(shrunk);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StateBucket that && hash == that.hash && Arrays.equals(states, that.states);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hash);
    }
}
