package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;

/**
 * The master's side of a default CLUSTER FAILOVER: on {@link ManualFailoverStart} from one of its
 * replicas it pauses client writes (so its offset stops moving) and tells the replica its offset,
 * again on every tick since messages may be lost. The pause ends when this node stops being a
 * master (the replica won and its claim arrived) or after the manual failover timeout; Redis
 * pauses for twice that, the pause action gets the same bound as a safety net.
 */
public final class ManualFailoverPause {
  private NodeId replica;
  private long deadlineMillis;

  /** Returns true when the request was accepted and writes were paused. */
  boolean onStart(FailoverView view, ManualFailoverStart start, long nowMillis, long timeoutMillis,
      FailoverActions actions) {
    FailoverView.ReplicaView requester = view.replicas().get(start.replica());
    if (view.isReplica() || !start.master().equals(view.myId()) || requester == null
        || !view.myId().equals(requester.masterId())) {
      return false;
    }
    if (replica == null) {
      actions.pauseWrites(2 * timeoutMillis);
    }
    replica = start.replica();
    deadlineMillis = nowMillis + timeoutMillis;
    return true;
  }

  /** Re-sends the offset while paused; resumes writes once the failover is over either way. */
  void tick(FailoverView view, long nowMillis, FailoverActions actions) {
    if (replica == null) {
      return;
    }
    if (view.isReplica() || nowMillis > deadlineMillis) {
      replica = null;
      actions.resumeWrites();
      return;
    }
    actions.send(replica, FailoverMessageTypes.MANUAL_FAILOVER_OFFSET,
        new ManualFailoverOffset(view.myId(), replica, view.myReplOffset()).encode());
  }

  boolean paused() {
    return replica != null;
  }
}
