package io.shoal.cluster.random;

/**
 * The only source of randomness for protocol code: peer selection, node IDs, jitter.
 *
 * <p>Injected so that a simulator run is reproduced exactly by its seed; protocol classes never
 * use {@code ThreadLocalRandom}, {@code Math.random()} or an unseeded shuffle.
 */
public interface RandomSource {

    /** A uniformly distributed int in [0, bound). */
    int nextInt(int bound);

    /** A uniformly distributed long. */
    long nextLong();

    /** A uniformly distributed double in [0, 1). */
    double nextDouble();
}
