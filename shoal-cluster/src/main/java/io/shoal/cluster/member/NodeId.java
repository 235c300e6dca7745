package io.shoal.cluster.member;

import io.shoal.cluster.random.RandomSource;
import io.shoal.cluster.transport.MalformedMessageException;
import io.shoal.cluster.transport.WireReader;
import io.shoal.cluster.transport.WireWriter;

/**
 * A node's identity: 160 random bits, shown as 40 lowercase hex characters as Redis shows its
 * node IDs.
 *
 * <p>The ID is drawn once and kept across restarts (an {@link Incarnation} tells restarts apart).
 * IDs order the monitor ring and the leader rule, so the order must be the same on every node:
 * it is the unsigned order of the 160 bits, which is also the order of the hex strings.
 */
public final class NodeId implements Comparable<NodeId> {

    public static final int HEX_LENGTH = 40;
    public static final int WIRE_BYTES = 20;

    private final long high;
    private final long middle;
    private final int low;

    private NodeId(long high, long middle, int low) {
        this.high = high;
        this.middle = middle;
        this.low = low;
    }

    public static NodeId of(long high, long middle, int low) {
        return new NodeId(high, middle, low);
    }

    public static NodeId random(RandomSource random) {
        return new NodeId(random.nextLong(), random.nextLong(), (int) random.nextLong());
    }

    public static NodeId parse(String hex) {
        if (hex.length() != HEX_LENGTH) {
            throw new IllegalArgumentException("node id length: " + hex.length() + " (expected: 40)");
        }
        for (int i = 0; i < HEX_LENGTH; i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                throw new IllegalArgumentException("node id is not hex: " + hex);
            }
        }
        return new NodeId(Long.parseUnsignedLong(hex.substring(0, 16), 16),
                Long.parseUnsignedLong(hex.substring(16, 32), 16),
                Integer.parseUnsignedInt(hex.substring(32, 40), 16));
    }

    public static NodeId read(WireReader reader) {
        return new NodeId(reader.readLong(), reader.readLong(), reader.readInt());
    }

    public void write(WireWriter writer) {
        writer.writeLong(high).writeLong(middle).writeInt(low);
    }

    /** The top bits, which choose this node's bucket in {@link ClusterState}. */
    public int bucket(int bucketBits) {
        return (int) (high >>> (64 - bucketBits));
    }

    /** A well-mixed 64-bit hash of all 160 bits, the same on every JVM. */
    public long hash64() {
        return Mix.mix(Mix.mix(high * 31 + middle) ^ low);
    }

    public String toHex() {
        return String.format("%016x%016x%08x", high, middle, low);
    }

    /** The first 8 hex characters, for logs. */
    public String shortHex() {
        return toHex().substring(0, 8);
    }

    @Override
    public int compareTo(NodeId other) {
        int byHigh = Long.compareUnsigned(high, other.high);
        if (byHigh != 0) {
            return byHigh;
        }
        int byMiddle = Long.compareUnsigned(middle, other.middle);
        return byMiddle != 0 ? byMiddle : Integer.compareUnsigned(low, other.low);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NodeId that && high == that.high && middle == that.middle && low == that.low;
    }

    @Override
    public int hashCode() {
        return (int) hash64();
    }

    @Override
    public String toString() {
        return toHex();
    }

    static void requireWireLength(int length) {
        if (length != WIRE_BYTES) {
            throw new MalformedMessageException("node id bytes: " + length + " (expected: 20)");
        }
    }
}
