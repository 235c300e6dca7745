package io.shoal.cluster.gossip;

import java.util.Arrays;

/**
 * Which nodes have seen a given membership, as bits over the positions of the node IDs in that
 * membership's sorted table.
 *
 * <p>Akka's {@code seen} set, made compact: for a thousand nodes it is 125 bytes, cheap enough to
 * ride on every gossip message. Two sets merge (by OR) only when they are about the same
 * membership hash: equal hashes mean equal node sets, so positions mean the same nodes on both
 * sides. When membership changes, the set restarts with the holder alone.
 */
public record SeenSet(long membershipHash, long[] bits) {

    public static final int WORDS_MAX = 1 << 12;

    public SeenSet {
        bits = bits.clone();
    }

    public static SeenSet only(long membershipHash, int size, int selfIndex) {
        long[] bits = new long[words(size)];
        if (selfIndex >= 0) {
            bits[selfIndex >>> 6] |= 1L << selfIndex;
        }
        return new SeenSet(membershipHash, bits);
    }

    public static int words(int size) {
        return (size + 63) >>> 6;
    }

    @Override
    public long[] bits() {
        return bits.clone();
    }

    long[] bitsUnsafe() {
        return bits;
    }

    public boolean contains(int index) {
        return index >= 0 && (index >>> 6) < bits.length && (bits[index >>> 6] & (1L << index)) != 0;
    }

    public int count() {
        int count = 0;
        for (long word : bits) {
            count += Long.bitCount(word);
        }
        return count;
    }

    public SeenSet with(int index) {
        if (contains(index) || index < 0 || (index >>> 6) >= bits.length) {
            return this;
        }
        long[] copy = bits.clone();
        copy[index >>> 6] |= 1L << index;
        return new SeenSet(membershipHash, copy);
    }

    /** The union with another set about the same membership; {@code this} when nothing is new. */
    public SeenSet merge(long otherHash, long[] otherBits) {
        if (otherHash != membershipHash || otherBits.length != bits.length) {
            return this;
        }
        long[] union = null;
        for (int i = 0; i < bits.length; i++) {
            if ((otherBits[i] & ~bits[i]) != 0) {
                if (union == null) {
                    union = bits.clone();
                }
                union[i] |= otherBits[i];
            }
        }
        return union == null ? this : new SeenSet(membershipHash, union);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SeenSet that && membershipHash == that.membershipHash
                && Arrays.equals(bits, that.bits);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(membershipHash) * 31 + Arrays.hashCode(bits);
    }
}
