package io.shoal.server.keyspace;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * All databases of a node, the slot locks that guard them, the clock expiry reads, and the
 * used-memory estimate that maxmemory is checked against.
 */
public final class Keyspace {
  private final Database[] databases;
  private final SlotLocks locks;
  private final LongSupplier clock;
  private final LongAdder usedBytes = new LongAdder();
  private final AtomicLong expiredKeys = new AtomicLong();
  private volatile KeyEvents events = KeyEvents.NONE;
  private volatile AccessClock eviction;
  private volatile boolean expiryEnabled = true;
  /**
   * The epoch of the snapshot that shares this keyspace's collections while it is written out,
   * else {@link Integer#MIN_VALUE}: a collection created before it is the snapshot's, and clients
   * reach it only through a copy ({@link Database#get(byte[], int)}). Volatile: the snapshot's
   * thread ends the sharing without the locks, and a client that still sees it only copies once
   * for nothing.
   */
  private volatile int sharedEpoch = Integer.MIN_VALUE;

  public Keyspace(int databaseCount, int lockStripes, LongSupplier clockMillis) {
    this.databases = new Database[databaseCount];
    for (int i = 0; i < databaseCount; i++) {
      databases[i] = new Database(i, this);
    }
    this.locks = new SlotLocks(lockStripes);
    this.clock = clockMillis;
    this.eviction = new AccessClock(clockMillis, false, 10, 1);
  }

  public Database db(int index) {
    return databases[index];
  }

  public int databaseCount() {
    return databases.length;
  }

  public SlotLocks locks() {
    return locks;
  }

  public long nowMillis() {
    return clock.getAsLong();
  }

  public LongSupplier clock() {
    return clock;
  }

  public KeyEvents events() {
    return events;
  }

  public void events(KeyEvents events) {
    this.events = events;
  }

  public AccessClock eviction() {
    return eviction;
  }

  public void eviction(AccessClock clock) {
    this.eviction = clock;
  }

  /** Replicas do not expire keys on their own: their master sends the deletes (as Redis does). */
  public boolean expiryEnabled() {
    return expiryEnabled;
  }

  public void expiryEnabled(boolean enabled) {
    this.expiryEnabled = enabled;
  }

  void account(long deltaBytes) {
    if (deltaBytes != 0) {
      usedBytes.add(deltaBytes);
    }
  }

  public long usedBytes() {
    return usedBytes.sum();
  }

  public void countExpired() {
    expiredKeys.incrementAndGet();
  }

  public long expiredKeys() {
    return expiredKeys.get();
  }

  public long totalKeys() {
    long total = 0;
    for (Database db : databases) {
      total += db.size();
    }
    return total;
  }

  /**
   * Starts sharing the collections that exist now with a snapshot, which the caller takes while
   * it holds every lock; returns the snapshot's epoch, or 0 if another snapshot still shares them
   * (that one must then copy: two snapshot writers must not walk one sorted set at once, its
   * tree's search path is scratch space).
   */
  public int share() {
    if (sharedEpoch != Integer.MIN_VALUE) {
      return 0;
    }
    int epoch = CopyOnWrite.nextEpoch();
    sharedEpoch = epoch;
    return epoch;
  }

  /** Ends the sharing {@link #share} started: the snapshot has written everything it took. */
  public void endSharing(int epoch) {
    if (epoch != 0 && sharedEpoch == epoch) {
      sharedEpoch = Integer.MIN_VALUE;
    }
  }

  /** True if a snapshot being written out holds this collection: a client must copy it first. */
  boolean shared(CollectionValue value) {
    return value.createdIn < sharedEpoch;
  }

  /** FLUSHALL / FLUSHDB: the caller must hold every lock. */
  public void flush(int db) {
    databases[db].clear();
  }

  public void flushAll() {
    for (Database db : databases) {
      db.clear();
    }
  }

  /** SWAPDB: the caller must hold every lock. */
  public void swap(int first, int second) {
    databases[first].swapWith(databases[second]);
  }
}
