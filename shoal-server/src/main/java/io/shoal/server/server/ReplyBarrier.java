package io.shoal.server.server;

import io.shoal.server.client.ClientConnection;
import java.util.concurrent.CompletableFuture;

/**
 * Holds a client's replies back until what they acknowledge is safe: in durable mode, until a
 * majority of the shard has the writes. Asked before every flush; while a hold is pending the
 * connection reads nothing more, so replies stay in order and the held output stays bounded.
 */
@FunctionalInterface
public interface ReplyBarrier {
  /**
   * Null when the client's pending replies may go now; otherwise a future that completes with
   * true when they may go, or false when they never will (the writes could not be made safe in
   * time: the connection is then closed without them, so the client cannot take them as done).
   */
  CompletableFuture<Boolean> hold(ClientConnection client);

  /**
   * True when the client's replies wait for work this barrier does best once for many clients
   * (the AOF's write): the connection then flushes at the end of its event loop's iteration,
   * together with every other such connection, after {@link #beforeBatchFlush} ran once for all.
   */
  default boolean batches(ClientConnection client) {
    return false;
  }

  /**
   * False when the batch's shared work is too dear to repeat within an iteration (an fsync with
   * appendfsync always): the batch then flushes only at the end of the iteration.
   */
  default boolean flushesEarly() {
    return true;
  }

  /** Runs once per event-loop iteration, before the flushes {@link #batches} deferred (Redis's beforeSleep). */
  default void beforeBatchFlush() {
  }
}
