package io.shoal.server.keyspace;

/**
 * A collection whose members live in a hashed table that {@link KeyPrefetch} can walk ahead of
 * the requests that look a member up (HSET's field, SADD's member...): on a collection larger than
 * the cache, each lookup is a chain of dependent misses (the bucket's slot, the node, the member's
 * bytes), and walking that chain for the members of a whole pipelined batch, stage by stage,
 * makes the misses of different requests overlap.
 *
 * <p>Every method runs WITHOUT the slot's lock, while another thread may change, resize or
 * convert the collection: an implementation reads each field once into a local, indexes arrays
 * against their own length, checks for null, walks a bounded number of steps and never writes.
 * Whatever it sees, it must not throw or loop; a wrong answer only loads useless lines, because
 * what it returns is only passed back to the next stage and then dropped. Objects returned by one
 * stage are handed to the next stage of the same value only.
 */
public interface MemberPrefetch {
  /** The table's hash of a member (no memory miss: the member was just parsed). */
  int prefetchHash(byte[] member);

  /** Loads the slot of the member's bucket and returns what it holds (the chain's head), or null. */
  Object prefetchBucket(int hash);

  /** Walks a few steps of the chain from {@code head} and returns the node whose hash matches, or null. */
  Object prefetchNode(Object head, int hash);

  /** Loads what the lookup will read of a node returned by {@link #prefetchNode} (its member's bytes, its value's header); returns a value that depends on them. */
  int prefetchEntry(Object node);
}
