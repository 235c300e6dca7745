package io.shoal.server.proxy;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The proxy clients of one event loop whose replies wait a little before being written. A
 * pipeline's replies come from several nodes at different times, the node's own slots first: written
 * as they come, one batch of requests costs a client two or three writes (and wakes it as often),
 * which on loopback cost more than the proxy's own work. A client whose replies still wait on a
 * node holds the ones it has until the rest come, but never longer than {@link #HOLD_NANOS}, so a
 * slow command cannot delay the replies before it by more. Everything runs on the loop.
 */
final class ReplyHold {
  static final long HOLD_NANOS = TimeUnit.MICROSECONDS.toNanos(1000);

  /** A client that holds replies. */
  abstract static class Holder {
    // When it started holding, or -1 while it does not.
    long heldSince = -1;
    // Whether it is in the list of its loop's hold.
    private boolean listed;

    /** Writes what it holds. */
    abstract void release();
  }

  private final EventLoop loop;
  private final LongSupplier clock;
  private final List<Holder> holders = new ArrayList<>();
  private final Runnable sweep = this::sweep;
  private boolean armed;

  ReplyHold(EventLoop loop, LongSupplier clock) {
    this.loop = loop;
    this.clock = clock;
  }

  /** {@code holder} starts holding replies: it is released within the hold at the latest. */
  void hold(Holder holder) {
    holder.heldSince = clock.getAsLong();
    if (!holder.listed) {
      holder.listed = true;
      holders.add(holder);
    }
    arm(HOLD_NANOS);
  }

  private void arm(long delayNanos) {
    if (!armed) {
      armed = true;
      loop.schedule(sweep, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Releases the holders whose hold is over; forgets those that wrote meanwhile. */
  private void sweep() {
    armed = false;
    long now = clock.getAsLong();
    long nextDue = Long.MAX_VALUE;
    int kept = 0;
    for (int i = 0; i < holders.size(); i++) {
      Holder holder = holders.get(i);
      long since = holder.heldSince;
      if (since < 0) {
        holder.listed = false;
      } else if (now - since >= HOLD_NANOS) {
        holder.listed = false;
        holder.heldSince = -1;
        holder.release();
      } else {
        holders.set(kept++, holder);
        nextDue = Math.min(nextDue, since + HOLD_NANOS);
      }
    }
    holders.subList(kept, holders.size()).clear();
    if (!holders.isEmpty()) {
      arm(Math.max(1, nextDue - now));
    }
  }
}
