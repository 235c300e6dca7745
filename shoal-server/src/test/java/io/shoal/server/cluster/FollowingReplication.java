package io.shoal.server.cluster;

import io.shoal.server.replication.ReplicationControl;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test double of replication that only remembers what cluster mode asked of it, and reports a
 * fixed non-zero offset so that replicas count as available (CLUSTER SLOTS). It moves no data: the
 * tests that use it check roles and routing; data flow is the replication module's tests' job.
 */
final class FollowingReplication implements ReplicationControl {
  static final long OFFSET = 100;
  final List<String> calls = new CopyOnWriteArrayList<>();
  private volatile String master;

  @Override
  public void replicate(String host, int port) {
    master = host + ":" + port;
    calls.add("replicate " + master);
  }

  @Override
  public void promote() {
    master = null;
    calls.add("promote");
  }

  @Override
  public boolean isReplica() {
    return master != null;
  }

  @Override
  public String masterEndpoint() {
    return master;
  }

  @Override
  public boolean linkUp() {
    return master != null;
  }

  @Override
  public long offset() {
    return OFFSET;
  }

  @Override
  public List<ReplicaInfo> replicas() {
    return List.of();
  }

  @Override
  public void onRoleChange(Runnable listener) {}
}
