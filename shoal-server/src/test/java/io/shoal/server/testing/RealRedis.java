package io.shoal.server.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * Debian's {@code redis-server} on a free loopback port, with its data in a given directory, for
 * tests that compare Shoal with Redis. Stopped (SHUTDOWN NOSAVE, then destroyed) on close.
 */
public final class RealRedis implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/redis-server");
  private final Process process;
  private final int port;

  private RealRedis(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /** Starts redis-server; {@code extraArguments} ("--name", "value"...) override the defaults. */
  public static RealRedis start(Path dir, String dbfilename, String... extraArguments)
      throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--dir", dir.toString(), "--dbfilename", dbfilename, "--save", "",
        "--appendonly", "no", "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
    command.addAll(List.of(extraArguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.out").toFile()).start();
    RealRedis redis = new RealRedis(process, port);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
      }
      try (Jedis jedis = redis.jedis()) {
        if ("PONG".equals(jedis.ping())) {
          return redis;
        }
      } catch (RuntimeException e) {
        // LOADING or not listening yet.
      }
      Thread.sleep(20);
    }
    redis.close();
    throw new IOException("redis-server did not start");
  }

  public int port() {
    return port;
  }

  public Jedis jedis() {
    return new Jedis("127.0.0.1", port, 10_000);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
