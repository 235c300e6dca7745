package io.shoal.cluster.time;

/**
 * The only source of time for protocol code.
 *
 * <p>Protocol classes never call {@code System.nanoTime()} or {@code System.currentTimeMillis()}:
 * they receive a clock through their constructor, so that the simulator can run a thousand nodes
 * on one virtual time line and replay any run from its seed. {@link SystemClock} is the production
 * implementation; the simulator advances its own.
 */
public interface Clock {

    /** Monotonic time in milliseconds, for intervals and timeouts; its origin is arbitrary. */
    long monotonicMillis();

    /** Wall-clock time in milliseconds since the epoch, for values that must grow across restarts. */
    long wallMillis();
}
