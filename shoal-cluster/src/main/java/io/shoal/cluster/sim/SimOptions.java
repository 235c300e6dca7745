package io.shoal.cluster.sim;

import java.util.Locale;

/**
 * One simulator run, as plain data: a seed and these options reproduce it exactly.
 *
 * @param nodes the cluster size formed before the scenario starts
 * @param seconds virtual seconds to run after the cluster has formed
 * @param seed the seed of every random draw in the run
 * @param loss the probability that any one message is lost
 * @param latencyMinMillis the smallest one-way delay
 * @param latencyMaxMillis the largest one-way delay (uniform in between)
 * @param scenario join, crash, partition or churn
 */
public record SimOptions(int nodes, int seconds, long seed, double loss, int latencyMinMillis, int latencyMaxMillis,
        Scenario scenario) {

    public static final int NODES_MAX = 20_000;

    /** What happens after the cluster has formed. */
    public enum Scenario {
        /** One more node joins; figures: rounds until every node sees it up. */
        JOIN,
        /** One node crashes; figures: when the first and the last live node knew. */
        CRASH,
        /** 60% and 40% of the nodes are cut apart, then healed. */
        PARTITION,
        /** Nodes join and crash continuously, then the churn stops and the cluster settles. */
        CHURN;

        public static Scenario parse(String name) {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        }
    }

    public SimOptions {
        if (nodes < 2 || nodes > NODES_MAX || seconds < 1 || loss < 0 || loss >= 1 || latencyMinMillis < 0
                || latencyMaxMillis < latencyMinMillis) {
            throw new IllegalArgumentException("simulator options: nodes " + nodes + ", seconds " + seconds + ", loss "
                    + loss + ", latency " + latencyMinMillis + "-" + latencyMaxMillis);
        }
    }

    public static SimOptions defaults(int nodes, int seconds, Scenario scenario) {
        return new SimOptions(nodes, seconds, 1, 0.01, 1, 10, scenario);
    }

    public SimOptions withSeed(long newSeed) {
        return new SimOptions(nodes, seconds, newSeed, loss, latencyMinMillis, latencyMaxMillis, scenario);
    }

    /** Parses "A-B" (milliseconds) into {min, max}. */
    public static int[] parseLatency(String range) {
        String[] parts = range.split("-");
        if (parts.length != 2) {
            throw new IllegalArgumentException("latency: expected A-B in milliseconds, got " + range);
        }
        return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
    }
}
