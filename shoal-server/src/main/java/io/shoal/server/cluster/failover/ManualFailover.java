package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;

/**
 * The replica's side of CLUSTER FAILOVER, after Redis's {@code clusterHandleManualFailover}.
 *
 * <ul>
 *   <li>DEFAULT: the replica sends {@link ManualFailoverStart} to its master, which pauses writes
 *       and answers with its offset; once the replica has applied that much it runs an election
 *       at once (rank 0, no delay) whose request carries the manual flag, so masters vote
 *       although the master is not failed. No acknowledged write is lost.
 *   <li>FORCE: the same election without waiting for the master, for a master that is down.
 *   <li>TAKEOVER: no election at all; the replica takes a new config epoch without consensus and
 *       the slots (Redis's clusterBumpConfigEpochWithoutConsensus). For a majority of masters
 *       being down; it may lose writes and, if two replicas do it, collide on epochs.
 * </ul>
 * A manual failover that has not completed within {@link FailoverTiming#MANUAL_TIMEOUT_MILLIS}
 * is abandoned, as Redis does with mf_end.
 */
public final class ManualFailover {

  public enum Mode { DEFAULT, FORCE, TAKEOVER }

  private Mode mode;
  private NodeId master;
  private long deadlineMillis;
  private long masterOffset = -1;

  /** Starts one; the caller has checked that this node is a replica of {@code master}. */
  void start(Mode newMode, NodeId newMaster, long nowMillis, long timeoutMillis) {
    mode = newMode;
    master = newMaster;
    deadlineMillis = nowMillis + timeoutMillis;
    masterOffset = -1;
  }

  /** True while a manual failover is running; ends it (returns false) once its time is up. */
  boolean activeAt(long nowMillis) {
    if (mode != null && nowMillis > deadlineMillis) {
      reset();
    }
    return mode != null;
  }

  Mode mode() {
    return mode;
  }

  NodeId master() {
    return master;
  }

  /** The master paused at {@code offset}; ignored unless it answers this failover. */
  void onMasterOffset(ManualFailoverOffset reply, NodeId myId) {
    if (mode == Mode.DEFAULT && reply.master().equals(master) && reply.replica().equals(myId)) {
      masterOffset = reply.offset();
    }
  }

  /** DEFAULT waits until this replica has applied everything the paused master has. */
  boolean canStartElection(long myReplOffset) {
    return switch (mode) {
      case FORCE -> true;
      case DEFAULT -> masterOffset >= 0 && myReplOffset >= masterOffset;
      case TAKEOVER -> false;
    };
  }

  long masterOffset() {
    return masterOffset;
  }

  void reset() {
    mode = null;
    master = null;
    masterOffset = -1;
  }
}
