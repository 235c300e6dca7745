package io.shoal.cli.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/**
 * Node-by-node questions a failover run asks a cluster (Redis or Shoal): its view (CLUSTER NODES),
 * INFO fields, a node's pid and data directory. Every connection has short timeouts, because some
 * node is always dead or paused while these are asked; a node that does not answer is skipped.
 */
public final class ClusterAdmin {
  static final JedisClientConfig QUICK = DefaultJedisClientConfig.builder()
      .connectionTimeoutMillis(500).socketTimeoutMillis(2_000).build();

  private final Set<String> endpoints = new LinkedHashSet<>();

  public ClusterAdmin(String seed) {
    endpoints.add(seed);
  }

  /** Every endpoint seen so far: the seed and every node any view listed. */
  public List<String> endpoints() {
    return List.copyOf(endpoints);
  }

  public static Jedis connect(String endpoint) {
    return new Jedis(HostAndPort.from(endpoint), QUICK);
  }

  /** The cluster as the first node that answers sees it (and learn every endpoint it lists). */
  public Optional<List<ClusterNode>> view() {
    for (String endpoint : endpoints()) {
      Optional<List<ClusterNode>> view = viewFrom(endpoint);
      if (view.isPresent()) {
        view.get().forEach(node -> endpoints.add(node.endpoint()));
        return view;
      }
    }
    return Optional.empty();
  }

  /** The cluster as one node sees it, empty when it does not answer. */
  public static Optional<List<ClusterNode>> viewFrom(String endpoint) {
    try (Jedis jedis = connect(endpoint)) {
      return Optional.of(ClusterNode.parseAll(jedis.clusterNodes()));
    } catch (RuntimeException unreachable) {
      return Optional.empty();
    }
  }

  /** A field of INFO (any section), or empty when the node does not answer or has no such field. */
  public static Optional<String> info(String endpoint, String section, String field) {
    try (Jedis jedis = connect(endpoint)) {
      return field(jedis.info(section), field);
    } catch (RuntimeException unreachable) {
      return Optional.empty();
    }
  }

  /** A field of CLUSTER INFO, empty when the node does not answer. */
  public static Optional<String> clusterInfo(String endpoint, String field) {
    try (Jedis jedis = connect(endpoint)) {
      return field(jedis.clusterInfo(), field);
    } catch (RuntimeException unreachable) {
      return Optional.empty();
    }
  }

  static Optional<String> field(String text, String field) {
    for (String line : text.split("\r?\n")) {
      if (line.startsWith(field + ":")) {
        return Optional.of(line.substring(field.length() + 1).trim());
      }
    }
    return Optional.empty();
  }

  /** The node's operating-system process id, from INFO server process_id. */
  public static long pid(String endpoint) {
    return Long.parseLong(info(endpoint, "server", "process_id")
        .orElseThrow(() -> new IllegalStateException(endpoint + " reports no process_id in INFO server")));
  }

  /** The node's data directory (CONFIG GET dir), where a restart must find its nodes file. */
  public static String dir(String endpoint) {
    try (Jedis jedis = connect(endpoint)) {
      return jedis.configGet("dir").get("dir");
    }
  }

  /**
   * The cluster is whole: every listed node answers cluster_state:ok, none is flagged failing or
   * disconnected in the view, every master with slots has a replica whose link is up.
   * {@code why} receives the first reason it is not (for the error message on time-out).
   */
  public boolean healthy(StringBuilder why) {
    why.setLength(0);
    Optional<List<ClusterNode>> view = view();
    if (view.isEmpty()) {
      why.append("no node answers CLUSTER NODES");
      return false;
    }
    for (ClusterNode node : view.get()) {
      if (node.isFailing() || (!node.isMyself() && !"connected".equals(node.linkState()))) {
        why.append(node.endpoint()).append(" is ").append(String.join(",", node.flags())).append(' ')
            .append(node.linkState());
        return false;
      }
      Optional<String> state = clusterInfo(node.endpoint(), "cluster_state");
      if (!state.equals(Optional.of("ok"))) {
        why.append(node.endpoint()).append(" cluster_state ").append(state.orElse("(no answer)"));
        return false;
      }
    }
    for (ClusterNode master : view.get()) {
      if (!master.isMaster() || master.slotCount() == 0) {
        continue;
      }
      boolean replicated = false;
      for (ClusterNode replica : view.get()) {
        if (replica.isReplica() && replica.masterId().equals(master.id())
            && info(replica.endpoint(), "replication", "master_link_status").map("up"::equals).orElse(false)) {
          replicated = true;
        }
      }
      if (!replicated) {
        why.append("master ").append(master.endpoint()).append(" has no replica with its link up");
        return false;
      }
    }
    return true;
  }

  /** The masters serving slots, by endpoint. */
  public static List<ClusterNode> mastersWithSlots(List<ClusterNode> view) {
    List<ClusterNode> masters = new ArrayList<>();
    for (ClusterNode node : view) {
      if (node.isMaster() && node.slotCount() > 0 && !node.isFailing()) {
        masters.add(node);
      }
    }
    masters.sort((a, b) -> a.endpoint().compareTo(b.endpoint()));
    return masters;
  }

  /**
   * Polls {@code condition} every 50 ms until it holds; false when {@code timeout} passed first.
   * Exceptions from the condition count as "not yet".
   */
  public static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (condition.getAsBoolean()) {
          return true;
        }
      } catch (RuntimeException notYet) {
        // A node restarting or failing over: ask again.
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(50);
    }
  }
}
