package io.shoal.server.testing;

import io.shoal.server.ShoalServer;
import io.shoal.server.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.clients.jedis.Jedis;

/**
 * A real Shoal node on a free loopback port, in the test's JVM, for tests that talk to it with
 * real clients (Jedis, Lettuce, redis-cli). Each instance has its own data directory.
 */
public final class TestServer implements AutoCloseable {
  private final ShoalServer server;
  private final Path dir;

  private TestServer(ShoalServer server, Path dir) {
    this.server = server;
    this.dir = dir;
  }

  /** Starts a node; settings are "name", "value" pairs applied before start. */
  public static TestServer start(String... settings) {
    try {
      Path dir = Files.createTempDirectory("shoal-test");
      Settings values = new Settings();
      ShoalServer.defineSettings(values);
      values.initialise("port", "0");
      values.initialise("dir", dir.toString());
      for (int i = 0; i + 1 < settings.length; i += 2) {
        values.initialise(settings[i], settings[i + 1]);
      }
      ShoalServer server = new ShoalServer(values);
      server.start();
      return new TestServer(server, dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public ShoalServer server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  public Path dir() {
    return dir;
  }

  public Jedis jedis() {
    return new Jedis("127.0.0.1", port(), 10_000);
  }

  @Override
  public void close() {
    server.stop();
  }
}
