package io.shoal.server.types;

import io.shoal.server.keyspace.MemberPrefetch;

/**
 * The member prefetch of a collection whose large encoding is a {@link BytesTable} (hashes and
 * sets): only that encoding is worth walking ahead, since a small encoding is one or two lines
 * the key's lookup has already loaded. {@link #prefetchTable} reads the value's table reference
 * once, so a conversion meanwhile only makes the hint useless.
 */
public interface TableMemberPrefetch extends MemberPrefetch {
  /** The value's table, or null while it has a small encoding; called without the slot's lock. */
  BytesTable prefetchTable();

  @Override
  default int prefetchHash(byte[] member) {
    return BytesTable.prefetchHash(member);
  }

  @Override
  default Object prefetchBucket(int hash) {
    BytesTable current = prefetchTable();
    return current == null ? null : current.prefetchBucket(hash);
  }

  @Override
  default Object prefetchNode(Object head, int hash) {
    return BytesTable.prefetchNode(head, hash);
  }

  @Override
  default int prefetchEntry(Object node) {
    return BytesTable.prefetchEntry(node);
  }
}
