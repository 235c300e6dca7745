package io.shoal.cluster.partition;

import io.shoal.cluster.member.NodeId;
import java.util.Collections;
import java.util.Set;

/**
 * The side holding a strict majority of the members survives; on an even split, the side that
 * holds the smallest node ID of all members survives (the course's tie rule, also Akka's SBR).
 *
 * <p>It needs no configuration and follows the cluster as it grows, but a cluster that loses
 * half of its members and more at once (a crash of a majority) stops: that is the price of
 * never running two sides.
 */
public final class KeepMajority implements DowningStrategy {

    @Override
    public PartitionDecision decide(Set<NodeId> members, Set<NodeId> unreachable) {
        if (unreachable.isEmpty()) {
            return PartitionDecision.WHOLE;
        }
        long unreachableMembers = unreachable.stream().filter(members::contains).count();
        long reachable = members.size() - unreachableMembers;
        if (reachable * 2 > members.size()) {
            return PartitionDecision.SURVIVES;
        }
        if (reachable * 2 < members.size() || members.isEmpty()) {
            return PartitionDecision.LOST;
        }
        NodeId smallest = Collections.min(members);
        return unreachable.contains(smallest) ? PartitionDecision.LOST : PartitionDecision.SURVIVES;
    }
}
