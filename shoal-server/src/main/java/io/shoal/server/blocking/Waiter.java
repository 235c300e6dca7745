package io.shoal.server.blocking;

import io.shoal.server.client.ClientConnection;
import io.shoal.server.resp.Reply;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One blocked client: the keys it waits on, its retry and its timeout. Serving, timing out,
 * unblocking and disconnecting may race on different threads; whoever {@link #claim()}s the
 * waiter acts, the others step aside.
 */
final class Waiter {
  private static final int WAITING = 0;
  private static final int CLAIMED = 1;
  private static final int DONE = 2;

  final ClientConnection client;
  final List<BlockingKey> keys;
  final BlockedCommand command;
  final Consumer<Reply> timeoutReply;
  final long deadlineMillis;
  volatile ScheduledFuture<?> timeoutTask;
  private final AtomicInteger state = new AtomicInteger(WAITING);
  /** Set by whoever wants to retry this waiter; see BlockingRegistry#serveWaiter. */
  private volatile boolean poked;

  Waiter(ClientConnection client, List<BlockingKey> keys, BlockedCommand command, Consumer<Reply> timeoutReply,
      long deadlineMillis) {
    this.client = client;
    this.keys = keys;
    this.command = command;
    this.timeoutReply = timeoutReply;
    this.deadlineMillis = deadlineMillis;
  }

  /** Takes the right to act on this waiter; false if someone else holds it or it is finished. */
  boolean claim() {
    return state.compareAndSet(WAITING, CLAIMED);
  }

  void poke() {
    poked = true;
  }

  void clearPoke() {
    poked = false;
  }

  boolean poked() {
    return poked;
  }

  /** Gives the waiter back after a retry found nothing to do. */
  void release() {
    state.compareAndSet(CLAIMED, WAITING);
  }

  /** Marks the waiter finished; true if this call finished it. */
  boolean finish() {
    return state.getAndSet(DONE) != DONE;
  }

  boolean finished() {
    return state.get() == DONE;
  }
}
