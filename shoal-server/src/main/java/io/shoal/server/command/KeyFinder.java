package io.shoal.server.command;

/**
 * Key positions of a command whose keys cannot be described by first/last/step alone
 * (ZUNIONSTORE's numkeys, LMPOP, SORT ... STORE): returns the argument indexes of its keys.
 * Must never throw: a malformed request yields the keys it can find and the command reports
 * the error itself.
 */
@FunctionalInterface
public interface KeyFinder {
  int[] find(byte[][] args);
}
