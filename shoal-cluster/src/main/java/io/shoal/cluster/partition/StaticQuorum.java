package io.shoal.cluster.partition;

import io.shoal.cluster.member.NodeId;
import java.util.Set;

/**
 * The side that still sees at least a fixed number of members survives. Safe only while the
 * cluster has at most 2q-1 members, so that two sides cannot both reach q (q <= N <= 2q-1);
 * the operator who picks q takes on that rule.
 */
public final class StaticQuorum implements DowningStrategy {

    private final int quorumSize;

    public StaticQuorum(int quorumSize) {
        if (quorumSize < 1) {
            throw new IllegalArgumentException("quorum size: " + quorumSize + " (expected: >= 1)");
        }
        this.quorumSize = quorumSize;
    }

    public int quorumSize() {
        return quorumSize;
    }

    @Override
    public PartitionDecision decide(Set<NodeId> members, Set<NodeId> unreachable) {
        long reachable = members.stream().filter(member -> !unreachable.contains(member)).count();
        if (reachable < quorumSize) {
            return PartitionDecision.LOST;
        }
        return unreachable.isEmpty() ? PartitionDecision.WHOLE : PartitionDecision.SURVIVES;
    }
}
