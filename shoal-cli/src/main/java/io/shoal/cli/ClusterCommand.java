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
 * without redis-cli. Create assigns the 16384 slots evenly to fresh nodes, gives each a distinct
 * config epoch, meets them through the first node and waits until every node agrees and reports
 * cluster_state:ok.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Create, check or describe a Shoal cluster.",
    subcommands = {ClusterCommand.Create.class, ClusterCommand.Check.class, ClusterCommand.Info.class})
public final class ClusterCommand implements Runnable {
  static final int SLOTS = 16384;

  @Override
  public void run() {
    System.out.println("Usage: shoal cluster create|check|info host:port ...");
  }

  @Command(name = "create", description = "Create a cluster from fresh nodes (masters only).")
  static final class Create implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "host:port")
    List<String> nodes;

    @Override
    public Integer call() throws Exception {
      return create(nodes, 60_000) ? 0 : 1;
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
      List<String[]> masters = nodeLines(nodes.get(0));
      for (String[] line : masters) {
        String endpoint = line[1].split("[@,]")[0];
        try (RespClient client = RespClient.connect(endpoint)) {
          long size = (Long) client.call("DBSIZE");
          keys += size;
          System.out.printf("%s (%s...) -> %d keys | %d slots | 0 replicas.%n", endpoint, line[0].substring(0, 8),
              size, slotCount(line));
        }
      }
      System.out.printf("[OK] %d keys in %d masters.%n", keys, masters.size());
      return 0;
    }
  }

  /** Assigns slots evenly, distinct epochs, meets, waits; true when the cluster is ok. */
  static boolean create(List<String> nodes, long timeoutMillis) throws IOException, InterruptedException {
    if (nodes.size() < 3) {
      System.out.println("[ERR] Redis Cluster (and Shoal) needs at least 3 master nodes.");
      return false;
    }
    int count = nodes.size();
    for (int i = 0; i < count; i++) {
      int start = (int) ((long) SLOTS * i / count);
      int end = (int) ((long) SLOTS * (i + 1) / count) - 1;
      try (RespClient client = RespClient.connect(nodes.get(i))) {
        if (!client.clusterInfo("cluster_known_nodes").equals("1")
            || !client.clusterInfo("cluster_slots_assigned").equals("0")) {
          System.out.println("[ERR] Node " + nodes.get(i) + " is not empty: it already knows other nodes or slots.");
          return false;
        }
        client.call("CLUSTER", "ADDSLOTSRANGE", Integer.toString(start), Integer.toString(end));
        client.call("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
        System.out.printf("M: %s %s slots:[%d-%d]%n", client.text("CLUSTER", "MYID"), nodes.get(i), start, end);
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
    while (System.currentTimeMillis() < deadline) {
      if (allJoinedAndOk(nodes)) {
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

  /** The slot map as one node sees it: node ID to its slot fields, sorted. */
  private static String signature(List<String[]> lines) {
    Map<String, String> map = new TreeMap<>();
    for (String[] line : lines) {
      StringBuilder slots = new StringBuilder();
      for (int i = 8; i < line.length; i++) {
        if (!line[i].startsWith("[")) {
          slots.append(line[i]).append(',');
        }
      }
      map.put(line[0], slots.toString());
    }
    return map.toString();
  }

  /** Like redis-cli --cluster check: the same slot map everywhere, no open slots, all slots covered. */
  static boolean check(String entry, boolean print) throws IOException {
    List<String[]> lines = nodeLines(entry);
    String expected = signature(lines);
    boolean ok = true;
    int covered = 0;
    for (String[] line : lines) {
      String endpoint = line[1].split("[@,]")[0];
      covered += slotCount(line);
      if (print) {
        System.out.printf("M: %s %s%n   slots: %d, flags %s%n", line[0], endpoint, slotCount(line), line[2]);
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
