package io.shoal.server.types.zset;

import io.shoal.server.types.hyperloglog.MurmurHash64A;
import java.util.Arrays;

/**
 * The member-to-score half of a large sorted set: a chained hash table with power-of-two buckets,
 * written out rather than a {@code HashMap<MemberKey, Double>} for two reasons. It saves the key
 * wrapper and the boxed score per member, and it can be scanned with Redis's dictScan cursor:
 * buckets are visited in reverse-binary order of their index, so a ZSCAN that runs while the table
 * grows or shrinks still returns every member that was present for the whole scan (possibly some
 * twice after a shrink), which a rank cursor over the skip list could not promise.
 *
 * <p>Members hash with MurmurHash64A under a per-table seed, so colliding members cannot be
 * precomputed the way they can for {@code Arrays.hashCode}.
 */
final class MemberTable {
  private static final int MIN_BUCKETS = 16;

  static final class Entry {
    final byte[] member;
    final long hash;
    double score;
    Entry next;

    Entry(byte[] member, long hash, double score, Entry next) {
      this.member = member;
      this.hash = hash;
      this.score = score;
      this.next = next;
    }
  }

  private final long seed;
  private Entry[] buckets = new Entry[MIN_BUCKETS];
  private int size;

  MemberTable(long seed) {
    this.seed = seed;
  }

  int size() {
    return size;
  }

  private long hash(byte[] member) {
    return MurmurHash64A.hash(member, seed);
  }

  private Entry find(byte[] member) {
    long hash = hash(member);
    for (Entry entry = buckets[(int) hash & (buckets.length - 1)]; entry != null; entry = entry.next) {
      if (entry.hash == hash && Arrays.equals(entry.member, member)) {
        return entry;
      }
    }
    return null;
  }

  /** The score of a member, or null. */
  Double get(byte[] member) {
    Entry entry = find(member);
    return entry == null ? null : entry.score;
  }

  /** Sets a member's score, adding the member if absent. */
  void put(byte[] member, double score) {
    Entry entry = find(member);
    if (entry != null) {
      entry.score = score;
      return;
    }
    long hash = hash(member);
    int index = (int) hash & (buckets.length - 1);
    buckets[index] = new Entry(member, hash, score, buckets[index]);
    size++;
    if (size > buckets.length) {
      resize(buckets.length * 2);
    }
  }

  /** Removes a member, returning its score, or null if it was absent. */
  Double remove(byte[] member) {
    long hash = hash(member);
    int index = (int) hash & (buckets.length - 1);
    Entry previous = null;
    for (Entry entry = buckets[index]; entry != null; previous = entry, entry = entry.next) {
      if (entry.hash == hash && Arrays.equals(entry.member, member)) {
        if (previous == null) {
          buckets[index] = entry.next;
        } else {
          previous.next = entry.next;
        }
        size--;
        if (buckets.length > MIN_BUCKETS && size < buckets.length / 8) {
          resize(buckets.length / 2);
        }
        return entry.score;
      }
    }
    return null;
  }

  private void resize(int capacity) {
    Entry[] next = new Entry[capacity];
    for (Entry head : buckets) {
      Entry entry = head;
      while (entry != null) {
        Entry following = entry.next;
        int index = (int) entry.hash & (capacity - 1);
        entry.next = next[index];
        next[index] = entry;
        entry = following;
      }
    }
    buckets = next;
  }

  /**
   * Visits one bucket at {@code cursor} and returns the next cursor, 0 when the scan is complete
   * (Redis's dictScan: increment the cursor's reversed bits under the current mask).
   */
  long scan(long cursor, EntryVisitor visitor) {
    long mask = buckets.length - 1;
    for (Entry entry = buckets[(int) (cursor & mask)]; entry != null; entry = entry.next) {
      visitor.visit(entry.member, entry.score);
    }
    cursor |= ~mask;
    cursor = Long.reverse(cursor);
    cursor++;
    return Long.reverse(cursor);
  }

  int bucketCount() {
    return buckets.length;
  }
}
