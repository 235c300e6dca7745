package io.shoal.server.server;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

/**
 * Polls the event loop's epoll set for a short while before the loop blocks in epoll_wait. A
 * blocked I/O thread must be woken by the next request: the client's write then pays the wake-up
 * and the request waits for the thread to be scheduled again (an inter-processor interrupt, on a
 * virtual machine a hypervisor exit). Polling for a few microseconds after each busy iteration
 * catches the requests that follow closely without that round trip; when none comes within the
 * window, the loop blocks as before, so an idle node costs nothing.
 */
public final class SpinningSelectStrategy implements SelectStrategy {
  private final long spinNanos;

  public SpinningSelectStrategy(long spinNanos) {
    this.spinNanos = spinNanos;
  }

  @Override
  public int calculateStrategy(IntSupplier selectSupplier, boolean hasTasks) throws Exception {
    if (hasTasks) {
      return selectSupplier.get();
    }
    long deadline = System.nanoTime() + spinNanos;
    do {
      int ready = selectSupplier.get();
      if (ready > 0) {
        return ready;
      }
      Thread.onSpinWait();
    } while (System.nanoTime() - deadline < 0);
    return SELECT;
  }
}
