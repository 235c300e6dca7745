package io.shoal.cluster.partition;

import io.shoal.cluster.member.NodeId;
import java.util.Set;

/**
 * Decides which side of a partition survives, so that at most one side keeps serving.
 *
 * <p>When the network splits, each side sees the other as unreachable and cannot tell a crash
 * from a cut. A side that downs the other and keeps serving while the other does the same is the
 * split brain that "nothing is worse than" (Redis). A strategy is a pure function of what one
 * node sees, so that all nodes of a side that see the same reach the same verdict, and the two
 * sides reach opposite verdicts. Only the survivors down anyone; the losers say so in their state.
 */
public interface DowningStrategy {

    /**
     * @param members the active members (not down, not removed) in this node's view
     * @param unreachable those of them that some observer finds unreachable; the rest, this node
     *     included, is this side of the partition
     */
    PartitionDecision decide(Set<NodeId> members, Set<NodeId> unreachable);

    static DowningStrategy keepMajority() {
        return new KeepMajority();
    }

    static DowningStrategy staticQuorum(int quorumSize) {
        return new StaticQuorum(quorumSize);
    }
}
