package io.shoal.server.cluster;

import io.shoal.cluster.member.NodeId;

/**
 * One node as this node knows it, the row CLUSTER NODES prints: identity, client and bus address,
 * the config epoch of its slot claims, whether the membership judges it failed, and its role: the
 * master it replicates ({@code masterId}, null for a master) and the replication offset it last
 * gossiped.
 */
public record KnownNode(NodeId id, String host, int port, int busPort, long configEpoch, boolean failed,
    long pongMillis, NodeId masterId, long replOffset) {

  /** A master, as every node starts. */
  public KnownNode(NodeId id, String host, int port, int busPort, long configEpoch, boolean failed,
      long pongMillis) {
    this(id, host, port, busPort, configEpoch, failed, pongMillis, null, 0);
  }

  public String endpoint() {
    return host + ":" + port;
  }

  public boolean isReplica() {
    return masterId != null;
  }

  public KnownNode withConfigEpoch(long epoch) {
    return new KnownNode(id, host, port, busPort, epoch, failed, pongMillis, masterId, replOffset);
  }

  public KnownNode withFailed(boolean value) {
    return value == failed ? this
        : new KnownNode(id, host, port, busPort, configEpoch, value, pongMillis, masterId, replOffset);
  }

  public KnownNode withAddress(String newHost, int newPort, int newBusPort) {
    return new KnownNode(id, newHost, newPort, newBusPort, configEpoch, failed, pongMillis, masterId, replOffset);
  }

  public KnownNode withPong(long millis) {
    return new KnownNode(id, host, port, busPort, configEpoch, failed, millis, masterId, replOffset);
  }

  /** The role: the master followed (null to be a master) and the replication offset. */
  public KnownNode withRole(NodeId master, long offset) {
    return java.util.Objects.equals(master, masterId) && offset == replOffset ? this
        : new KnownNode(id, host, port, busPort, configEpoch, failed, pongMillis, master, offset);
  }
}
