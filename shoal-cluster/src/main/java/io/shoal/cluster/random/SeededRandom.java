package io.shoal.cluster.random;

import java.util.SplittableRandom;

/**
 * A {@link RandomSource} that gives the same sequence for the same seed.
 *
 * <p>Each simulated node gets its own instance, {@link #split() split} from the simulator's, so
 * that adding a random draw in one node does not shift the sequence of every other node.
 */
public final class SeededRandom implements RandomSource {

    private final SplittableRandom random;

    public SeededRandom(long seed) {
        this(new SplittableRandom(seed));
    }

    private SeededRandom(SplittableRandom random) {
        this.random = random;
    }

    /**
     * A random source seeded from the operating system's entropy, for production members. The
     * seed is drawn once here; everything after is reproducible from it.
     */
    public static SeededRandom fromEntropy() {
        return new SeededRandom(new java.security.SecureRandom().nextLong());
    }

    /** An independent generator derived from this one. */
    public SeededRandom split() {
        return new SeededRandom(random.split());
    }

    @Override
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    @Override
    public long nextLong() {
        return random.nextLong();
    }

    @Override
    public double nextDouble() {
        return random.nextDouble();
    }
}
