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
 * form one cluster through the membership; it then spreads the slots evenly over the masters (the
 * first N/(R+1) nodes), makes the other nodes replicas (each of a master in another process),
 * waits for cluster_state:ok and prints the roles and how to connect. Ctrl-C stops every child.
 */
@Command(name = "local", mixinStandardHelpOptions = true, description = "Run a local Shoal cluster and print how to connect.")
public final class LocalCommand implements Callable<Integer> {
  @Option(names = "--base-port", defaultValue = "7000", description = "Port of the first node (default 7000).")
  int basePort;

  @Option(names = "--nodes", defaultValue = "3",
      description = "Number of nodes, masters and replicas together (default 3).")
  int nodes;

  @Option(names = "--replicas", defaultValue = "0",
      description = "Replicas per master (default 0): --nodes 6 --replicas 1 makes 3 masters with one replica each.")
  int replicas;

  @Option(names = "--dir", defaultValue = "data", description = "Parent of each node's data directory (default ./data).")
  Path dir;

  @Override
  public Integer call() throws Exception {
    if (nodes < 1 || replicas < 0 || nodes / (replicas + 1) < 1) {
      System.out.println("--nodes must be at least 1, and at least --replicas + 1 so that there is a master");
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
      List<String> command = new ArrayList<>();
      command.add(java);
      command.addAll(nodeJavaFlags());
      command.addAll(List.of("-cp", System.getProperty("java.class.path"),
          "io.shoal.cli.ShoalCli", "server", "--cluster", "--port", Integer.toString(port),
          "--seeds", "127.0.0.1:" + basePort, "--dir", nodeDir.toString()));
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.redirectErrorStream(true).redirectOutput(nodeDir.resolve("shoal.log").toFile());
      children.add(builder.start());
      endpoints.add("127.0.0.1:" + port);
    }
    System.out.println("Started " + nodes + " nodes; waiting for them to form a cluster...");
    if (!assignSlots(endpoints, replicas, 120_000)) {
      System.out.println("The cluster did not become ok; see " + dir.resolve("<port>/shoal.log"));
      stopAll(children);
      return 1;
    }
    System.out.println("Shoal cluster is up (cluster_state:ok):");
    printRoles(endpoints);
    System.out.println("Connect with:  redis-cli -c -p " + basePort);
    System.out.println("Press Ctrl-C to stop.");
    for (Process child : children) {
      child.waitFor();
    }
    return 0;
  }

  /**
   * Waits until every node knows all others, gives unassigned slots out evenly to the masters,
   * makes the others replicas, waits for ok and for every node to agree on the roles.
   */
  static boolean assignSlots(List<String> endpoints, int replicas, long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    int[] masterOf = ClusterCommand.masterOfEach(endpoints.size(), replicas);
    int masters = endpoints.size() / (replicas + 1);
    boolean assigned = false;
    boolean replicated = false;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (!assigned && ClusterCommand.allKnowEachOther(endpoints)) {
          for (int i = 0; i < masters; i++) {
            try (RespClient client = RespClient.connect(endpoints.get(i))) {
              if (!client.clusterInfo("cluster_slots_assigned").equals("0")) {
                continue;
              }
              int start = (int) ((long) ClusterCommand.SLOTS * i / masters);
              int end = (int) ((long) ClusterCommand.SLOTS * (i + 1) / masters) - 1;
              client.call("CLUSTER", "ADDSLOTSRANGE", Integer.toString(start), Integer.toString(end));
            }
          }
          assigned = true;
        }
        if (assigned && !replicated) {
          replicated = ClusterCommand.assignReplicas(endpoints, masterOf);
        }
        if (replicated && ClusterCommand.allJoinedAndOk(endpoints)
            && ClusterCommand.rolesAgree(endpoints, endpoints.size() - masters)) {
          return true;
        }
      } catch (Exception notYet) {
        // A node still starting: try again.
      }
      Thread.sleep(300);
    }
    return false;
  }

  /** One line per node: its role (slots of a master, the master of a replica) and proxy port. */
  /**
   * The JVM flags the {@code ./shoal} launcher started this process with (GC, native access, the
   * start-up cache), so the nodes start as a single {@code shoal server} would.
   */
  static List<String> nodeJavaFlags() {
    String flags = System.getenv("SHOAL_NODE_JAVA_FLAGS");
    List<String> result = new ArrayList<>();
    if (flags != null) {
      for (String flag : flags.trim().split("\\s+")) {
        if (!flag.isEmpty()) {
          result.add(flag);
        }
      }
    }
    return result;
  }

  static void printRoles(List<String> endpoints) throws java.io.IOException {
    List<String[]> lines = ClusterCommand.nodeLines(endpoints.get(0));
    java.util.Map<String, String> endpointOf = new java.util.HashMap<>();
    for (String[] line : lines) {
      endpointOf.put(line[0], line[1].split("[@,]")[0]);
    }
    for (String endpoint : endpoints) {
      int port = Integer.parseInt(endpoint.substring(endpoint.indexOf(':') + 1));
      String role = "?";
      for (String[] line : lines) {
        if (endpointOf.get(line[0]).equals(endpoint)) {
          role = ClusterCommand.isReplica(line) ? "replica of " + endpointOf.getOrDefault(line[3], line[3])
              : "master, slots " + String.join(" ", java.util.Arrays.asList(line).subList(8, line.length));
        }
      }
      System.out.println("  " + endpoint + "   " + role + "   (proxy port " + (port + 1000) + ")");
    }
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
