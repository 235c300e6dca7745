package io.shoal.cli;

import io.netty.util.ResourceLeakDetector;
import io.shoal.server.ShoalServer;
import io.shoal.server.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `shoal server`: one node in the foreground. Ctrl-C and SIGTERM stop it cleanly through the JVM's
 * shutdown hook; the SHUTDOWN command stops it from a client.
 */
@Command(name = "server", mixinStandardHelpOptions = true, version = "shoal 0.1.0", description = "Run a Shoal node in the foreground.")
public final class ServerCommand implements Callable<Integer> {
  @Option(names = "--port", description = "Client port (default 6379).")
  Integer port;

  @Option(names = "--bind", description = "Address to listen on (default 127.0.0.1).")
  String bind;

  @Option(names = "--dir", description = "Data directory (default ./data/<port>).")
  Path dir;

  @Option(names = "--config", description = "A Redis-style config file.")
  Path config;

  @Option(names = "--cluster", description = "Run in cluster mode (cluster-enabled yes).")
  boolean cluster;

  @Option(names = "--seeds", split = ",", description = "Seed nodes host:port[@busport],... to join (cluster mode).")
  List<String> seeds = new ArrayList<>();

  @Option(names = "--proxy-port", description = "Proxy port in cluster mode (default client port + 1000, -1 off).")
  Integer proxyPort;

  @Option(names = "--set", description = "Any config parameter as name=value, may repeat.")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    quietLeakDetector();
    ShoalServer server = new ShoalServer(settings());
    Thread hook = new Thread(server::stop, "shoal-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    server.start();
    server.awaitStop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // Stopped by a signal: the hook is running; nothing to undo.
    }
    return 0;
  }

  /**
   * Netty's default leak detection records a stack trace at the allocation and release of one
   * buffer in 128, and a node allocates a buffer per read and per reply batch: about 1% of the CPU
   * of pipelined commands (docs/performance.md). A node turns it off unless
   * {@code -Dio.netty.leakDetection.level} asks for it; in-process tests keep Netty's default.
   */
  static void quietLeakDetector() {
    if (System.getProperty("io.netty.leakDetection.level") == null
        && System.getProperty("io.netty.leakDetectionLevel") == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }
  }

  /**
   * Settings in order of precedence: defaults, then the config file, then command-line options.
   * Settings are defined by the server's modules, so a throwaway server supplies the definitions.
   */
  Settings settings() throws Exception {
    Settings settings = new Settings();
    ShoalServer.defineSettings(settings);
    if (config != null) {
      settings.load(config);
    }
    if (port != null) {
      settings.initialise("port", port.toString());
    }
    if (bind != null) {
      settings.initialise("bind", bind);
    }
    if (cluster) {
      settings.initialise("cluster-enabled", "yes");
    }
    if (!seeds.isEmpty()) {
      settings.initialise("cluster-seeds", String.join(",", seeds));
    }
    if (proxyPort != null) {
      settings.initialise("cluster-proxy-port", proxyPort.toString());
    }
    for (String override : overrides) {
      int equals = override.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("--set expects name=value, got " + override);
      }
      settings.initialise(override.substring(0, equals), override.substring(equals + 1));
    }
    Path directory = dir != null ? dir
        : settings.get("dir").text().isEmpty() ? Path.of("data", settings.get("port").text()) : Path.of(settings.get("dir").text());
    Files.createDirectories(directory);
    settings.initialise("dir", directory.toAbsolutePath().toString());
    return settings;
  }
}
