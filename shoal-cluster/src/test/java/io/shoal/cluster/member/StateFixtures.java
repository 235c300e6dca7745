package io.shoal.cluster.member;

import io.shoal.cluster.random.SeededRandom;
import java.util.ArrayList;
import java.util.List;

/** Builds random but reproducible states for the merge-rule tests. */
public final class StateFixtures {

    private StateFixtures() {
    }

    public static List<NodeId> ids(long seed, int count) {
        SeededRandom random = new SeededRandom(seed);
        List<NodeId> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(NodeId.random(random));
        }
        return ids;
    }

    public static NodeState node(NodeId id, int port, long incarnation, MemberStatus status) {
        return NodeState.of(new Member(id, new NodeAddress("127.0.0.1", port, port + 10_000),
                new Incarnation(incarnation), status));
    }

    /**
     * A random view of the given nodes, as one node might hold it: each node known or not, at
     * one of two incarnations, a random status, and some of its owned values and observations.
     * Owned values follow the owner's rule: version v of a key is the same everywhere.
     */
    public static ClusterState randomView(List<NodeId> ids, SeededRandom random) {
        List<NodeState> states = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (random.nextInt(4) == 0) {
                continue;
            }
            long incarnation = 1 + random.nextInt(2);
            MemberStatus status = MemberStatus.values()[random.nextInt(MemberStatus.values().length)];
            NodeState state = node(ids.get(i), 7000 + i, incarnation, status);
            // The owner's history is fixed per (node, incarnation); a view holds a prefix of it.
            int prefix = random.nextInt(6);
            for (int step = 1; step <= prefix; step++) {
                state = ownerStep(state, ids, step, incarnation);
            }
            states.add(state);
        }
        return ClusterState.of(states);
    }

    /** The owner's step-th write, the same in every view. */
    private static NodeState ownerStep(NodeState state, List<NodeId> ids, int step, long incarnation) {
        if (step % 2 == 1) {
            return state.withApplicationValue("key" + (step % 3), new byte[] {(byte) step, (byte) incarnation});
        }
        NodeId subject = ids.get((step * 7 + (int) incarnation) % ids.size());
        return state.withObservation(subject, Incarnation.FIRST, step % 4 == 0);
    }
}
