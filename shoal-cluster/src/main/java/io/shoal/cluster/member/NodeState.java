package io.shoal.cluster.member;

import io.shoal.cluster.transport.MalformedMessageException;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything the cluster knows about one node, in the spirit of Cassandra's {@code EndpointState}:
 * its {@link Member} record, the application state it owns, and its reachability observations of
 * the members it monitors.
 *
 * <p>Two kinds of data with two merge rules live here. The member record is a lattice: anyone
 * may move it forward (see {@link MemberStatus}). Application state and observations are owned:
 * only the node writes them, each value stamped with the next number of one counter per
 * incarnation, and the highest version of a key wins. {@link #ownerVersion()} is the highest
 * version held; because every holder of version v also holds every value at or below v, a peer
 * that announces v needs only the values above it (Cassandra's digest rule).
 *
 * <p>Instances are immutable; operations that change nothing return {@code this}.
 */
public final class NodeState {

    public static final int APPLICATION_KEYS_MAX = 64;
    public static final int APPLICATION_KEY_LENGTH_MAX = 64;
    public static final int APPLICATION_VALUE_BYTES_MAX = 16 * 1024;
    public static final int OBSERVATIONS_MAX = 4096;

    private final Member member;
    private final NavigableMap<String, VersionedValue> applicationState;
    private final NavigableMap<NodeId, Observation> observations;
    private final long ownerVersion;
    private final long hash;

    private NodeState(Member member, NavigableMap<String, VersionedValue> applicationState,
            NavigableMap<NodeId, Observation> observations) {
        this.member = member;
        this.applicationState = applicationState;
        this.observations = observations;
        long version = 0;
        for (VersionedValue value : applicationState.values()) {
            version = Math.max(version, value.version());
        }
        for (Observation observation : observations.values()) {
            version = Math.max(version, observation.version());
        }
        this.ownerVersion = version;
        this.hash = Mix.mix(membershipHash(member), ownerVersion);
    }

    public static NodeState of(Member member) {
        return new NodeState(member, Collections.emptyNavigableMap(), Collections.emptyNavigableMap());
    }

    public NodeId id() {
        return member.id();
    }

    public Member member() {
        return member;
    }

    public Incarnation incarnation() {
        return member.incarnation();
    }

    public MemberStatus status() {
        return member.status();
    }

    public long ownerVersion() {
        return ownerVersion;
    }

    /** The owner's values by key, read-only. */
    public Map<String, VersionedValue> applicationState() {
        return Collections.unmodifiableNavigableMap(applicationState);
    }

    public VersionedValue applicationValue(String key) {
        return applicationState.get(key);
    }

    /** The owner's reachability observations by subject, read-only. */
    public Map<NodeId, Observation> observations() {
        return Collections.unmodifiableNavigableMap(observations);
    }

    public Observation observation(NodeId subject) {
        return observations.get(subject);
    }

    public NodeDigest digest() {
        return new NodeDigest(member.id(), member.incarnation(), member.status(), ownerVersion);
    }

    /** A hash of everything a digest shows, identical on every JVM. */
    public long hash64() {
        return hash;
    }

    /** A hash of the member record alone: what convergence is judged on. */
    public long membershipHash64() {
        return membershipHash(member);
    }

    private static long membershipHash(Member member) {
        return Mix.mix(Mix.mix(member.id().hash64(), member.incarnation().value()), member.status().code());
    }

    // ---- Changes ------------------------------------------------------------------------------

    public NodeState withStatus(MemberStatus status) {
        Member moved = member.withStatus(member.status().max(status));
        return moved == member ? this : new NodeState(moved, applicationState, observations);
    }

    /** The owner writes a value at its next version. Only the owning node may call this. */
    public NodeState withApplicationValue(String key, byte[] value) {
        checkApplicationValue(key, value);
        VersionedValue current = applicationState.get(key);
        if (current != null && java.util.Arrays.equals(current.value(), value)) {
            return this;
        }
        if (current == null && applicationState.size() >= APPLICATION_KEYS_MAX) {
            throw new IllegalArgumentException("application keys: " + (applicationState.size() + 1)
                    + " (expected: <= " + APPLICATION_KEYS_MAX + ")");
        }
        NavigableMap<String, VersionedValue> values = new TreeMap<>(applicationState);
        values.put(key, new VersionedValue(ownerVersion + 1, value));
        return new NodeState(member, Collections.unmodifiableNavigableMap(values), observations);
    }

    /** The owner records what it concluded about a subject. Only the owning node may call this. */
    public NodeState withObservation(NodeId subject, Incarnation subjectIncarnation, boolean reachable) {
        Observation current = observations.get(subject);
        if (current != null && current.reachable() == reachable
                && current.subjectIncarnation().equals(subjectIncarnation)) {
            return this;
        }
        if (current == null && reachable) {
            return this; // No record means no complaint: nothing to overwrite anywhere.
        }
        NavigableMap<NodeId, Observation> records = new TreeMap<>(observations);
        records.put(subject, new Observation(ownerVersion + 1, subjectIncarnation, reachable));
        return new NodeState(member, applicationState, Collections.unmodifiableNavigableMap(records));
    }

    /**
     * The merge of two views of the same node. Pure, commutative, associative and idempotent;
     * returns one of the arguments when it already holds the result.
     */
    public NodeState merge(NodeState other) {
        if (other == this) {
            return this;
        }
        assert id().equals(other.id()) : "merging states of different nodes";
        int byIncarnation = incarnation().compareTo(other.incarnation());
        if (byIncarnation != 0) {
            // A new life replaces everything the old one owned.
            return byIncarnation > 0 ? this : other;
        }
        Member mergedMember = member.merge(other.member);
        NavigableMap<String, VersionedValue> values = mergeMaps(applicationState, other.applicationState,
                VersionedValue::merge);
        NavigableMap<NodeId, Observation> records = mergeMaps(observations, other.observations, Observation::merge);
        if (mergedMember == member && values == applicationState && records == observations) {
            return this;
        }
        if (mergedMember == other.member && values == other.applicationState && records == other.observations) {
            return other;
        }
        return new NodeState(mergedMember, values, records);
    }

    private static <K, V> NavigableMap<K, V> mergeMaps(NavigableMap<K, V> mine, NavigableMap<K, V> theirs,
            java.util.function.BinaryOperator<V> merge) {
        if (theirs.isEmpty() || mine == theirs) {
            return mine;
        }
        if (mine.isEmpty()) {
            return theirs;
        }
        boolean mineWins = true;
        boolean theirsWins = true;
        TreeMap<K, V> merged = new TreeMap<>(mine);
        for (Map.Entry<K, V> entry : theirs.entrySet()) {
            V current = merged.get(entry.getKey());
            V result = current == null ? entry.getValue() : merge.apply(current, entry.getValue());
            if (result != current) {
                merged.put(entry.getKey(), result);
                mineWins = false;
            }
        }
        for (Map.Entry<K, V> entry : mine.entrySet()) {
            if (!Objects.equals(merged.get(entry.getKey()), theirs.get(entry.getKey()))) {
                theirsWins = false;
                break;
            }
        }
        if (mineWins) {
            return mine;
        }
        if (theirsWins && merged.size() == theirs.size()) {
            return theirs;
        }
        return Collections.unmodifiableNavigableMap(merged);
    }

    /**
     * What a peer that holds {@code theirs} lacks of this state, or null if it lacks nothing:
     * the member record, and only the owned values above the peer's owner version.
     */
    public NodeState deltaFor(NodeDigest theirs) {
        if (theirs == null || incarnation().isAfter(theirs.incarnation())) {
            return this;
        }
        if (theirs.incarnation().isAfter(incarnation())) {
            return null;
        }
        boolean statusNewer = status().ordinal() > theirs.status().ordinal();
        if (ownerVersion <= theirs.ownerVersion()) {
            return statusNewer ? new NodeState(member, Collections.emptyNavigableMap(), Collections.emptyNavigableMap())
                    : null;
        }
        if (theirs.ownerVersion() == 0) {
            return this;
        }
        TreeMap<String, VersionedValue> values = new TreeMap<>();
        applicationState.forEach((key, value) -> {
            if (value.version() > theirs.ownerVersion()) {
                values.put(key, value);
            }
        });
        TreeMap<NodeId, Observation> records = new TreeMap<>();
        observations.forEach((subject, observation) -> {
            if (observation.version() > theirs.ownerVersion()) {
                records.put(subject, observation);
            }
        });
        return new NodeState(member, Collections.unmodifiableNavigableMap(values),
                Collections.unmodifiableNavigableMap(records));
    }

    /** Whether this view is newer than the digest in any respect. */
    public boolean isNewerThan(NodeDigest theirs) {
        if (theirs == null) {
            return true;
        }
        int byIncarnation = incarnation().compareTo(theirs.incarnation());
        if (byIncarnation != 0) {
            return byIncarnation > 0;
        }
        return status().ordinal() > theirs.status().ordinal() || ownerVersion > theirs.ownerVersion();
    }

    /** Drops reachability records about nodes that no longer exist, to keep the state small. */
    public NodeState withoutObservationsOf(java.util.function.Predicate<NodeId> gone) {
        if (observations.keySet().stream().noneMatch(gone)) {
            return this;
        }
        TreeMap<NodeId, Observation> kept = new TreeMap<>(observations);
        kept.keySet().removeIf(gone);
        return new NodeState(member, applicationState, Collections.unmodifiableNavigableMap(kept));
    }

    // ---- Wire ---------------------------------------------------------------------------------

    public void write(WireWriter writer) {
        member.write(writer);
        writer.writeShort(applicationState.size());
        applicationState.forEach((key, value) -> {
            writer.writeString(key).writeLong(value.version()).writeBytes(value.value());
        });
        writer.writeShort(observations.size());
        observations.forEach((subject, observation) -> {
            subject.write(writer);
            observation.write(writer);
        });
    }

    public static NodeState read(WireReader reader) {
        Member member = Member.read(reader);
        int valueCount = reader.readShort();
        if (valueCount > APPLICATION_KEYS_MAX) {
            throw new MalformedMessageException("application keys: " + valueCount + " (expected: <= "
                    + APPLICATION_KEYS_MAX + ")");
        }
        TreeMap<String, VersionedValue> values = new TreeMap<>();
        for (int i = 0; i < valueCount; i++) {
            String key = reader.readString(APPLICATION_KEY_LENGTH_MAX);
            long version = reader.readLong();
            byte[] value = reader.readBytes(APPLICATION_VALUE_BYTES_MAX);
            if (version < 1) {
                throw new MalformedMessageException("value version: " + version + " (expected: >= 1)");
            }
            values.put(key, new VersionedValue(version, value));
        }
        int observationCount = reader.readShort();
        if (observationCount > OBSERVATIONS_MAX) {
            throw new MalformedMessageException("observations: " + observationCount + " (expected: <= "
                    + OBSERVATIONS_MAX + ")");
        }
        TreeMap<NodeId, Observation> records = new TreeMap<>();
        for (int i = 0; i < observationCount; i++) {
            records.put(NodeId.read(reader), Observation.read(reader));
        }
        return new NodeState(member, Collections.unmodifiableNavigableMap(values),
                Collections.unmodifiableNavigableMap(records));
    }

    public static void checkApplicationValue(String key, byte[] value) {
        if (key == null || key.isEmpty() || key.length() > APPLICATION_KEY_LENGTH_MAX) {
            throw new IllegalArgumentException("application key: " + key);
        }
        if (value.length > APPLICATION_VALUE_BYTES_MAX) {
            throw new IllegalArgumentException("application value length: " + value.length + " (expected: <= "
                    + APPLICATION_VALUE_BYTES_MAX + ")");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NodeState that && member.equals(that.member)
                && applicationState.equals(that.applicationState) && observations.equals(that.observations);
    }

    @Override
    public int hashCode() {
        return (int) hash;
    }

    @Override
    public String toString() {
        return member + " v" + ownerVersion + " values=" + applicationState.keySet() + " observations="
                + observations.size();
    }
}
