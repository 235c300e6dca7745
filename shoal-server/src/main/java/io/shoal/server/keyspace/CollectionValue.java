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

  public abstract ValueType type();

  /** The name OBJECT ENCODING reports: listpack, quicklist, intset, hashtable, skiplist... */
  public abstract String encoding();

  /** Estimated heap bytes held by this value, excluding the key. */
  public abstract long memoryBytes();

  /** Number of elements, used for empty-key removal and lazy-free decisions. */
  public abstract long length();

  /** A deep copy (COPY, SWAPDB-free snapshots); values are mutable, so sharing is never safe. */
  public abstract CollectionValue copy();
}
