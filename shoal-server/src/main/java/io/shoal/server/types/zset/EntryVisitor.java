package io.shoal.server.types.zset;

/** Receives sorted-set entries in the order a traversal produces them. */
@FunctionalInterface
public interface EntryVisitor {
  void visit(byte[] member, double score);
}
