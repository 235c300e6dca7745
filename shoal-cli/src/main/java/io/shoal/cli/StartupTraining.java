package io.shoal.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The workload the {@code ./shoal} launcher runs once per build to record the JVM's start-up cache
 * (JDK 25's AOT cache, or a CDS archive on older JDKs): it starts a node the way {@code shoal
 * server} does, writes a snapshot and an append-only file, restarts the node twice to load each,
 * and serves a few commands of every type. The JVM records the classes this loads and links (and
 * on JDK 25 the method profiles), so a real start-up skips that work; the load of a large data set
 * then runs with the loader's classes ready.
 *
 * <p>Not a user command: the launcher runs it as {@code java -cp shoal.jar
 * io.shoal.cli.StartupTraining} with the cache-recording flags.
 */
public final class StartupTraining {
  private static final int KEYS = 100_000;

  private StartupTraining() {}

  public static void main(String[] args) throws Exception {
    train();
    // The cache is written as the JVM exits; a lingering non-daemon thread must not delay that.
    System.exit(0);
  }

  /** The whole workload, in a temporary directory removed afterwards. */
  static void train() throws Exception {
    Path dir = Files.createTempDirectory("shoal-training");
    try {
      // A snapshot and an AOF to load, written by a node that serves commands of every type.
      run(dir, "appendonly=yes", node -> {
        commands(node);
        node.call("DEBUG", "POPULATE", Integer.toString(KEYS), "key", "16");
        node.call("SAVE");
      });
      run(dir, "appendonly=no", StartupTraining::commands);
      run(dir, "appendonly=yes", StartupTraining::commands);
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private interface Work {
    void on(RespClient node) throws IOException;
  }

  /** One node start through the same command line as {@code shoal server}, some work, SHUTDOWN. */
  private static void run(Path dir, String appendonly, Work work) throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    String[] args = {"server", "--port", Integer.toString(port), "--dir", dir.toString(), "--set", appendonly,
        "--set", "save="};
    int[] exit = {-1};
    Thread server = new Thread(() -> exit[0] = ShoalCli.execute(args), "training-node");
    server.start();
    RespClient node = connect(port, server);
    try (node) {
      // DBSIZE answers once the data set is loaded.
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (true) {
        try {
          node.call("DBSIZE");
          break;
        } catch (RespClient.ErrorReply loading) {
          if (System.nanoTime() > deadline) {
            throw loading;
          }
          Thread.sleep(10);
        }
      }
      work.on(node);
      try {
        node.call("SHUTDOWN", "NOSAVE");
      } catch (IOException closedByShutdown) {
        // SHUTDOWN closes the connection instead of replying.
      }
    }
    server.join(60_000);
    if (exit[0] != 0) {
      throw new IllegalStateException("training node exited with " + exit[0]);
    }
  }

  private static RespClient connect(int port, Thread server) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try {
        return new RespClient("127.0.0.1", port);
      } catch (IOException notYet) {
        if (!server.isAlive() || System.nanoTime() > deadline) {
          throw notYet;
        }
        Thread.sleep(10);
      }
    }
  }

  private static void commands(RespClient node) throws IOException {
    for (int i = 0; i < 2_000; i++) {
      String n = Integer.toString(i);
      node.call("SET", "string:" + n, "value" + n);
      node.call("GET", "string:" + n);
      node.call("INCR", "counter");
      node.call("HSET", "hash:" + (i % 50), "field" + n, n);
      node.call("LPUSH", "list:" + (i % 50), n);
      node.call("SADD", "set:" + (i % 50), n);
      node.call("ZADD", "zset:" + (i % 50), n, "member" + n);
      node.call("EXPIRE", "string:" + n, "3600");
    }
    node.call("MGET", "string:1", "string:2");
    node.call("DBSIZE");
    node.call("INFO");
  }
}
