package io.shoal.server.persistence;

import io.shoal.server.ShoalServer;
import io.shoal.server.config.Settings;

/**
 * A node in its own process for crash tests: {@code CrashNode name value ...} starts a server with
 * those settings on a free port, prints "PORT n" and runs until killed.
 */
public final class CrashNode {
  private CrashNode() {}

  public static void main(String[] args) throws Exception {
    Settings settings = new Settings();
    ShoalServer.defineSettings(settings);
    settings.initialise("port", "0");
    for (int i = 0; i + 1 < args.length; i += 2) {
      settings.initialise(args[i], args[i + 1]);
    }
    ShoalServer server = new ShoalServer(settings).start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    System.out.println("PORT " + server.port());
    System.out.flush();
    server.awaitStop();
  }
}
