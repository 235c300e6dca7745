package io.shoal.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `shoal local`: the quickest way to a running Shoal cluster. It starts the nodes as child
 * processes on loopback (the same jar, `server --cluster`, all seeded with the first node), so they
 * form one cluster through the membership; it then spreads the slots evenly, waits for
 * cluster_state:ok and prints how to connect. Ctrl-C stops every child.
 */
@Command(name = "local", mixinStandardHelpOptions = true, description = "Run a local Shoal cluster and print how to connect.")
public final class LocalCommand implements Callable<Integer> {
  @Option(names = "--base-port", defaultValue = "7000", description = "Port of the first node (default 7000).")
  int basePort;

  @Option(names = "--nodes", defaultValue = "3", description = "Number of master nodes (default 3).")
  int nodes;

  @Option(names = "--replicas", defaultValue = "0", description = "Replicas per master (replication is not there yet: 0).")
  int replicas;

  @Option(names = "--dir", defaultValue = "data", description = "Parent of each node's data directory (default ./data).")
  Path dir;

  @Override
  public Integer call() throws Exception {
    if (replicas > 0) {
      System.out.println("Replication is not there yet: starting " + nodes + " masters without replicas.");
    }
    if (nodes < 1) {
      System.out.println("--nodes must be at least 1");
      return 2;
    }
    List<Process> children = new ArrayList<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(children), "shoal-local-stop"));
    List<String> endpoints = new ArrayList<>();
    String java = ProcessHandle.current().info().command().orElse(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    for (int i = 0; i < nodes; i++) {
      int port = basePort + i;
      Path nodeDir = dir.resolve(Integer.toString(port)).toAbsolutePath();
      Files.createDirectories(nodeDir);
      ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          "io.shoal.cli.ShoalCli", "server", "--cluster", "--port", Integer.toString(port),
          "--seeds", "127.0.0.1:" + basePort, "--dir", nodeDir.toString());
      builder.redirectErrorStream(true).redirectOutput(nodeDir.resolve("shoal.log").toFile());
      children.add(builder.start());
      endpoints.add("127.0.0.1:" + port);
    }
    System.out.println("Started " + nodes + " nodes; waiting for them to form a cluster...");
    if (!assignSlots(endpoints, 120_000)) {
      System.out.println("The cluster did not become ok; see " + dir.resolve("<port>/shoal.log"));
      stopAll(children);
      return 1;
    }
    System.out.println("Shoal cluster is up (cluster_state:ok):");
    for (String endpoint : endpoints) {
      int port = Integer.parseInt(endpoint.substring(endpoint.indexOf(':') + 1));
      System.out.println("  " + endpoint + "   (proxy port " + (port + 1000) + ")");
    }
    System.out.println("Connect with:  redis-cli -c -p " + basePort);
    System.out.println("Press Ctrl-C to stop.");
    for (Process child : children) {
      child.waitFor();
    }
    return 0;
  }

  /** Waits until every node knows all others, gives unassigned slots out evenly, waits for ok. */
  static boolean assignSlots(List<String> endpoints, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    boolean assigned = false;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (!assigned && allKnowEachOther(endpoints)) {
          int count = endpoints.size();
          for (int i = 0; i < count; i++) {
            try (RespClient client = RespClient.connect(endpoints.get(i))) {
              if (!client.clusterInfo("cluster_slots_assigned").equals("0")) {
                continue;
              }
              int start = (int) ((long) ClusterCommand.SLOTS * i / count);
              int end = (int) ((long) ClusterCommand.SLOTS * (i + 1) / count) - 1;
              client.call("CLUSTER", "ADDSLOTSRANGE", Integer.toString(start), Integer.toString(end));
            }
          }
          assigned = true;
        }
        if (assigned && ClusterCommand.allJoinedAndOk(endpoints)) {
          return true;
        }
      } catch (Exception notYet) {
        // A node still starting: try again.
      }
      Thread.sleep(300);
    }
    return false;
  }

  private static boolean allKnowEachOther(List<String> endpoints) throws Exception {
    for (String endpoint : endpoints) {
      try (RespClient client = RespClient.connect(endpoint)) {
        if (!client.clusterInfo("cluster_known_nodes").equals(Integer.toString(endpoints.size()))) {
          return false;
        }
      }
    }
    return true;
  }

  private static void stopAll(List<Process> children) {
    for (Process child : children) {
      child.destroy();
    }
    for (Process child : children) {
      try {
        if (!child.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          child.destroyForcibly();
        }
      } catch (InterruptedException e) {
        child.destroyForcibly();
      }
    }
  }
}
