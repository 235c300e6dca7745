package io.shoal.server.proxy;

import io.shoal.server.ShoalServer;
import io.shoal.server.cluster.ClusterModule;

/** Placeholder until the proxy lands. */
public final class ProxyServer {
  public ProxyServer(ShoalServer server, ClusterModule module, String host, int port) {}

  public void start() {}

  public void stop() {}
}
