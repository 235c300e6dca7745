package io.shoal.cluster.member;

import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/**
 * One node's membership record: who it is, where, which life, and its status.
 *
 * <p>Merge rule: the higher incarnation wins; within an incarnation the later status wins.
 */
public record Member(NodeId id, NodeAddress address, Incarnation incarnation, MemberStatus status) {

    public Member withStatus(MemberStatus newStatus) {
        return newStatus == status ? this : new Member(id, address, incarnation, newStatus);
    }

    /** The newer of two records of the same node. Pure: commutative, associative, idempotent. */
    public Member merge(Member other) {
        assert id.equals(other.id) : "merging records of different nodes: " + id + ", " + other.id;
        int byIncarnation = incarnation.compareTo(other.incarnation);
        if (byIncarnation != 0) {
            return byIncarnation > 0 ? this : other;
        }
        if (status != other.status) {
            return status.ordinal() > other.status.ordinal() ? this : other;
        }
        if (!address.equals(other.address)) {
            // Impossible for an honest node; pick deterministically so the merge stays commutative.
            return address.toString().compareTo(other.address.toString()) >= 0 ? this : other;
        }
        return this;
    }

    /** Whether this record is newer than the other in at least one respect. */
    public boolean isNewerThan(Member other) {
        return merge(other) == this && !equals(other);
    }

    public static Member read(WireReader reader) {
        NodeId id = NodeId.read(reader);
        NodeAddress address = NodeAddress.read(reader);
        long incarnation = reader.readLong();
        if (incarnation < 1) {
            throw new io.shoal.cluster.transport.MalformedMessageException("incarnation: " + incarnation);
        }
        return new Member(id, address, new Incarnation(incarnation), MemberStatus.ofCode(reader.readByte()));
    }

    public void write(WireWriter writer) {
        id.write(writer);
        address.write(writer);
        writer.writeLong(incarnation.value()).writeByte(status.code());
    }

    @Override
    public String toString() {
        return id.shortHex() + "@" + address + "#" + incarnation + " " + status;
    }
}
