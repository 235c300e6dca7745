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
   * else {@link Integer#MIN_VALUE}: a collection of an earlier epoch is the snapshot's, and clients
   * that may change it reach it only through a copy ({@link Database#get(byte[], int)}). Volatile:
   * the snapshot's thread ends the sharing without the locks, and a client that still sees it
   * only copies once for nothing.
   */
  private volatile int sharedEpoch = Integer.MIN_VALUE;
  /** Collections clients copied because a snapshot shared them, since the last {@link #share}. */
  private final AtomicLong collectionsCopied = new AtomicLong();

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
   * (that one must then copy: one epoch at a time says what is shared, and the collections the
   * first snapshot has handed back are no longer the second one's to share).
   */
  public int share() {
    if (sharedEpoch != Integer.MIN_VALUE) {
      return 0;
    }
    int epoch = CopyOnWrite.nextEpoch();
    collectionsCopied.set(0);
    sharedEpoch = epoch;
    return epoch;
  }

  /** True while a snapshot shares this keyspace's collections. */
  public boolean sharing() {
    return sharedEpoch != Integer.MIN_VALUE;
  }

  /**
   * Hands a collection the snapshot of {@code epoch} has written out back to the clients (see
   * {@link CollectionValue#handBack}); the caller is that snapshot's thread, done reading it.
   * Harmless for a collection a client has already replaced with a copy (no key holds it now),
   * and after the sharing ended (a later snapshot's epoch is higher: it still shares it).
   */
  public void handBack(Object value, int epoch) {
    if (epoch != 0 && value instanceof CollectionValue collection) {
      collection.handBack(epoch);
    }
  }

  /**
   * The collections clients copied because the current (or last) sharing snapshot held them:
   * what is left of the copy the snapshot did not make, paid on the clients' threads.
   */
  public long collectionsCopied() {
    return collectionsCopied.get();
  }

  void countCopy() {
    collectionsCopied.incrementAndGet();
  }

  /** Ends the sharing {@link #share} started: the snapshot has written everything it took. */
  public void endSharing(int epoch) {
    if (epoch != 0 && sharedEpoch == epoch) {
      sharedEpoch = Integer.MIN_VALUE;
    }
  }

  /**
   * True if a snapshot being written out holds this collection: a client that may change it must
   * copy it first. One compare for a collection of the current epoch, the usual case.
   */
  boolean shared(CollectionValue value) {
    return value.epoch() < sharedEpoch;
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
