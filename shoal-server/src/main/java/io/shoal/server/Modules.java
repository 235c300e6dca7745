package io.shoal.server;

import io.shoal.server.server.ServerModule;
import java.util.List;

/**
 * Every module a node installs, in installation order: command families first, then features.
 * One line per module keeps this the single place a reader learns what a node is made of.
 */
final class Modules {
  private Modules() {}

  static List<ServerModule> all() {
    return List.of(
        new io.shoal.server.command.connection.ConnectionCommands(),
        new io.shoal.server.command.string.StringCommands(),
        new io.shoal.server.cluster.ClusterModule()
    );
  }
}
