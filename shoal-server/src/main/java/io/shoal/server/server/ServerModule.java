package io.shoal.server.server;

import io.shoal.server.ShoalServer;

/**
 * A part of the server that plugs itself in at start-up: a command family registers its commands
 * and settings, a feature (pub/sub, persistence, cluster) its listeners, gates and background jobs.
 */
public interface ServerModule {
  void install(ShoalServer server);

  /**
   * Called before the I/O threads start and the listening socket is bound: work that does not
   * need them (reading the data set from disk) starts here and overlaps their start-up.
   */
  default void beforeBind(ShoalServer server) {}

  /** Called after the listening socket is bound; background jobs start here. */
  default void start(ShoalServer server) {}

  /** Called on shutdown, in reverse order of installation. */
  default void stop(ShoalServer server) {}
}
