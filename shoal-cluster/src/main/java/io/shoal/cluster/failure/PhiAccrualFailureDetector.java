package io.shoal.cluster.failure;

/**
 * The phi accrual failure detector of Hayashibara et al. (2004), as Akka configures it.
 *
 * <p>Instead of a yes/no timeout it gives a suspicion level, phi = -log10(1 - F(t)), where t is
 * the time since the last heartbeat and F the normal distribution fitted to the recent
 * intervals: phi 1 means a 10% chance of a false alarm, 2 means 1%, 8 one in a hundred million.
 * It adapts to the actual network: on a jittery link the fitted spread grows and phi rises more
 * slowly. Two of Akka's safeguards are kept: an acceptable pause added to the mean, so that a
 * GC pause or a lost heartbeat or two is not suspicious, and a floor on the standard deviation,
 * so that a perfectly regular simulated network does not make phi jump from 0 to infinity.
 * F is approximated by the logistic function, as Akka does, which is cheap and accurate to 1e-4.
 *
 * <p>Not thread-safe: a detector belongs to the node's thread. Time comes from the caller.
 */
public final class PhiAccrualFailureDetector {

    private final double threshold;
    private final long acceptablePauseMillis;
    private final double standardDeviationMinMillis;
    private final HeartbeatHistory history;
    private long lastHeartbeatMillis = -1;

    public PhiAccrualFailureDetector(Settings settings, long nowMillis) {
        this.threshold = settings.threshold();
        this.acceptablePauseMillis = settings.acceptablePauseMillis();
        this.standardDeviationMinMillis = settings.standardDeviationMinMillis();
        this.history = new HeartbeatHistory(settings.windowMax());
        // Seed the history with the expected interval, so that a node that never answers is
        // still detected, and a new detector is neither trigger-happy nor blind (Akka does this).
        long first = settings.firstHeartbeatEstimateMillis();
        long spread = first / 4;
        history.add(first - spread);
        history.add(first + spread);
        this.lastHeartbeatMillis = nowMillis;
    }

    /** Records a heartbeat arrival. */
    public void heartbeat(long nowMillis) {
        long interval = nowMillis - lastHeartbeatMillis;
        if (interval > 0) {
            history.add(interval);
        }
        lastHeartbeatMillis = Math.max(lastHeartbeatMillis, nowMillis);
    }

    public double phi(long nowMillis) {
        long sinceLast = Math.max(0, nowMillis - lastHeartbeatMillis);
        double mean = history.mean() + acceptablePauseMillis;
        double deviation = Math.max(history.standardDeviation(), standardDeviationMinMillis);
        return phi(sinceLast, mean, deviation);
    }

    public boolean isAvailable(long nowMillis) {
        return phi(nowMillis) < threshold;
    }

    static double phi(double sinceLastMillis, double meanMillis, double deviationMillis) {
        double y = (sinceLastMillis - meanMillis) / deviationMillis;
        double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
        if (sinceLastMillis > meanMillis) {
            return -Math.log10(e / (1.0 + e));
        }
        return -Math.log10(1.0 - 1.0 / (1.0 + e));
    }

    int intervalCount() {
        return history.count();
    }

    /**
     * Detector settings. Defaults follow the issue and Akka: threshold 8, heartbeats every second,
     * 3 s of acceptable pause, a window of 1000 intervals, a 100 ms floor on the deviation.
     */
    public record Settings(double threshold, long acceptablePauseMillis, long firstHeartbeatEstimateMillis,
            double standardDeviationMinMillis, int windowMax) {

        public static final Settings DEFAULT = new Settings(8.0, 3_000, 1_000, 100.0, 1_000);

        public Settings {
            if (threshold <= 0 || acceptablePauseMillis < 0 || firstHeartbeatEstimateMillis <= 0
                    || standardDeviationMinMillis <= 0 || windowMax < 2) {
                throw new IllegalArgumentException("detector settings: " + threshold + ", " + acceptablePauseMillis
                        + ", " + firstHeartbeatEstimateMillis + ", " + standardDeviationMinMillis + ", " + windowMax);
            }
        }
    }
}
