package io.shoal.server.keyspace;

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
  /**
   * The {@link CopyOnWrite} epoch this value was created in: a snapshot that shares the keyspace
   * shares the values created before its own epoch, which a client then reaches only through a copy.
   */
  final int createdIn = CopyOnWrite.epoch();

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
