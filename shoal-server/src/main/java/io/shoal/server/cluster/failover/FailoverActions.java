package io.shoal.server.cluster.failover;

import io.shoal.cluster.member.NodeId;

/**
 * What the failover protocol asks of the node: its only outputs. Calls come on the protocol's
 * thread, in the order that keeps the protocol safe: an epoch or a vote is persisted (the call
 * returns) before the message that depends on it is sent.
 */
public interface FailoverActions {

  /** Sends a failover message over the membership bus; loss is tolerated. */
  void send(NodeId to, int type, byte[] payload);

  /** This node's currentEpoch reached {@code epoch}: raise it and persist it before returning. */
  void currentEpochReached(long epoch);

  /**
   * This node voted in {@code epoch}: persist lastVoteEpoch before returning, so that a restart
   * never votes twice in one epoch.
   */
  void voteCast(long epoch);

  /**
   * This replica won (or, for TAKEOVER, took without consensus) the right to replace
   * {@code failedMaster}: set my config epoch to {@code newConfigEpoch}, claim every slot of the
   * failed master, stop replicating and promote (Redis's clusterFailoverReplaceYourMaster).
   */
  void takeOver(NodeId failedMaster, long newConfigEpoch);

  /** Manual failover, master side: pause client writes for at most this long (CLIENT PAUSE WRITE). */
  void pauseWrites(long durationMillis);

  /** Manual failover, master side: the failover ended or timed out, resume client writes. */
  void resumeWrites();

  /** Replica migration: replicate this master instead of the current one (CLUSTER REPLICATE). */
  void replicate(NodeId master);
}
