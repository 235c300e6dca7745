package io.shoal.server.server;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;

/**
 * The connections of one event loop whose replies a reply barrier holds, grouped by the hold they
 * wait for. With appendfsync always, every connection of a {@link FlushBatch} waits for the same
 * fsync: its completion then posts one task to the event loop that releases them all, instead of
 * one callback and one task per connection.
 */
final class HeldReplies implements Runnable {
  private static final FastThreadLocal<HeldReplies[]> LATEST = new FastThreadLocal<>() {
    @Override
    protected HeldReplies[] initialValue() {
      return new HeldReplies[1];
    }
  };

  private final CompletableFuture<Boolean> hold;
  private final ArrayList<ConnectionHandler> connections = new ArrayList<>(4);
  private boolean released;
  private boolean release;

  private HeldReplies(CompletableFuture<Boolean> hold) {
    this.hold = hold;
  }

  /** Releases {@code connection} (on its event loop) when {@code hold} completes. */
  static void await(CompletableFuture<Boolean> hold, ConnectionHandler connection, EventExecutor eventLoop) {
    HeldReplies[] latest = LATEST.get();
    HeldReplies group = latest[0];
    if (group == null || group.hold != hold || group.released) {
      HeldReplies created = new HeldReplies(hold);
      latest[0] = created;
      group = created;
      hold.whenComplete((release, error) -> {
        created.release = Boolean.TRUE.equals(release) && error == null;
        eventLoop.execute(created);
      });
    }
    group.connections.add(connection);
  }

  @Override
  public void run() {
    released = true;
    HeldReplies[] latest = LATEST.get();
    if (latest[0] == this) {
      latest[0] = null;
    }
    for (int i = 0; i < connections.size(); i++) {
      connections.get(i).released(release);
    }
  }
}
