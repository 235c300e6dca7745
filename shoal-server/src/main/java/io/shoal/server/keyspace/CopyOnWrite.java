package io.shoal.server.keyspace;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The epochs that let a snapshot share the keyspace's collections instead of copying them under
 * every slot lock, as a forked Redis shares its pages: the snapshot takes references, and a
 * collection is copied the first time a client reaches it while the snapshot is still being
 * written (see {@link Keyspace#share}).
 *
 * <p>Every collection records the epoch it was created in ({@link CollectionValue#createdIn}); a
 * sharing snapshot starts a new epoch while it holds every slot lock. So the collections it took
 * are exactly those created in an earlier epoch: a collection created later (a new key, or the
 * copy that replaced a shared one) is the clients' own, without a mark to set on the thousands of
 * values a snapshot takes or to clear when it is done. One counter serves every keyspace of the
 * process: a keyspace without a sharing snapshot compares with {@link Integer#MIN_VALUE}, and a
 * collection built without a lock just before an epoch starts is at worst copied once for
 * nothing, never shared by mistake (it reaches the keyspace under a slot lock, so after the
 * snapshot if it read the new epoch).
 */
public final class CopyOnWrite {
  private static final AtomicInteger EPOCH = new AtomicInteger();

  private CopyOnWrite() {}

  /** The epoch collections created now belong to. */
  static int epoch() {
    return EPOCH.get();
  }

  /** Starts a new epoch; what was created before it belongs to the snapshot starting it. */
  static int nextEpoch() {
    return EPOCH.incrementAndGet();
  }
}
