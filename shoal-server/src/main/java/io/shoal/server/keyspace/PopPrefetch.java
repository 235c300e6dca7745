package io.shoal.server.keyspace;

/**
 * A {@link MemberPrefetch} collection that commands pop from without naming the member: a sorted
 * set from either end (ZPOPMIN, ZPOPMAX), a set at random (SPOP). {@link KeyPrefetch} asks the
 * collection which place each pop of a pipelined batch will take and walks it as a named
 * member's. Same rules as {@link MemberPrefetch}: no lock, read once, bounded, never write, never
 * throw.
 */
public interface PopPrefetch extends MemberPrefetch {
  /** A pop of the lowest entry (ZPOPMIN). */
  int LOW = 1;
  /** A pop of the highest entry (ZPOPMAX). */
  int HIGH = 2;
  /** A pop of a random member (SPOP): see {@link RandomDraws}. */
  int RANDOM = 3;

  /**
   * For {@link #LOW} and {@link #HIGH}: the member-table hash of the entry {@code ordinal} places
   * in from that end (the batch's earlier pops take the ones before it), without reading the
   * member's bytes. For {@link #RANDOM}: a number drawn ahead from {@code draws} whose low bits
   * name the bucket the pop will start from, when the pop will use one (the hashtable encoding).
   * Any value when there is no such place: it then only loads a useless line. For a random pop
   * the stages load the bucket's first node, not a node with that hash.
   */
  int prefetchPopHash(int end, int ordinal, RandomDraws draws);
}
