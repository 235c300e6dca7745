package io.shoal.server.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * The race both prefetch tests run: a writer thread changes one slot's data in cycles, each step
 * under the slot's lock as an I/O thread would, while the test's thread runs prefetch batches
 * without it, until at least 20 cycles and 100,000 batches have met (bounded at 20 s).
 */
final class PrefetchRace {
  private final Keyspace keyspace;
  private final int slot;

  PrefetchRace(Keyspace keyspace, int slot) {
    this.keyspace = keyspace;
    this.slot = slot;
  }

  /** Runs one step of a write cycle under the slot's lock. */
  void locked(Runnable step) {
    keyspace.locks().lockSlot(slot);
    try {
      step.run();
    } finally {
      keyspace.locks().unlockSlot(slot);
    }
  }

  /** {@code writeCycle} repeats on the writer; {@code batch} gets the number of batches run so far. */
  void run(Runnable writeCycle, LongConsumer batch) throws InterruptedException {
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger cycles = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      try {
        while (!done.get()) {
          writeCycle.run();
          cycles.incrementAndGet();
        }
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    writer.start();
    long runs = 0;
    try {
      long deadline = System.nanoTime() + 20_000_000_000L;
      while ((cycles.get() < 20 || runs < 100_000) && System.nanoTime() < deadline && failure.get() == null) {
        batch.accept(runs);
        runs++;
      }
    } finally {
      done.set(true);
      writer.join(10_000);
    }
    assertThat(failure.get()).isNull();
    assertThat(writer.isAlive()).isFalse();
    assertThat(cycles.get()).as("write cycles seen by the prefetch").isGreaterThanOrEqualTo(20);
    assertThat(runs).isGreaterThanOrEqualTo(100_000);
  }
}
