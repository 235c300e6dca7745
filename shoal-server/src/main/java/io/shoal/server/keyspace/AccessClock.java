package io.shoal.server.keyspace;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * The per-key access clock that eviction samples, 24 bits per key as Redis keeps in each object
 * (the slot table keeps a hash tag in the rest of the int): in LRU mode the last access time in
 * seconds modulo 2^24 (194 days, wrapping as Redis's LRU clock); in LFU mode a logarithmic access
 * counter (low 8 bits) and the minute it was last decremented (high 16 bits), following Redis's
 * {@code LFULogIncr} and {@code LFUDecrAndReturn} with {@code lfu-log-factor} and
 * {@code lfu-decay-time}.
 */
public final class AccessClock {
  static final int LFU_INIT = 5;
  private static final int LRU_MASK = 0xffffff;

  private final LongSupplier clockMillis;
  private final boolean lfu;
  private final int logFactor;
  private final int decayMinutes;

  public AccessClock(LongSupplier clockMillis, boolean lfu, int logFactor, int decayMinutes) {
    this.clockMillis = clockMillis;
    this.lfu = lfu;
    this.logFactor = logFactor;
    this.decayMinutes = decayMinutes;
  }

  public boolean lfu() {
    return lfu;
  }

  /** The clock value after an access; a fresh key passes 0. */
  public int touch(int previous) {
    if (!lfu) {
      return (int) (clockMillis.getAsLong() / 1000) & LRU_MASK;
    }
    int counter = previous == 0 ? LFU_INIT : decayed(previous);
    counter = logIncrement(counter);
    return (minutes() << 8) | counter;
  }

  /** The LFU counter after decay, what OBJECT FREQ reports. */
  public int frequency(int clock) {
    return decayed(clock);
  }

  /** Seconds since the last access, what OBJECT IDLETIME reports. */
  public long idleSeconds(int clock) {
    // Redis's estimateObjectIdleTime: the 24-bit clock may have wrapped since the access.
    int now = (int) (clockMillis.getAsLong() / 1000) & LRU_MASK;
    int then = clock & LRU_MASK;
    return now >= then ? now - then : now + (LRU_MASK + 1 - then);
  }

  /** A score where higher means a better eviction candidate. */
  public long evictionScore(int clock) {
    if (lfu) {
      return 255 - decayed(clock);
    }
    return idleSeconds(clock);
  }

  private int minutes() {
    return (int) ((clockMillis.getAsLong() / 60000) & 0xffff);
  }

  private int decayed(int clock) {
    int counter = clock & 0xff;
    int last = (clock >>> 8) & 0xffff;
    int now = minutes();
    int elapsed = now >= last ? now - last : 65535 - last + now;
    int periods = decayMinutes > 0 ? elapsed / decayMinutes : 0;
    return periods > counter ? 0 : counter - periods;
  }

  private int logIncrement(int counter) {
    if (counter == 255) {
      return 255;
    }
    double random = ThreadLocalRandom.current().nextDouble();
    double base = Math.max(0, counter - LFU_INIT);
    double probability = 1.0 / (base * logFactor + 1);
    return random < probability ? counter + 1 : counter;
  }
}
