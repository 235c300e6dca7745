package io.shoal.cli;

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

  /**
   * The options of a plain command line read without picocli, or null when picocli must read it
   * (help, version, an unknown option, a value that is not a number where one is expected...).
   * picocli reads annotations by reflection with classes compiled for Java 5, which the JVM's
   * start-up cache cannot hold: ~0.14 s of a node's start-up before it begins to load its data.
   * Yields the same fields as picocli for every line it accepts (ServerCommandTest).
   */
  static ServerCommand parsePlain(String[] args) {
    ServerCommand command = new ServerCommand();
    // picocli refuses a single-valued option given twice.
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int equals = arg.indexOf('=');
      if (arg.startsWith("--") && equals > 0) {
        name = arg.substring(0, equals);
        value = arg.substring(equals + 1);
      }
      if (!name.equals("--set") && !name.equals("--seeds") && !seen.add(name)) {
        return null;
      }
      if (name.equals("--cluster")) {
        if (value != null) {
          return null;
        }
        command.cluster = true;
        continue;
      }
      if (value == null) {
        if (i + 1 == args.length || args[i + 1].startsWith("--") || args[i + 1].equals("-h") || args[i + 1].equals("-V")) {
          return null;
        }
        value = args[++i];
      }
      switch (name) {
        case "--port":
          command.port = plainInteger(value);
          if (command.port == null) {
            return null;
          }
          break;
        case "--proxy-port":
          command.proxyPort = plainInteger(value);
          if (command.proxyPort == null) {
            return null;
          }
          break;
        case "--bind":
          command.bind = value;
          break;
        case "--dir":
          command.dir = Path.of(value);
          break;
        case "--config":
          command.config = Path.of(value);
          break;
        case "--seeds":
          if (value.isEmpty() || value.startsWith(",") || value.endsWith(",") || value.contains(",,")) {
            return null;
          }
          command.seeds.addAll(List.of(value.split(",")));
          break;
        case "--set":
          command.overrides.add(value);
          break;
        default:
          return null;
      }
    }
    return command;
  }

  /** A decimal int as picocli converts one, or null for anything else (picocli then reports it). */
  private static Integer plainInteger(String text) {
    if (!text.matches("-?[0-9]{1,9}")) {
      return null;
    }
    return Integer.valueOf(text);
  }

  /** Runs a command from {@link #parsePlain} as picocli's execute would: an exception prints and exits 1. */
  int execute() {
    try {
      return call();
    } catch (Exception e) {
      e.printStackTrace();
      return 1;
    }
  }

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
   *
   * <p>Through the property Netty reads when it first initialises its leak detector, not through
   * {@code ResourceLeakDetector.setLevel}: that call initialised Netty's logging (probing for SLF4J
   * and other frameworks) on the main thread, 10-20 ms before the node began to load its data;
   * now that happens on the thread that starts the I/O threads, while the data loads.
   */
  static void quietLeakDetector() {
    // Netty logs through java.util.logging, as the node does. Left to itself it probes for SLF4J,
    // finds the API that Jedis (the bench commands) brings but no binding, scans the class path for
    // one, prints three warning lines and then drops every message (warnings included): ~15-25 ms
    // of each start-up before the data began to load.
    io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
        io.netty.util.internal.logging.JdkLoggerFactory.INSTANCE);
    if (System.getProperty("io.netty.leakDetection.level") == null
        && System.getProperty("io.netty.leakDetectionLevel") == null) {
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
    // Netty's buffer allocators report chunk and buffer events to JDK Flight Recorder when it is
    // available; loading the first event class makes the JVM instrument it through JFR's class-file
    // code (dozens of annotation proxies and compilations, ~100 ms of CPU), at Netty's
    // first buffer allocation, which at start-up competes with the RDB load for the two cores.
    // -Dio.netty.jfr.enabled=true brings the events back.
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
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
