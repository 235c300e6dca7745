package io.shoal.server.keyspace;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The epochs that let a snapshot share the keyspace's collections instead of copying them under
 * every slot lock, as a forked Redis shares its pages: the snapshot takes references, and a
 * collection is copied the first time a client that may change it reaches it while the snapshot
 * still holds it (see {@link Keyspace#share}).
 *
 * <p>Every collection records the epoch it belongs to ({@link CollectionValue#epoch()}); a
 * sharing snapshot starts a new epoch while it holds every slot lock. So the collections it took
 * are exactly those of an earlier epoch: a collection created later (a new key, or the copy that
 * replaced a shared one) is the clients' own, without a mark to set on the thousands of values a
 * snapshot takes or to clear when it is done. One counter serves every keyspace of the process: a
 * keyspace without a sharing snapshot compares with {@link Integer#MIN_VALUE}, and a collection
 * built without a lock just before an epoch starts is at worst copied once for nothing, never
 * shared by mistake (it reaches the keyspace under a slot lock, so after the snapshot if it read
 * the new epoch).
 *
 * <p>Two things end the sharing of a collection before the whole snapshot is released. The
 * snapshot's thread hands each collection back once it has written it out
 * ({@link CollectionValue#handBack}): it moves the collection into the snapshot's own epoch, so a
 * later write changes it in place. And a read-only command reads a shared collection where it is,
 * without a copy ({@link #readOnly}): reads of a collection write nothing in it (a sorted set's
 * search path belongs to its writes), so the snapshot's thread and any number of readers can walk
 * it at once, as the snapshot's thread already walks it while a client copies it.
 */
public final class CopyOnWrite {
  private static final AtomicInteger EPOCH = new AtomicInteger();
  /**
   * True on a thread while it runs a read-only command that started while a snapshot shared the
   * keyspace. False is the default, and the safe side: whatever does not say it only reads (a
   * write, a transaction's EXEC, a blocked command served later, a replicated command, a load)
   * copies a shared collection before it reaches it.
   */
  private static final ThreadLocal<Boolean> READ_ONLY = ThreadLocal.withInitial(() -> Boolean.FALSE);

  private CopyOnWrite() {}

  /** The epoch collections created now belong to. */
  static int epoch() {
    return EPOCH.get();
  }

  /** Starts a new epoch; what was created before it belongs to the snapshot starting it. */
  static int nextEpoch() {
    return EPOCH.incrementAndGet();
  }

  /**
   * Declares whether the command this thread runs from now on only reads, so that it may reach a
   * shared collection without copying it; returns what was declared before, which the caller
   * restores in a {@code finally} ({@link #restore}). Only a command whose specification is
   * read-only may declare true: one that changed a collection it reached this way would change
   * the snapshot's.
   */
  public static boolean readOnly(boolean readOnly) {
    Boolean before = READ_ONLY.get();
    READ_ONLY.set(readOnly);
    return before;
  }

  /** Restores what {@link #readOnly} returned. */
  public static void restore(boolean before) {
    READ_ONLY.set(before);
  }

  /** True if the command this thread runs only reads (see {@link #readOnly}). */
  static boolean readingOnly() {
    return READ_ONLY.get();
  }
}
