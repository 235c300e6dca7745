package io.shoal.server.replication;

import io.shoal.server.resp.ShoalError;
import java.util.List;

/**
 * What cluster mode (and failover) asks of this node's replication, so that the cluster code does
 * not depend on how the replication stream is carried. The replication module installs the real
 * one with {@code ShoalServer.replication(...)}; until then {@link #NONE} answers "a master with no
 * replicas" and refuses to change role.
 */
public interface ReplicationControl {

  /** A replica as its master sees it: where it listens and the offset it last acknowledged. */
  record ReplicaInfo(String host, int port, long ackOffset, long lagMillis, boolean online) {}

  /** REPLICAOF host port: drop the current role and follow that master (asynchronously). */
  void replicate(String host, int port);

  /** REPLICAOF NO ONE: become a master, starting a new replication history. */
  void promote();

  boolean isReplica();

  /** The master this node follows as "host:port", or null when it is a master. */
  String masterEndpoint();

  /** True when this replica's link to its master is up and synchronised. */
  boolean linkUp();

  /** The replication offset: what this node has produced (master) or applied (replica). */
  long offset();

  /** Replicas directly attached to this node. */
  List<ReplicaInfo> replicas();

  /** Called after every change of role or master link, on any thread. */
  void onRoleChange(Runnable listener);

  ReplicationControl NONE = new ReplicationControl() {
    @Override
    public void replicate(String host, int port) {
      throw ShoalError.err("replication is not available on this node");
    }

    @Override
    public void promote() {}

    @Override
    public boolean isReplica() {
      return false;
    }

    @Override
    public String masterEndpoint() {
      return null;
    }

    @Override
    public boolean linkUp() {
      return false;
    }

    @Override
    public long offset() {
      return 0;
    }

    @Override
    public List<ReplicaInfo> replicas() {
      return List.of();
    }

    @Override
    public void onRoleChange(Runnable listener) {}
  };
}
