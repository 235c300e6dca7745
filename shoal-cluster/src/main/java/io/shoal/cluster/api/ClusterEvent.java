package io.shoal.cluster.api;

import io.shoal.cluster.member.Incarnation;
import io.shoal.cluster.member.Member;
import io.shoal.cluster.member.NodeId;

/**
 * What a member tells its application about the cluster, as seen from this node.
 *
 * <p>Events are derived by comparing this node's successive views, so every node raises them
 * for itself, at the moment it learns the fact; there is no global order between nodes.
 */
public sealed interface ClusterEvent {

    /** A member became up (admitted by the leader). */
    record MemberUp(Member member) implements ClusterEvent {
    }

    /** A member asked to leave. */
    record MemberLeaving(Member member) implements ClusterEvent {
    }

    /** A majority of the member's monitors find it unreachable: it is failed. */
    record Unreachable(Member member) implements ClusterEvent {
    }

    /** A failed member is no longer found unreachable by a majority of its monitors. */
    record Reachable(Member member) implements ClusterEvent {
    }

    /** The member was downed; for this incarnation that is final. */
    record Down(Member member) implements ClusterEvent {
    }

    /** The member was removed from the cluster (or forgotten). */
    record Removed(Member member) implements ClusterEvent {
    }

    /** The leader in this node's view changed; {@code leader} is null when there is none. */
    record LeaderChanged(NodeId leader) implements ClusterEvent {
    }

    /** This node's side of a partition has lost: the application should stop taking writes. */
    record PartitionLost() implements ClusterEvent {
    }

    /** This node's side no longer judges itself lost. */
    record PartitionRegained() implements ClusterEvent {
    }

    /** This node was downed or removed and rejoins under a new incarnation. */
    record Rejoining(NodeId id, Incarnation incarnation) implements ClusterEvent {
    }

    /** A member's application value changed (or appeared); {@code value} is a copy. */
    record ApplicationStateChanged(NodeId owner, String key, long version, byte[] value) implements ClusterEvent {
    }
}
