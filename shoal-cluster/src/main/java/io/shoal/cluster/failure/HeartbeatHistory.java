package io.shoal.cluster.failure;

/**
 * The last intervals between heartbeats of one monitored node, with their running mean and
 * variance, in a ring buffer of at most {@code windowMax} entries.
 *
 * <p>The buffer starts small and grows to the window, because a node monitors only a few
 * neighbours but the simulator holds thousands of nodes in one JVM.
 */
final class HeartbeatHistory {

    private final int windowMax;
    private long[] intervalsMillis = new long[16];
    private int start;
    private int count;
    private double sum;
    private double squaredSum;

    HeartbeatHistory(int windowMax) {
        if (windowMax < 2) {
            throw new IllegalArgumentException("window: " + windowMax + " (expected: >= 2)");
        }
        this.windowMax = windowMax;
    }

    void add(long intervalMillis) {
        if (count == windowMax) {
            long oldest = intervalsMillis[start];
            sum -= oldest;
            squaredSum -= (double) oldest * oldest;
            start = (start + 1) % intervalsMillis.length;
            count--;
        } else if (count == intervalsMillis.length) {
            grow();
        }
        intervalsMillis[(start + count) % intervalsMillis.length] = intervalMillis;
        count++;
        sum += intervalMillis;
        squaredSum += (double) intervalMillis * intervalMillis;
    }

    private void grow() {
        long[] grown = new long[Math.min(windowMax, intervalsMillis.length * 2)];
        for (int i = 0; i < count; i++) {
            grown[i] = intervalsMillis[(start + i) % intervalsMillis.length];
        }
        intervalsMillis = grown;
        start = 0;
    }

    int count() {
        return count;
    }

    double mean() {
        return sum / count;
    }

    double variance() {
        double mean = mean();
        return Math.max(0.0, squaredSum / count - mean * mean);
    }

    double standardDeviation() {
        return Math.sqrt(variance());
    }
}
