package io.shoal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node started on a large RDB never serves part of it: from its first answer on, a client polling
 * it gets LOADING (as from Redis) until DBSIZE answers the whole data set. The RDB load starts
 * before the socket is bound, on its own thread, so clients can connect while it runs.
 */
class StartupLoadingProcessTest {
  private static Process start(int port, Path dir) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.shoal.cli.ShoalCli", "server", "--port", Integer.toString(port), "--dir", dir.toString(),
        "--set", "save=");
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("shoal.log").toFile()));
    return builder.start();
  }

  @Test
  void clientsGetLoadingUntilTheWholeDataSetIsThere() throws Exception {
    int port = io.shoal.cli.testing.NodeProcesses.freeBasePort(1);
    Path dir = Files.createTempDirectory("shoal-loading");
    long keys = 600_000;
    Process node = start(port, dir);
    try {
      awaitPong(node, port);
      try (RespClient client = new RespClient("127.0.0.1", port)) {
        assertThat(client.text("DEBUG", "POPULATE", Long.toString(keys), "key", "16")).isEqualTo("OK");
        assertThat(client.text("SAVE")).isEqualTo("OK");
      }
    } finally {
      node.destroy();
      assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    Process restarted = start(port, dir);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int loadingReplies = 0;
      while (true) {
        assertThat(System.nanoTime()).as("the data set loads within 60 s").isLessThan(deadline);
        assertThat(restarted.isAlive()).isTrue();
        Object reply;
        try (RespClient client = new RespClient("127.0.0.1", port)) {
          reply = client.call("DBSIZE");
        } catch (java.io.IOException notListeningYet) {
          Thread.sleep(2);
          continue;
        } catch (RuntimeException errorReply) {
          assertThat(errorReply.getMessage()).startsWith("LOADING");
          loadingReplies++;
          continue;
        }
        assertThat(reply).as("DBSIZE after %d LOADING replies", loadingReplies).isEqualTo(keys);
        break;
      }
    } finally {
      restarted.destroy();
      assertThat(restarted.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void awaitPong(Process process, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (RespClient client = new RespClient("127.0.0.1", port)) {
        if ("PONG".equals(client.text("PING"))) {
          return;
        }
      } catch (java.io.IOException notYet) {
        assertThat(process.isAlive()).isTrue();
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(20);
      }
    }
  }
}
