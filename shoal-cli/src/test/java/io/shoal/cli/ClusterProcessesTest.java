package io.shoal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three real node processes started the way `shoal local` starts them (`server --cluster --seeds`),
 * formed into a cluster by the same code, checked by `shoal cluster check`, used through the proxy
 * port, and then one is killed with SIGKILL.
 */
class ClusterProcessesTest {
  private static final long NODE_TIMEOUT_MILLIS = 3_000;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopAll() throws InterruptedException {
    for (Process process : processes) {
      process.destroyForcibly();
    }
    for (Process process : processes) {
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process start(int port, int seedPort, Path dir) throws IOException {
    return start(port, List.of("--seeds", "127.0.0.1:" + seedPort), dir);
  }

  private Process start(int port, List<String> extra, Path dir) throws IOException {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        "io.shoal.cli.ShoalCli", "server", "--cluster", "--port", Integer.toString(port)));
    command.addAll(extra);
    command.addAll(List.of("--dir", dir.toString(), "--set", "cluster-node-timeout=" + NODE_TIMEOUT_MILLIS));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true).redirectOutput(dir.resolve("shoal.log").toFile());
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  @Test
  void seededNodesFormACheckedClusterAndAKilledNodeFailsIt() throws Exception {
    int base = io.shoal.cli.testing.NodeProcesses.freeBasePort(6);
    List<String> endpoints = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      start(base + i, base, Files.createTempDirectory("shoal-proc"));
      endpoints.add("127.0.0.1:" + (base + i));
    }
    assertThat(LocalCommand.assignSlots(endpoints, 0, 60_000)).isTrue();
    assertThat(ClusterCommand.check(endpoints.get(0), false)).isTrue();

    try (RespClient proxy = new RespClient("127.0.0.1", base + 1000)) {
      for (int i = 0; i < 300; i++) {
        assertThat(proxy.text("SET", "k" + i, "v" + i)).isEqualTo("OK");
      }
      for (int i = 0; i < 300; i++) {
        assertThat(proxy.text("GET", "k" + i)).isEqualTo("v" + i);
      }
    }
    long keys = 0;
    for (String endpoint : endpoints) {
      try (RespClient client = RespClient.connect(endpoint)) {
        long size = (Long) client.call("DBSIZE");
        assertThat(size).isGreaterThan(50);
        keys += size;
      }
    }
    assertThat(keys).isEqualTo(300);

    processes.get(2).destroyForcibly();
    long killed = System.currentTimeMillis();
    boolean failed = false;
    while (!failed && System.currentTimeMillis() - killed < 20_000) {
      try (RespClient a = RespClient.connect(endpoints.get(0)); RespClient b = RespClient.connect(endpoints.get(1))) {
        failed = a.clusterInfo("cluster_state").equals("fail") && b.clusterInfo("cluster_state").equals("fail");
      }
      Thread.sleep(100);
    }
    long took = System.currentTimeMillis() - killed;
    assertThat(failed).isTrue();
    assertThat(took).isLessThan(2 * NODE_TIMEOUT_MILLIS);
  }

  @Test
  void replicasAreSpreadRoundRobinOverTheMasters() {
    assertThat(ClusterCommand.masterOfEach(6, 1)).containsExactly(-1, -1, -1, 0, 1, 2);
    assertThat(ClusterCommand.masterOfEach(7, 1)).containsExactly(-1, -1, -1, 0, 1, 2, 0);
    assertThat(ClusterCommand.masterOfEach(9, 2)).containsExactly(-1, -1, -1, 0, 1, 2, 0, 1, 2);
    assertThat(ClusterCommand.masterOfEach(3, 0)).containsExactly(-1, -1, -1);
  }

  /**
   * `shoal cluster create --replicas 1` over six fresh processes: three masters, each with a replica
   * in another process, seen alike by every node, and `shoal cluster check` reports them. The
   * replicas hold no data until the replication module is merged: roles only.
   */
  @Test
  void createWithReplicasMakesThreeMastersWithOneReplicaEach() throws Exception {
    int base = io.shoal.cli.testing.NodeProcesses.freeBasePort(6);
    List<String> endpoints = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      start(base + i, List.of("--set", "cluster-proxy-port=-1"), Files.createTempDirectory("shoal-proc"));
      endpoints.add("127.0.0.1:" + (base + i));
    }
    for (String endpoint : endpoints) {
      awaitAnswering(endpoint);
    }
    String created = printed(() -> assertThat(ClusterCommand.create(endpoints, 1, 90_000)).isTrue());
    assertThat(created).contains("[OK] All 16384 slots covered.");
    String check = printed(() -> assertThat(ClusterCommand.check(endpoints.get(3), true)).isTrue());
    assertThat(check.split("1 additional replica\\(s\\)", -1)).hasSize(4);
    assertThat(check.lines().filter(line -> line.startsWith("S: "))).hasSize(3);

    for (String endpoint : endpoints) {
      List<String[]> lines = ClusterCommand.nodeLines(endpoint);
      java.util.Map<String, String> endpointOf = new java.util.HashMap<>();
      lines.forEach(line -> endpointOf.put(line[0], line[1].split("@")[0]));
      for (String[] line : lines) {
        int index = endpoints.indexOf(endpointOf.get(line[0]));
        if (index < 3) {
          assertThat(ClusterCommand.isReplica(line)).isFalse();
          assertThat(line[3]).isEqualTo("-");
        } else {
          assertThat(ClusterCommand.isReplica(line)).isTrue();
          assertThat(endpointOf.get(line[3])).isEqualTo(endpoints.get(index - 3));
        }
      }
    }
  }

  private interface Body {
    void run() throws Exception;
  }

  /** What the body printed on System.out. */
  private static String printed(Body body) throws Exception {
    java.io.PrintStream original = System.out;
    java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setOut(original);
    }
    String text = buffer.toString(java.nio.charset.StandardCharsets.UTF_8);
    original.print(text);
    return text;
  }

  private static void awaitAnswering(String endpoint) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try (RespClient client = RespClient.connect(endpoint)) {
        if (client.clusterInfo("cluster_known_nodes").equals("1")) {
          return;
        }
      } catch (IOException | RuntimeException notYet) {
        // Still starting.
      }
      Thread.sleep(100);
    }
    throw new AssertionError(endpoint + " did not start");
  }
}
