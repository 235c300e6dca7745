package io.shoal.server.server;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Polls the event loop's epoll set for a short while before the loop blocks in epoll_wait. A
 * blocked I/O thread must be woken by the next request: the client's write then pays the wake-up
 * and the request waits for the thread to be scheduled again (an inter-processor interrupt, on a
 * virtual machine a hypervisor exit). Polling for a few microseconds after each busy iteration
 * catches the requests that follow closely without that round trip.
 *
 * <p>The loop polls only while traffic is dense: when the previous block (and the work after it)
 * lasted more than {@link #DENSE_FACTOR} windows, requests come too far apart for a poll to catch
 * the next one, and the loop blocks at once. So polling costs at most one window in every
 * {@code DENSE_FACTOR} windows of time, and an idle node blocks after at most one window.
 */
public final class SpinningSelectStrategy implements SelectStrategy {
  /** Traffic counts as dense while the loop went back to polling within this many windows. */
  static final int DENSE_FACTOR = 10;

  private final long spinNanos;
  private final LongSupplier nanoClock;
  /** False while the host has no core to spare for polling (see ShoalServer.hostSharedBy). */
  private final BooleanSupplier allowed;
  /** When the loop last chose to block, or 0 after it found work by polling. */
  private long blockedAt;

  public SpinningSelectStrategy(long spinNanos, BooleanSupplier allowed) {
    this(spinNanos, System::nanoTime, allowed);
  }

  SpinningSelectStrategy(long spinNanos, LongSupplier nanoClock) {
    this(spinNanos, nanoClock, () -> true);
  }

  SpinningSelectStrategy(long spinNanos, LongSupplier nanoClock, BooleanSupplier allowed) {
    this.spinNanos = spinNanos;
    this.nanoClock = nanoClock;
    this.allowed = allowed;
  }

  @Override
  public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
    if (hasTasks) {
      return selectSupplier.get();
    }
    if (!allowed.getAsBoolean()) {
      return SELECT;
    }
    long now = nanoClock.getAsLong();
    if (blockedAt != 0 && now - blockedAt > DENSE_FACTOR * spinNanos) {
      blockedAt = now;
      return SELECT;
    }
    long deadline = now + spinNanos;
    do {
      int ready = selectSupplier.get();
      if (ready > 0) {
        blockedAt = 0;
        return ready;
      }
      // sched_yield, not a pause: on a host where other processes want the core (the clients
      // among them), they run first instead of waiting for this thread's time slice to end.
      Thread.yield();
      now = nanoClock.getAsLong();
    } while (now - deadline < 0);
    blockedAt = now;
    return SELECT;
  }
}
