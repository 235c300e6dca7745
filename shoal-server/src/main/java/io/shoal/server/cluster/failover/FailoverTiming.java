package io.shoal.server.cluster.failover;

/**
 * The delays of the failover protocol, all scaled from cluster-node-timeout T.
 *
 * <p>Redis waits {@code 500 + random(500) + rank * 1000} ms before asking for votes and gives an
 * election {@code max(2T, 2000)} ms. Those constants suit Redis's default T = 15 s, but Shoal
 * aims at a failover within 2 s of a kill with T = 1 s, and detection alone (a majority of
 * monitors agreeing) takes about T. So the waits shrink with T:
 *
 * <ul>
 *   <li>fixed = min(500, T/10): time for the FAIL verdict to reach the voting masters (each
 *       refuses to vote for a master it does not consider failed). Membership spreads the
 *       verdict by gossip in rounds of T/10, and a candidate repeats its request every T/4 to
 *       masters that have not answered, so a master that learns of the failure a round later
 *       still votes in time; waiting longer up front would only delay every failover.
 *   <li>jitter = random in [0, fixed): replicas of different masters that fail together must not
 *       ask in the same instant, or each master's one vote per epoch splits between them.
 *   <li>rank step = T/2: the next replica in line only starts when the better one has had a
 *       round trip and a vote, and had it, stays silent; T/2 leaves room for a slow voter.
 *   <li>election timeout = 2T (Redis's value at T = 1 s): votes must arrive within it.
 *   <li>retry = 2 x election timeout (as Redis): a master refuses a second vote for the same
 *       shard within 2T of its last one, and votes arrive at most 2T after the start, so a retry
 *       that starts 4T after the previous start finds every master willing again.
 * </ul>
 *
 * <p>For T = 1000 the best replica asks at most 200 ms after it learns of the failure, which
 * with about 1 s of detection and one round trip keeps the failover under 2 s
 * ({@code FailoverSimulationTest} measures it).
 */
public record FailoverTiming(long fixedMillis, long jitterMillis, long rankStepMillis, long electionTimeoutMillis,
    long retryMillis, long manualTimeoutMillis, long orphanDelayMillis, long tickMillis) {

  /** Redis's CLUSTER_MF_TIMEOUT: a manual failover that has not completed in 5 s is aborted. */
  public static final long MANUAL_TIMEOUT_MILLIS = 5_000;

  /**
   * Redis's CLUSTER_SLAVE_MIGRATION_DELAY: a master must stay orphaned this long before a replica
   * moves to it, so that transient states (a failover in progress, a replica restarting) never
   * move replicas around.
   */
  public static final long ORPHAN_DELAY_MILLIS = 5_000;

  public static FailoverTiming forNodeTimeout(long nodeTimeoutMillis) {
    long fixed = Math.max(1, Math.min(500, nodeTimeoutMillis / 10));
    long election = 2 * nodeTimeoutMillis;
    long tick = Math.max(10, Math.min(100, nodeTimeoutMillis / 10));
    return new FailoverTiming(fixed, fixed, nodeTimeoutMillis / 2, election, 2 * election, MANUAL_TIMEOUT_MILLIS,
        ORPHAN_DELAY_MILLIS, tick);
  }

  /** The longest a rank-0 replica waits, from learning of the failure to asking for votes. */
  public long worstFirstRequestMillis() {
    return fixedMillis + jitterMillis;
  }
}
