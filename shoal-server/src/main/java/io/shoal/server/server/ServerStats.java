package io.shoal.server.server;

import java.util.concurrent.atomic.LongAdder;

/** Server-wide counters INFO stats reports; every I/O thread adds to them. */
public final class ServerStats {
  public final LongAdder commandsProcessed = new LongAdder();
  public final LongAdder netInputBytes = new LongAdder();
  public final LongAdder netOutputBytes = new LongAdder();
  public final LongAdder keyspaceHits = new LongAdder();
  public final LongAdder keyspaceMisses = new LongAdder();
  public final LongAdder evictedKeys = new LongAdder();
  public final LongAdder expiredKeys = new LongAdder();
  public final LongAdder errorReplies = new LongAdder();
  public final LongAdder syncFull = new LongAdder();
  public final LongAdder syncPartialOk = new LongAdder();
  public final LongAdder syncPartialErr = new LongAdder();

  public void reset() {
    commandsProcessed.reset();
    netInputBytes.reset();
    netOutputBytes.reset();
    keyspaceHits.reset();
    keyspaceMisses.reset();
    evictedKeys.reset();
    expiredKeys.reset();
    errorReplies.reset();
    syncFull.reset();
    syncPartialOk.reset();
    syncPartialErr.reset();
  }
}
