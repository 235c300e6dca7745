package io.shoal.server.keyspace;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Locks striped by hash slot: the execution model that lets commands run on the I/O thread that
 * read them while staying atomic. A single-key command takes one stripe; a multi-key command takes
 * its stripes in ascending order (so two of them can never deadlock); commands that touch the whole
 * keyspace (FLUSHALL, SWAPDB, EXEC of unknown keys) take every stripe, in order.
 *
 * <p>Stripes are shared by all databases: slot s of every database is behind stripe s mod N, which
 * is what SWAPDB and MOVE need to stay atomic without a second lock order.
 */
public final class SlotLocks {
  private final ReentrantLock[] stripes;
  private final int mask;

  public SlotLocks(int stripeCount) {
    if (Integer.bitCount(stripeCount) != 1) {
      throw new IllegalArgumentException("stripe count must be a power of two: " + stripeCount);
    }
    stripes = new ReentrantLock[stripeCount];
    for (int i = 0; i < stripeCount; i++) {
      stripes[i] = new ReentrantLock();
    }
    mask = stripeCount - 1;
  }

  public int stripeOf(int slot) {
    return slot & mask;
  }

  public void lockSlot(int slot) {
    stripes[slot & mask].lock();
  }

  public void unlockSlot(int slot) {
    stripes[slot & mask].unlock();
  }

  public boolean heldByCurrentThread(int slot) {
    return stripes[slot & mask].isHeldByCurrentThread();
  }

  /** Maps slots to distinct stripes in ascending order, the only order in which they may be taken. */
  public int[] stripesOf(int[] slots, int count) {
    int[] result = new int[count];
    for (int i = 0; i < count; i++) {
      result[i] = slots[i] & mask;
    }
    Arrays.sort(result);
    int distinct = 0;
    for (int i = 0; i < count; i++) {
      if (distinct == 0 || result[distinct - 1] != result[i]) {
        result[distinct++] = result[i];
      }
    }
    return distinct == count ? result : Arrays.copyOf(result, distinct);
  }

  public void lockStripes(int[] sortedStripes) {
    for (int stripe : sortedStripes) {
      stripes[stripe].lock();
    }
  }

  public void unlockStripes(int[] sortedStripes) {
    for (int i = sortedStripes.length - 1; i >= 0; i--) {
      stripes[sortedStripes[i]].unlock();
    }
  }

  public void lockAll() {
    for (ReentrantLock stripe : stripes) {
      stripe.lock();
    }
  }

  public void unlockAll() {
    for (int i = stripes.length - 1; i >= 0; i--) {
      stripes[i].unlock();
    }
  }
}
