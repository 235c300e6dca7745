package io.shoal.server.cluster;

import io.shoal.cluster.member.NodeId;

/**
 * One node as this node knows it, the row CLUSTER NODES prints: identity, client and bus address,
 * the config epoch of its slot claims, and whether the membership judges it failed.
 */
public record KnownNode(NodeId id, String host, int port, int busPort, long configEpoch, boolean failed,
    long pongMillis) {

  public String endpoint() {
    return host + ":" + port;
  }

  public KnownNode withConfigEpoch(long epoch) {
    return new KnownNode(id, host, port, busPort, epoch, failed, pongMillis);
  }

  public KnownNode withFailed(boolean value) {
    return value == failed ? this : new KnownNode(id, host, port, busPort, configEpoch, value, pongMillis);
  }

  public KnownNode withAddress(String newHost, int newPort, int newBusPort) {
    return new KnownNode(id, newHost, newPort, newBusPort, configEpoch, failed, pongMillis);
  }

  public KnownNode withPong(long millis) {
    return new KnownNode(id, host, port, busPort, configEpoch, failed, millis);
  }
}
