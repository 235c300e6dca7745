package io.shoal.cli;

import io.shoal.cluster.sim.SimOptions;
import io.shoal.cluster.sim.SimReport;
import io.shoal.cluster.sim.Simulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shoal sim}: runs the membership protocol for N simulated nodes on virtual time and
 * prints the figures as one line of key=value pairs (the last line of the output).
 */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Simulate the cluster membership protocol for N nodes on virtual time.")
public final class SimCommand implements Runnable {

    @Option(names = "--nodes", required = true, description = "Cluster size formed before the scenario.")
    int nodes;

    @Option(names = "--seconds", required = true, description = "Virtual seconds of the scenario.")
    int seconds;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of every random draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--loss", defaultValue = "0.01", description = "Message loss probability (default: ${DEFAULT-VALUE}).")
    double loss;

    @Option(names = "--latency-ms", defaultValue = "1-10", description = "One-way latency range A-B in ms (default: ${DEFAULT-VALUE}).")
    String latency;

    @Option(names = "--scenario", defaultValue = "join",
            description = "join, crash, partition or churn (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Override
    public void run() {
        int[] range = SimOptions.parseLatency(latency);
        SimOptions options = new SimOptions(nodes, seconds, seed, loss, range[0], range[1],
                SimOptions.Scenario.parse(scenario));
        SimReport report = Simulation.run(options);
        System.out.println(report);
    }
}
