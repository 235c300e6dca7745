package io.shoal.cluster.api;

import io.shoal.cluster.member.ClusterState;
import io.shoal.cluster.member.Member;
import io.shoal.cluster.member.MemberStatus;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.member.NodeState;
import io.shoal.cluster.member.VersionedValue;
import io.shoal.cluster.partition.PartitionDecision;
import java.util.List;
import java.util.Set;

/**
 * A consistent snapshot of one member's view: every known member, who is failed, who leads,
 * and whether this side has lost a partition. Immutable; safe to keep and read from any thread.
 */
public record MemberTable(NodeId self, ClusterState state, Set<NodeId> failed, NodeId leader,
        PartitionDecision partition) {

    public List<Member> members() {
        return state.members();
    }

    public Member member(NodeId id) {
        return state.member(id);
    }

    public boolean isFailed(NodeId id) {
        return failed.contains(id);
    }

    public boolean partitionLost() {
        return partition.hasLost();
    }

    public long countWithStatus(MemberStatus status) {
        return members().stream().filter(member -> member.status() == status).count();
    }

    /** A member's application value, a copy, or null. */
    public byte[] applicationValue(NodeId owner, String key) {
        NodeState node = state.get(owner);
        VersionedValue value = node == null ? null : node.applicationValue(key);
        return value == null ? null : value.value();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (Member member : members()) {
            text.append(member.id().toHex()).append(' ').append(member.address()).append(' ')
                    .append(member.status().name().toLowerCase(java.util.Locale.ROOT))
                    .append(" incarnation=").append(member.incarnation())
                    .append(failed.contains(member.id()) ? " failed" : "")
                    .append(member.id().equals(leader) ? " leader" : "")
                    .append(member.id().equals(self) ? " myself" : "").append('\n');
        }
        return text.toString();
    }
}
