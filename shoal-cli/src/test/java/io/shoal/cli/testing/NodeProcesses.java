package io.shoal.cli.testing;

import io.shoal.cli.bench.ClusterAdmin;
import io.shoal.cli.bench.ClusterNode;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * N real node processes on loopback for failover tests: Shoal nodes started like `shoal local`
 * starts them ({@code java -cp <this class path> io.shoal.cli.ShoalCli server --cluster ...}), or
 * Debian's redis-server as the reference. Each node has its own directory and log; nodes can be
 * killed (SIGKILL), paused (SIGSTOP) and resumed (SIGCONT), and restarted in the same directory.
 * Every wait is a bounded poll ({@link #awaitCondition}) whose failure message carries the cluster
 * view and the tail of every node's log. Close kills everything that is still running.
 */
public final class NodeProcesses implements AutoCloseable {
  /** Which server the processes run. */
  public enum Flavor {
    SHOAL, REDIS;

    List<String> command(int port, Path dir, Duration nodeTimeout, List<String> settings) {
      List<String> command = new ArrayList<>();
      if (this == REDIS) {
        command.addAll(List.of("/usr/bin/redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--dir", dir.toString(), "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", Long.toString(nodeTimeout.toMillis()), "--save", "", "--appendonly", "no",
            "--daemonize", "no"));
        for (String setting : settings) {
          int equals = setting.indexOf('=');
          command.add("--" + setting.substring(0, equals));
          command.add(setting.substring(equals + 1));
        }
        return command;
      }
      String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
      command.addAll(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
          "io.shoal.cli.ShoalCli", "server", "--cluster", "--port", Integer.toString(port), "--dir", dir.toString(),
          "--set", "cluster-node-timeout=" + nodeTimeout.toMillis()));
      for (String setting : settings) {
        command.add("--set");
        command.add(setting);
      }
      return command;
    }
  }

  /** One node: its port and directory stay the same across restarts. */
  public final class Node {
    private final int port;
    private final Path dir;
    private Process process;

    private Node(int port, Path dir) {
      this.port = port;
      this.dir = dir;
    }

    public int port() {
      return port;
    }

    public String endpoint() {
      return "127.0.0.1:" + port;
    }

    public Path dir() {
      return dir;
    }

    public long pid() {
      return process.pid();
    }

    public boolean isAlive() {
      return process != null && process.isAlive();
    }

    /** SIGKILL, and wait (bounded) until the process is gone. */
    public void kill() throws InterruptedException {
      process.destroyForcibly();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError(endpoint() + " (pid " + pid() + ") survived SIGKILL");
      }
    }

    /** SIGSTOP: the process keeps its sockets but answers nothing, like a node cut off by a partition. */
    public void pause() throws IOException, InterruptedException {
      signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() throws IOException, InterruptedException {
      signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + name + " " + pid() + " failed");
      }
    }

    /** Starts the node again in its directory (after {@link #kill}), and waits until it answers PING. */
    public void restart() throws IOException, InterruptedException {
      if (isAlive()) {
        throw new IllegalStateException(endpoint() + " is still running");
      }
      launch();
      awaitCondition(endpoint() + " answers PING after restart", Duration.ofSeconds(30), this::answers);
    }

    private void launch() throws IOException {
      ProcessBuilder builder = new ProcessBuilder(flavor.command(port, dir, nodeTimeout, settings));
      builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
      process = builder.start();
    }

    boolean answers() {
      try (var jedis = ClusterAdmin.connect(endpoint())) {
        return "PONG".equals(jedis.ping());
      } catch (RuntimeException notYet) {
        return false;
      }
    }

    public Path log() {
      return dir.resolve("node.log");
    }

    /** The last lines of the node's log. */
    public String logTail(int lines) {
      try {
        List<String> all = Files.readAllLines(log());
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
      } catch (IOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }

    /** This node's view of the cluster, empty when it does not answer. */
    public Optional<List<ClusterNode>> view() {
      return ClusterAdmin.viewFrom(endpoint());
    }

    /** This node as it sees itself (the "myself" line), empty when it does not answer. */
    public Optional<ClusterNode> self() {
      return view().flatMap(nodes -> nodes.stream().filter(ClusterNode::isMyself).findFirst());
    }

    @Override
    public String toString() {
      return endpoint();
    }
  }

  private final Flavor flavor;
  private final Duration nodeTimeout;
  private final List<String> settings;
  private final List<Node> nodes = new ArrayList<>();
  private int replicasPerMaster;

  private NodeProcesses(Flavor flavor, Duration nodeTimeout, List<String> settings) {
    this.flavor = flavor;
    this.nodeTimeout = nodeTimeout;
    this.settings = List.copyOf(settings);
  }

  /**
   * Starts {@code count} fresh nodes on free ports (each with its +1000 proxy and +10000 bus port
   * free too), waits until all answer PING. {@code settings} are extra name=value settings.
   */
  public static NodeProcesses start(Flavor flavor, int count, Duration nodeTimeout, String... settings)
      throws IOException, InterruptedException {
    NodeProcesses processes = new NodeProcesses(flavor, nodeTimeout, List.of(settings));
    int base = freeBasePort(count);
    Path root = Files.createTempDirectory("shoal-nodes");
    try {
      for (int i = 0; i < count; i++) {
        Path dir = Files.createDirectories(root.resolve(Integer.toString(base + i)));
        Node node = processes.new Node(base + i, dir);
        processes.nodes.add(node);
        node.launch();
      }
      for (Node node : processes.nodes) {
        processes.awaitCondition(node + " answers PING", Duration.ofSeconds(30), node::answers);
      }
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      processes.close();
      throw e;
    }
    return processes;
  }

  public List<Node> nodes() {
    return List.copyOf(nodes);
  }

  public Node node(int index) {
    return nodes.get(index);
  }

  public Node node(String endpoint) {
    return nodes.stream().filter(node -> node.endpoint().equals(endpoint)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + endpoint));
  }

  public List<String> endpoints() {
    return nodes.stream().map(Node::endpoint).toList();
  }

  public Duration nodeTimeout() {
    return nodeTimeout;
  }

  /**
   * Forms one cluster with {@code replicas} replicas per master the way an operator does, with
   * {@code redis-cli --cluster create ... --cluster-replicas N --cluster-yes}, then waits until every
   * node reports cluster_state:ok and (with replicas) every master has a replica with its link up.
   */
  public void formCluster(int replicas) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    command.addAll(endpoints());
    command.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
    Path log = nodes.get(0).dir().resolveSibling("create.log");
    Process create = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
      create.destroyForcibly();
      throw new AssertionError("redis-cli --cluster create failed:\n" + Files.readString(log) + describe());
    }
    replicasPerMaster = replicas;
    awaitWhole(Duration.ofSeconds(30));
  }

  /**
   * Waits until the cluster is whole as every node sees it: all nodes running and ok, none flagged
   * failing or disconnected, and (when formed with replicas) every master replicated, link up.
   */
  public void awaitWhole(Duration timeout) throws InterruptedException {
    StringBuilder why = new StringBuilder();
    if (!ClusterAdmin.await(timeout, () -> isWhole(why))) {
      throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until the cluster is whole: "
          + why + describe());
    }
  }

  private boolean isWhole(StringBuilder why) {
    why.setLength(0);
    for (Node node : nodes) {
      if (!node.isAlive()) {
        why.append(node).append(" is not running");
        return false;
      }
      if (!ClusterAdmin.clusterInfo(node.endpoint(), "cluster_state").equals(Optional.of("ok"))) {
        why.append(node).append(" is not ok");
        return false;
      }
      List<ClusterNode> view = node.view().orElse(List.of());
      if (view.size() != nodes.size() || view.stream().anyMatch(ClusterNode::isFailing)) {
        why.append(node).append(" sees ").append(view.size()).append(" nodes or a failing one");
        return false;
      }
    }
    return replicasPerMaster == 0 || new ClusterAdmin(nodes.get(0).endpoint()).healthy(why);
  }

  /** The master serving {@code slot} according to {@code observer}, empty when none or no answer. */
  public Optional<ClusterNode> masterOf(int slot, Node observer) {
    return observer.view().flatMap(view -> view.stream()
        .filter(node -> node.isMaster() && !node.isFailing() && node.servesSlot(slot)).findFirst());
  }

  /** The masters serving slots, as the first answering node sees them. */
  public List<ClusterNode> mastersWithSlots() {
    for (Node node : nodes) {
      Optional<List<ClusterNode>> view = node.view();
      if (view.isPresent()) {
        return ClusterAdmin.mastersWithSlots(view.get());
      }
    }
    throw new AssertionError("no node answers CLUSTER NODES" + describe());
  }

  /**
   * Polls {@code condition} (every 50 ms) until it holds; fails with {@code description}, each
   * node's view of itself and the tail of every log when {@code timeout} passes first.
   */
  public void awaitCondition(String description, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    if (!ClusterAdmin.await(timeout, condition)) {
      throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until " + description
          + describe());
    }
  }

  /** Every node's state and log tail, for failure messages. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    for (Node node : nodes) {
      text.append("\n--- ").append(node).append(node.isAlive() ? " (pid " + node.pid() + ")" : " (not running)");
      node.view().ifPresent(view -> view.forEach(line -> text.append("\n    ").append(line.describe())));
      text.append("\n    log tail:\n").append(node.logTail(15).indent(6));
    }
    return text.toString();
  }

  /** A base port such that base..base+count-1, their proxy (+1000) and bus (+10000) ports are free. */
  public static int freeBasePort(int count) {
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = 30_000 + ThreadLocalRandom.current().nextInt(9_000 - count);
      boolean free = true;
      for (int i = 0; i < count && free; i++) {
        for (int offset : new int[] {0, 1000, 10_000}) {
          try (ServerSocket socket = new ServerSocket(base + i + offset)) {
            socket.setReuseAddress(true);
          } catch (IOException e) {
            free = false;
          }
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no free ports");
  }

  /** Resumes paused nodes and kills every node still running. */
  @Override
  public void close() {
    for (Node node : nodes) {
      if (node.isAlive()) {
        try {
          node.resume(); // SIGKILL works on a stopped process too; resuming first is only tidier
        } catch (IOException | InterruptedException | AssertionError ignored) {
          // Killing it is what matters.
        }
        node.process.destroyForcibly();
      }
    }
    for (Node node : nodes) {
      if (node.process != null) {
        try {
          node.process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
