package io.shoal.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `shoal local`: the quickest way to a running Shoal. Until cluster mode lands it runs one node in
 * this process and prints how to connect.
 */
@Command(name = "local", mixinStandardHelpOptions = true, description = "Run Shoal locally and print how to connect.")
public final class LocalCommand implements Callable<Integer> {
  @Option(names = "--base-port", defaultValue = "7000", description = "Port of the first node (default 7000).")
  int basePort;

  @Option(names = "--nodes", defaultValue = "1", description = "Number of nodes (cluster mode is not there yet: 1).")
  int nodes;

  @Option(names = "--replicas", defaultValue = "0", description = "Replicas per master (replication is not there yet: 0).")
  int replicas;

  @Override
  public Integer call() throws Exception {
    if (nodes != 1) {
      System.out.println("Cluster mode is not there yet: starting a single node.");
    }
    if (replicas > 0) {
      System.out.println("Replication is not there yet: starting without replicas.");
    }
    ServerCommand server = new ServerCommand();
    server.port = basePort;
    System.out.println("Starting a Shoal node on 127.0.0.1:" + basePort + " (Ctrl-C to stop).");
    System.out.println("Connect with:  redis-cli -p " + basePort);
    return server.call();
  }
}
