package io.shoal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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

  private static int freeBasePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 30_000 + ThreadLocalRandom.current().nextInt(9_000);
      boolean free = true;
      for (int offset : new int[] {0, 1, 2, 1000, 1001, 1002, 10_000, 10_001, 10_002}) {
        try (ServerSocket socket = new ServerSocket(base + offset)) {
          socket.setReuseAddress(true);
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no free ports");
  }

  private Process start(int port, int seedPort, Path dir) throws IOException {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.shoal.cli.ShoalCli", "server", "--cluster", "--port", Integer.toString(port),
        "--seeds", "127.0.0.1:" + seedPort, "--dir", dir.toString(),
        "--set", "cluster-node-timeout=" + NODE_TIMEOUT_MILLIS);
    builder.redirectErrorStream(true).redirectOutput(dir.resolve("shoal.log").toFile());
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  @Test
  void seededNodesFormACheckedClusterAndAKilledNodeFailsIt() throws Exception {
    int base = freeBasePort();
    List<String> endpoints = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      start(base + i, base, Files.createTempDirectory("shoal-proc"));
      endpoints.add("127.0.0.1:" + (base + i));
    }
    assertThat(LocalCommand.assignSlots(endpoints, 60_000)).isTrue();
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
}
