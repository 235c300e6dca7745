package io.shoal.cluster.sim;

/** Parses the simulator's command line, the same options as {@code shoal sim}. */
public final class SimArguments {

    private SimArguments() {
    }

    public static SimOptions parse(String[] args) {
        int nodes = 100;
        int seconds = 60;
        long seed = 1;
        double loss = 0.01;
        int[] latency = {1, 10};
        SimOptions.Scenario scenario = SimOptions.Scenario.JOIN;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--nodes" -> nodes = Integer.parseInt(require(args[i], value));
                case "--seconds" -> seconds = Integer.parseInt(require(args[i], value));
                case "--seed" -> seed = Long.parseLong(require(args[i], value));
                case "--loss" -> loss = Double.parseDouble(require(args[i], value));
                case "--latency-ms" -> latency = SimOptions.parseLatency(require(args[i], value));
                case "--scenario" -> scenario = SimOptions.Scenario.parse(require(args[i], value));
                default -> throw new IllegalArgumentException("unknown option: " + args[i]);
            }
            i++;
        }
        return new SimOptions(nodes, seconds, seed, loss, latency[0], latency[1], scenario);
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
