package io.shoal.server.keyspace;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Every value that is not a plain string. Strings are stored as bare {@code byte[]} to save the
 * object header Redis also saves with its embedded strings; everything else extends this class.
 *
 * <p>{@link #memoryBytes()} must be O(1): implementations keep a running estimate as they change,
 * so that memory accounting after each write costs nothing in the size of the collection.
 */
public abstract class CollectionValue {
  /** What the keyspace last counted for this value in used memory; owned by {@link Database}. */
  long accountedBytes;
  private static final VarHandle EPOCH;

  static {
    try {
      EPOCH = MethodHandles.lookup().findVarHandle(CollectionValue.class, "epoch", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * The {@link CopyOnWrite} epoch this value belongs to: the one it was created in, or the one of
   * the snapshot that has written it out and handed it back ({@link #handBack}). A snapshot that
   * shares the keyspace shares the values of earlier epochs, which a client then changes only
   * through a copy. Written after construction only by the thread of the snapshot holding the
   * value, with release; read with acquire ({@link #epoch()}).
   */
  @SuppressWarnings("unused") // through EPOCH
  private int epoch = CopyOnWrite.epoch();

  /**
   * The epoch this value belongs to. An acquire (a plain load on x86): a client that sees the
   * epoch a snapshot's thread handed the value back in also sees that thread done reading it, so
   * it may change the value in place.
   */
  final int epoch() {
    return (int) EPOCH.getAcquire(this);
  }

  /**
   * Hands the value back to the clients once the snapshot of {@code snapshotEpoch}, which shares
   * it, has read it for the last time: it belongs to that epoch from here on, so that snapshot no
   * longer shares it (a later one will). Called by that snapshot's thread only; the release orders
   * its reads of the value before a client's writes.
   */
  final void handBack(int snapshotEpoch) {
    if ((int) EPOCH.get(this) < snapshotEpoch) {
      EPOCH.setRelease(this, snapshotEpoch);
    }
  }

  public abstract ValueType type();

  /** The name OBJECT ENCODING reports: listpack, quicklist, intset, hashtable, skiplist... */
  public abstract String encoding();

  /** Estimated heap bytes held by this value, excluding the key. */
  public abstract long memoryBytes();

  /** Number of elements, used for empty-key removal and lazy-free decisions. */
  public abstract long length();

  /**
   * A copy for COPY and snapshots: values are mutable, so the copy has its own structure, and no
   * write to either side shows on the other. The byte strings inside (members, fields, values,
   * elements) are shared, not cloned: like stored strings, they are never changed in place, every
   * change stores a new array. Copies are structural (arrays cloned, chains and trees copied node
   * by node as they are), never rebuilt element by element, since a snapshot makes them under
   * every slot lock (docs/performance.md, ninth round).
   */
  public abstract CollectionValue copy();
}
