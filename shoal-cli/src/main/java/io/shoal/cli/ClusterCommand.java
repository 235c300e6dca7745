package io.shoal.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * `shoal cluster create|check|info host:port ...`: what redis-cli --cluster does for these jobs,
 * without redis-cli. Create makes the first N/(R+1) nodes masters (R = --replicas), assigns them
 * the 16384 slots evenly, gives every node a distinct config epoch, meets them through the first
 * node, waits until all know each other, makes each remaining node replicate a master (round
 * robin, so masters get replicas evenly; each replica is another process than its master), and
 * waits until every node agrees and reports cluster_state:ok.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Create, check or describe a Shoal cluster.",
    subcommands = {ClusterCommand.Create.class, ClusterCommand.Check.class, ClusterCommand.Info.class})
public final class ClusterCommand implements Runnable {
  static final int SLOTS = 16384;

  @Override
  public void run() {
    System.out.println("Usage: shoal cluster create|check|info host:port ...");
  }

  @Command(name = "create", description = "Create a cluster from fresh nodes.")
  static final class Create implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "host:port")
    List<String> nodes;

    @picocli.CommandLine.Option(names = "--replicas", defaultValue = "0",
        description = "Replicas per master (default 0): the first N/(R+1) nodes are masters.")
    int replicas;

    @Override
    public Integer call() throws Exception {
      return create(nodes, replicas, 60_000) ? 0 : 1;
    }
  }

  @Command(name = "check", description = "Check that every node agrees on the slots and all slots are covered.")
  static final class Check implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "host:port")
    List<String> nodes;

    @Override
    public Integer call() throws Exception {
      return check(nodes.get(0), true) ? 0 : 1;
    }
  }

  @Command(name = "info", description = "Keys and slots per master.")
  static final class Info implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "host:port")
    List<String> nodes;

    @Override
    public Integer call() throws Exception {
      long keys = 0;
      List<String[]> lines = nodeLines(nodes.get(0));
      List<String[]> masters = lines.stream().filter(line -> !isReplica(line)).toList();
      for (String[] line : masters) {
        String endpoint = line[1].split("[@,]")[0];
        try (RespClient client = RespClient.connect(endpoint)) {
          long size = (Long) client.call("DBSIZE");
          keys += size;
          System.out.printf("%s (%s...) -> %d keys | %d slots | %d replicas.%n", endpoint, line[0].substring(0, 8),
              size, slotCount(line), replicasOf(lines, line[0]));
        }
      }
      System.out.printf("[OK] %d keys in %d masters.%n", keys, masters.size());
      return 0;
    }
  }

  /**
   * Which node each node replicates: -1 for the first {@code count / (replicas + 1)} nodes, the
   * masters; the others are spread over the masters round robin, as redis-cli spreads them.
   */
  static int[] masterOfEach(int count, int replicas) {
    int masters = count / (replicas + 1);
    int[] masterOf = new int[count];
    for (int i = 0; i < count; i++) {
      masterOf[i] = i < masters ? -1 : (i - masters) % masters;
    }
    return masterOf;
  }

  /** Assigns slots evenly, distinct epochs, meets, replicas; true when the cluster is ok. */
  static boolean create(List<String> nodes, int replicas, long timeoutMillis)
      throws IOException, InterruptedException {
    int count = nodes.size();
    int masters = count / (replicas + 1);
    if (replicas < 0 || masters < 3) {
      System.out.println("[ERR] Redis Cluster (and Shoal) needs at least 3 master nodes: " + count
          + " nodes with " + replicas + " replicas per master make " + masters + ".");
      return false;
    }
    int[] masterOf = masterOfEach(count, replicas);
    for (int i = 0; i < count; i++) {
      try (RespClient client = RespClient.connect(nodes.get(i))) {
        if (!client.clusterInfo("cluster_known_nodes").equals("1")
            || !client.clusterInfo("cluster_slots_assigned").equals("0")) {
          System.out.println("[ERR] Node " + nodes.get(i) + " is not empty: it already knows other nodes or slots.");
          return false;
        }
        String id = client.text("CLUSTER", "MYID");
        if (masterOf[i] < 0) {
          int start = (int) ((long) SLOTS * i / masters);
          int end = (int) ((long) SLOTS * (i + 1) / masters) - 1;
          client.call("CLUSTER", "ADDSLOTSRANGE", Integer.toString(start), Integer.toString(end));
          System.out.printf("M: %s %s slots:[%d-%d]%n", id, nodes.get(i), start, end);
        } else {
          System.out.printf("S: %s %s replicates %s%n", id, nodes.get(i), nodes.get(masterOf[i]));
        }
        client.call("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
      }
    }
    try (RespClient first = RespClient.connect(nodes.get(0))) {
      for (int i = 1; i < count; i++) {
        String[] hostPort = nodes.get(i).split(":");
        first.call("CLUSTER", "MEET", hostPort[0], hostPort[1]);
      }
    }
    System.out.print("Waiting for the cluster to join");
    long deadline = System.currentTimeMillis() + timeoutMillis;
    boolean replicated = false;
    while (System.currentTimeMillis() < deadline) {
      if (!replicated && allKnowEachOther(nodes)) {
        replicated = assignReplicas(nodes, masterOf);
      }
      if (replicated && allJoinedAndOk(nodes) && rolesAgree(nodes, count - masters)) {
        System.out.println();
        return check(nodes.get(0), true);
      }
      System.out.print('.');
      Thread.sleep(500);
    }
    System.out.println();
    System.out.println("[ERR] The cluster did not form in time.");
    return false;
  }

  static boolean allKnowEachOther(List<String> nodes) {
    for (String node : nodes) {
      try (RespClient client = RespClient.connect(node)) {
        if (!client.clusterInfo("cluster_known_nodes").equals(Integer.toString(nodes.size()))) {
          return false;
        }
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  /**
   * CLUSTER REPLICATE on every node that should be a replica and is not one yet (a restarted node
   * keeps its role). True when all were sent; false to try again (a master not yet known).
   */
  static boolean assignReplicas(List<String> nodes, int[] masterOf) {
    try {
      for (int i = 0; i < nodes.size(); i++) {
        if (masterOf[i] < 0) {
          continue;
        }
        String masterId;
        try (RespClient master = RespClient.connect(nodes.get(masterOf[i]))) {
          masterId = master.text("CLUSTER", "MYID");
        }
        try (RespClient replica = RespClient.connect(nodes.get(i))) {
          String myId = replica.text("CLUSTER", "MYID");
          boolean already = false;
          for (String line : replica.text("CLUSTER", "NODES").split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields[0].equals(myId) && fields.length > 3 && fields[3].equals(masterId)) {
              already = true;
            }
          }
          if (!already) {
            replica.call("CLUSTER", "REPLICATE", masterId);
          }
        }
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Every node sees the same roles and {@code replicas} replicas. */
  static boolean rolesAgree(List<String> nodes, int replicas) {
    String expected = null;
    for (String node : nodes) {
      try {
        List<String[]> lines = nodeLines(node);
        String signature = signature(lines);
        if (lines.stream().filter(ClusterCommand::isReplica).count() != replicas
            || (expected != null && !expected.equals(signature))) {
          return false;
        }
        expected = signature;
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  static boolean isReplica(String[] line) {
    return List.of(line[2].split(",")).contains("slave");
  }

  static long replicasOf(List<String[]> lines, String masterId) {
    return lines.stream().filter(line -> isReplica(line) && line[3].equals(masterId)).count();
  }

  static boolean allJoinedAndOk(List<String> nodes) {
    for (String node : nodes) {
      try (RespClient client = RespClient.connect(node)) {
        if (!client.clusterInfo("cluster_known_nodes").equals(Integer.toString(nodes.size()))
            || !client.clusterInfo("cluster_state").equals("ok")) {
          return false;
        }
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  static List<String[]> nodeLines(String node) throws IOException {
    List<String[]> lines = new ArrayList<>();
    try (RespClient client = RespClient.connect(node)) {
      for (String line : client.text("CLUSTER", "NODES").split("\n")) {
        if (!line.isBlank()) {
          lines.add(line.trim().split(" "));
        }
      }
    }
    return lines;
  }

  static int slotCount(String[] line) {
    int slots = 0;
    for (int i = 8; i < line.length; i++) {
      if (line[i].startsWith("[")) {
        continue;
      }
      String[] range = line[i].split("-");
      slots += range.length == 1 ? 1 : Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
    }
    return slots;
  }

  /** The slot map as one node sees it: node ID to its master and slot fields, sorted. */
  private static String signature(List<String[]> lines) {
    Map<String, String> map = new TreeMap<>();
    for (String[] line : lines) {
      StringBuilder slots = new StringBuilder(line[3]).append(' ');
      for (int i = 8; i < line.length; i++) {
        if (!line[i].startsWith("[")) {
          slots.append(line[i]).append(',');
        }
      }
      map.put(line[0], slots.toString());
    }
    return map.toString();
  }

  /**
   * Like redis-cli --cluster check: masters with their replica count, replicas with their master,
   * the same slot map and roles everywhere, no open slots, all slots covered.
   */
  static boolean check(String entry, boolean print) throws IOException {
    List<String[]> lines = nodeLines(entry);
    String expected = signature(lines);
    boolean ok = true;
    int covered = 0;
    for (String[] line : lines) {
      String endpoint = line[1].split("[@,]")[0];
      covered += slotCount(line);
      if (print && isReplica(line)) {
        System.out.printf("S: %s %s%n   slots: (0 slots) slave%n   replicates %s%n", line[0], endpoint, line[3]);
      } else if (print) {
        System.out.printf("M: %s %s%n   slots: %d, flags %s%n", line[0], endpoint, slotCount(line), line[2]);
        long replicas = replicasOf(lines, line[0]);
        if (replicas > 0) {
          System.out.printf("   %d additional replica(s)%n", replicas);
        }
      }
      try {
        if (!signature(nodeLines(endpoint)).equals(expected)) {
          ok = false;
          System.out.println("[ERR] Nodes don't agree about configuration! (" + endpoint + ")");
        }
      } catch (IOException e) {
        ok = false;
        System.out.println("[ERR] " + endpoint + " is unreachable: " + e.getMessage());
      }
      for (int i = 8; i < line.length; i++) {
        if (line[i].startsWith("[")) {
          ok = false;
          System.out.println("[WARNING] Node " + endpoint + " has open slot " + line[i]);
        }
      }
    }
    if (ok) {
      System.out.println("[OK] All nodes agree about slots configuration.");
    }
    if (covered == SLOTS) {
      System.out.println("[OK] All 16384 slots covered.");
    } else {
      ok = false;
      System.out.println("[ERR] Not all 16384 slots are covered by nodes (" + covered + " are).");
    }
    return ok;
  }
}
