package io.shoal.cluster.member;

/**
 * The 64-bit finaliser of SplitMix64 (Steele, Lea, Flood 2014), used to hash state entries.
 *
 * <p>Digests compare XORs of entry hashes between nodes, so the hash must be identical on every
 * JVM and well mixed: {@code Objects.hash} is neither.
 */
public final class Mix {

    private Mix() {
    }

    public static long mix(long value) {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static long mix(long first, long second) {
        return mix(mix(first) ^ second);
    }
}
