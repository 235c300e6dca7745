package io.shoal.cluster.member;

import io.shoal.cluster.transport.MalformedMessageException;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/**
 * What one observer last concluded about one subject it monitors: reachable or not, for which
 * incarnation of the subject, at which version of the observer's own counter.
 *
 * <p>Reachability is kept apart from {@link MemberStatus}, as Akka keeps it: a member that stops
 * answering is unreachable, which may be undone, while down is final for the incarnation. Each
 * observer owns its records; a "reachable" record is kept rather than deleted so that it can
 * overwrite an older "unreachable" one in every other node's view.
 */
public record Observation(long version, Incarnation subjectIncarnation, boolean reachable) {

    public Observation {
        if (version < 1) {
            throw new IllegalArgumentException("version: " + version + " (expected: >= 1)");
        }
    }

    /** Whether this record says the given incarnation of the subject is unreachable. */
    public boolean isUnreachable(Incarnation incarnation) {
        return !reachable && subjectIncarnation.equals(incarnation);
    }

    public Observation merge(Observation other) {
        if (version != other.version) {
            return version > other.version ? this : other;
        }
        // One observer never writes two records at one version; stay commutative regardless.
        int bySubject = subjectIncarnation.compareTo(other.subjectIncarnation);
        if (bySubject != 0) {
            return bySubject > 0 ? this : other;
        }
        return reachable || !other.reachable ? this : other;
    }

    public static Observation read(WireReader reader) {
        long version = reader.readLong();
        long incarnation = reader.readLong();
        int reachable = reader.readByte();
        if (version < 1 || incarnation < 1 || reachable > 1) {
            throw new MalformedMessageException("observation: version " + version + ", incarnation " + incarnation);
        }
        return new Observation(version, new Incarnation(incarnation), reachable == 1);
    }

    public void write(WireWriter writer) {
        writer.writeLong(version).writeLong(subjectIncarnation.value()).writeByte(reachable ? 1 : 0);
    }
}
