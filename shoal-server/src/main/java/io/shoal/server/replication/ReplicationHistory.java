package io.shoal.server.replication;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * Which history of writes this node's data belongs to, as Redis's PSYNC2 names it: the current
 * replication id, and the previous one with the offset up to which both histories are the same
 * ({@code second_repl_offset}), so that replicas of the former master can continue partially after
 * a promotion while a forked history never does.
 */
final class ReplicationHistory {
  static final String NO_ID = "0000000000000000000000000000000000000000";

  private String replid;
  private String replid2 = NO_ID;
  private long secondOffset = -1;

  ReplicationHistory(RandomGenerator random) {
    this.replid = newId(random);
  }

  static String newId(RandomGenerator random) {
    byte[] id = new byte[20];
    random.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  /** Promotion: the old history stays valid up to {@code offset}, a new one starts. */
  synchronized void fork(RandomGenerator random, long offset) {
    replid2 = replid;
    secondOffset = offset + 1;
    replid = newId(random);
  }

  /** A full sync adopted the master's history. */
  synchronized void adopt(String id) {
    replid = id;
    replid2 = NO_ID;
    secondOffset = -1;
  }

  /** +CONTINUE with a new id: the master was promoted; our old id stays valid up to {@code offset}. */
  synchronized void follow(String id, long offset) {
    if (!id.equals(replid)) {
      replid2 = replid;
      secondOffset = offset + 1;
      replid = id;
    }
  }

  /** True when a replica at {@code id}/{@code offset} (the next byte it wants) shares our history there. */
  synchronized boolean continues(String id, long offset) {
    return id.equals(replid) || (id.equals(replid2) && offset <= secondOffset);
  }

  synchronized String replid() {
    return replid;
  }

  synchronized String replid2() {
    return replid2;
  }

  synchronized long secondOffset() {
    return secondOffset;
  }
}
