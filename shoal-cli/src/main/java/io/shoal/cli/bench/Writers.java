package io.shoal.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import redis.clients.jedis.JedisCluster;

/**
 * K threads writing through one cluster client, each write a fresh key {@code fo:<n>} with value n
 * (n from one shared counter), at a bounded total rate so a long run does not fill memory. Each
 * acknowledged write goes to the {@link WriteLedger}; failures are counted and retried with the
 * next n after a short pause (the client itself already retried and refreshed its slot map).
 */
public final class Writers implements AutoCloseable {
  public static final String PREFIX = "fo:";

  private final JedisCluster cluster;
  private final WriteLedger ledger;
  private final long intervalNanos;
  private final AtomicLong sequence = new AtomicLong();
  private final LongAdder failed = new LongAdder();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  /** @param ratePerSecond total writes per second over all threads */
  public Writers(JedisCluster cluster, WriteLedger ledger, int threadCount, int ratePerSecond) {
    if (threadCount < 1 || ratePerSecond < 1) {
      throw new IllegalArgumentException("threads and rate must be positive");
    }
    this.cluster = cluster;
    this.ledger = ledger;
    this.intervalNanos = TimeUnit.SECONDS.toNanos(1) * threadCount / ratePerSecond;
    for (int i = 0; i < threadCount; i++) {
      Thread thread = new Thread(this::write, "writer-" + i);
      thread.setDaemon(true);
      threads.add(thread);
    }
  }

  public Writers start() {
    threads.forEach(Thread::start);
    return this;
  }

  public long failedWrites() {
    return failed.sum();
  }

  private void write() {
    long next = System.nanoTime();
    while (running) {
      long n = sequence.incrementAndGet();
      String key = PREFIX + n;
      try {
        if ("OK".equals(cluster.set(key, Long.toString(n)))) {
          ledger.acknowledged(key, n);
        } else {
          failed.increment();
        }
      } catch (RuntimeException refusedOrTimedOut) {
        failed.increment();
        pause(TimeUnit.MILLISECONDS.toNanos(10));
      }
      // Pace to the rate; after a stall start afresh rather than bursting to catch up.
      next = Math.max(next + intervalNanos, System.nanoTime() - intervalNanos);
      pause(next - System.nanoTime());
    }
  }

  private static void pause(long nanos) {
    if (nanos > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(nanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Stops the writers and waits (bounded) for their last write to finish. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread thread : threads) {
      thread.join(10_000);
    }
  }
}
