package io.shoal.server.transaction;

/**
 * One WATCH of one client. {@code liveAtWatch} remembers that the key existed and had not expired
 * when it was watched: if it has logically expired by EXEC, the transaction aborts, as Redis 7's
 * {@code isWatchedKeyExpired} does, even when nothing deleted it yet.
 */
public record Watch(WatchedKey key, boolean liveAtWatch) {}
