package io.shoal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node process exits on SIGTERM while clients keep writing to it, with the AOF on (the shutdown
 * path that flushes the AOF and writes a snapshot), and what it acknowledged is there after a
 * restart. A node once stayed up after SIGTERM; the exit is polled with a bound, so a hang fails
 * the test instead of stalling the build.
 */
class SigtermProcessTest {
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killAll() throws InterruptedException {
    for (Process process : processes) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process start(int port, Path dir) throws Exception {
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "io.shoal.cli.ShoalCli", "server", "--port", Integer.toString(port), "--dir", dir.toString(),
        "--set", "appendonly=yes", "--set", "save=3600 1");
    builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("shoal.log").toFile()));
    Process process = builder.start();
    processes.add(process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (RespClient client = new RespClient("127.0.0.1", port)) {
        // DBSIZE rather than PING: PING answers while the data set still loads, and the GETs
        // that follow a restart would then get LOADING (seen once the start-up got faster).
        if (client.call("DBSIZE") instanceof Long) {
          return process;
        }
      } catch (Exception notYet) {
        assertThat(process.isAlive()).as("node process alive; log: %s", log(dir)).isTrue();
        assertThat(System.nanoTime()).as("node answers within 60 s").isLessThan(deadline);
        Thread.sleep(50);
      }
    }
  }

  private static String log(Path dir) {
    try {
      return Files.readString(dir.resolve("shoal.log"));
    } catch (Exception e) {
      return "(no log)";
    }
  }

  @Test
  void aNodeUnderWriteLoadExitsOnSigtermAndKeepsWhatItAcknowledged() throws Exception {
    int port = io.shoal.cli.testing.NodeProcesses.freeBasePort(1);
    Path dir = Files.createTempDirectory("shoal-sigterm");
    Process node = start(port, dir);

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong[] acknowledged = new AtomicLong[4];
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < acknowledged.length; w++) {
      int writer = w;
      acknowledged[w] = new AtomicLong(-1);
      Thread thread = new Thread(() -> {
        try (RespClient client = new RespClient("127.0.0.1", port)) {
          // Bounded: at most 200,000 writes per writer, and the node's exit ends the loop.
          for (long i = 0; i < 200_000 && running.get(); i++) {
            if (!"OK".equals(client.text("SET", "w" + writer, Long.toString(i)))) {
              return;
            }
            acknowledged[writer].set(i);
          }
        } catch (Exception connectionClosedByTheExit) {
          // expected once the node stops
        }
      }, "writer-" + w);
      thread.setDaemon(true);
      thread.start();
      writers.add(thread);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (AtomicLong count : acknowledged) {
      while (count.get() < 500 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(count.get()).as("writes acknowledged before SIGTERM").isGreaterThanOrEqualTo(500);
    }

    node.destroy(); // SIGTERM
    boolean exited = node.waitFor(30, TimeUnit.SECONDS);
    running.set(false);
    assertThat(exited).as("node exits within 30 s of SIGTERM under load; log: %s", log(dir)).isTrue();
    assertThat(node.exitValue()).isIn(0, 143);
    for (Thread writer : writers) {
      writer.join(10_000);
    }

    Process restarted = start(port, dir);
    try (RespClient client = new RespClient("127.0.0.1", port)) {
      for (int w = 0; w < acknowledged.length; w++) {
        long value = Long.parseLong(client.text("GET", "w" + w));
        assertThat(value).as("writer %d: last acknowledged write survives the SIGTERM", w)
            .isGreaterThanOrEqualTo(acknowledged[w].get());
      }
    }
    restarted.destroy();
    assertThat(restarted.waitFor(30, TimeUnit.SECONDS)).as("idle node exits on SIGTERM").isTrue();
  }
}
