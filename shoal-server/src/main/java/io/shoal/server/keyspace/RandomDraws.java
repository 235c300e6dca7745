package io.shoal.server.keyspace;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Random numbers drawn ahead for the random pops (SPOP) of one connection's pipelined batch: the
 * connection's prefetch draws one per pop and loads the bucket its low bits name, and each pop
 * then starts its search for a non-empty bucket from the next number drawn ahead instead of a
 * fresh one, so that bucket is in the cache.
 *
 * <p>Fairness is that of fresh draws: every number is a uniform draw from the thread's generator,
 * made before the pop and independent of the set's contents, and each is used at most once
 * (numbers left over when the next batch is prefetched are dropped). Which pop takes which number
 * therefore does not matter: a pop that is not the one a number was drawn for (a batch cut short,
 * a set that changed encoding) only finds its bucket not loaded. A pop with no number left draws
 * its own. One instance per connection, used only on its I/O thread.
 */
public final class RandomDraws {
  private final int[] ahead = new int[KeyPrefetch.MAX_KEYS];
  private int next;
  private int count;

  /** Draws a number for a pop to come and returns it (not kept when the batch's room is full). */
  public int drawAhead() {
    int draw = ThreadLocalRandom.current().nextInt();
    if (count < ahead.length) {
      ahead[count++] = draw;
    }
    return draw;
  }

  /** The next number drawn ahead, or a fresh draw when none is left: uniform over all ints. */
  public int next() {
    int at = next;
    if (at < count && at < ahead.length) {
      next = at + 1;
      return ahead[at];
    }
    return ThreadLocalRandom.current().nextInt();
  }

  /** Drops the numbers no pop has used. */
  public void clear() {
    next = 0;
    count = 0;
  }

  /** Numbers drawn ahead and not used yet, for tests. */
  int pending() {
    return count - next;
  }
}
