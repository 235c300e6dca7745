package io.shoal.server.cluster.failover;

/**
 * Application message types of the failover protocol on the membership bus
 * ({@code member.send(to, type, payload)}), in the 2000s so they stay clear of other modules'
 * types in the application range 1024..65535. Every payload starts with a version byte.
 */
public final class FailoverMessageTypes {
  /** Replica to masters with slots: "vote for me in this epoch" ({@link FailoverAuthRequest}). */
  public static final int AUTH_REQUEST = 2001;
  /** Master to replica: the vote ({@link FailoverAuthAck}). */
  public static final int AUTH_ACK = 2002;
  /** Replica to its master: CLUSTER FAILOVER started, pause and tell me your offset. */
  public static final int MANUAL_FAILOVER_START = 2003;
  /** Master to replica: writes are paused, this is my final offset. */
  public static final int MANUAL_FAILOVER_OFFSET = 2004;
  /** Candidate to sibling replicas (durable mode): what is your replication offset? */
  public static final int OFFSET_QUERY = 2005;
  /** Sibling to candidate: my replication offset. */
  public static final int OFFSET_REPLY = 2006;

  /** Every type above, for registering handlers in one loop. */
  public static final int[] ALL = {AUTH_REQUEST, AUTH_ACK, MANUAL_FAILOVER_START, MANUAL_FAILOVER_OFFSET,
      OFFSET_QUERY, OFFSET_REPLY};

  private FailoverMessageTypes() {}
}
