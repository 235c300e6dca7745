package io.shoal.cluster.time;

/** The real clock: the one place in the library that reads the JVM's timers. */
public final class SystemClock implements Clock {

    private static final long NANOS_PER_MILLI = 1_000_000L;

    @Override
    public long monotonicMillis() {
        return System.nanoTime() / NANOS_PER_MILLI;
    }

    @Override
    public long wallMillis() {
        return System.currentTimeMillis();
    }
}
