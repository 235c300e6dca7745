package io.shoal.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One line of CLUSTER NODES, reduced to what failover checks need: who the node is, what it thinks
 * of itself (flags), whom it replicates and which slots it serves. Redis and Shoal print the same
 * format, so the probe reads both through this record.
 *
 * @param endpoint host:port of the client port (the "@busport" and ",hostname" parts removed)
 * @param masterId the master's id for a replica, "-" for a master
 * @param slotCount number of slots served (importing/migrating markers are not counted)
 */
public record ClusterNode(String id, String endpoint, Set<String> flags, String masterId, String linkState,
    List<int[]> slotRanges, int slotCount) {

  /** Parses the whole CLUSTER NODES reply; blank lines are skipped. */
  public static List<ClusterNode> parseAll(String clusterNodes) {
    List<ClusterNode> nodes = new ArrayList<>();
    for (String line : clusterNodes.split("\n")) {
      if (!line.isBlank()) {
        nodes.add(parse(line.trim()));
      }
    }
    return nodes;
  }

  /** `<id> <ip:port@cport[,hostname]> <flags> <master> <ping-sent> <pong-recv> <epoch> <link> <slot> ...` */
  public static ClusterNode parse(String line) {
    String[] fields = line.split(" ");
    if (fields.length < 8) {
      throw new IllegalArgumentException("not a CLUSTER NODES line: " + line);
    }
    String endpoint = fields[1].split("[@,]")[0];
    List<int[]> ranges = new ArrayList<>();
    int count = 0;
    for (int i = 8; i < fields.length; i++) {
      String slot = fields[i];
      if (slot.startsWith("[")) {
        continue; // a slot being migrated or imported: still served by its owner
      }
      int dash = slot.indexOf('-');
      int start = Integer.parseInt(dash < 0 ? slot : slot.substring(0, dash));
      int end = dash < 0 ? start : Integer.parseInt(slot.substring(dash + 1));
      ranges.add(new int[] {start, end});
      count += end - start + 1;
    }
    return new ClusterNode(fields[0], endpoint, Set.of(fields[2].split(",")), fields[3], fields[7],
        List.copyOf(ranges), count);
  }

  public boolean isMaster() {
    return flags.contains("master");
  }

  public boolean isReplica() {
    return flags.contains("slave") || flags.contains("replica");
  }

  public boolean isMyself() {
    return flags.contains("myself");
  }

  /** Marked failing, for sure (fail) or by this observer only (fail?). */
  public boolean isFailing() {
    return flags.contains("fail") || flags.contains("fail?");
  }

  public boolean servesSlot(int slot) {
    for (int[] range : slotRanges) {
      if (slot >= range[0] && slot <= range[1]) {
        return true;
      }
    }
    return false;
  }

  public String host() {
    return endpoint.substring(0, endpoint.lastIndexOf(':'));
  }

  public int port() {
    return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
  }

  /** One short line for messages: id prefix, endpoint, flags, master, link, slot count. */
  public String describe() {
    return id.substring(0, Math.min(8, id.length())) + " " + endpoint + " " + String.join(",", flags) + " master="
        + masterId + " " + linkState + " slots=" + slotCount;
  }

  /** A whole view, one node a line, for messages. */
  public static String describe(List<ClusterNode> view) {
    StringBuilder text = new StringBuilder();
    view.forEach(node -> text.append("\n    ").append(node.describe()));
    return text.toString();
  }
}
