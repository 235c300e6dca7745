package io.shoal.server.command;

/** Command flags as COMMAND INFO names them; they drive routing, OOM checks, MULTI and replication. */
public enum CommandFlag {
  WRITE, READONLY, DENYOOM, MODULE, ADMIN, PUBSUB, NOSCRIPT, BLOCKING, LOADING, STALE, SKIP_MONITOR,
  SKIP_SLOWLOG, ASKING, FAST, NO_AUTH, MAY_REPLICATE, NO_MULTI, MOVABLEKEYS, ALLOW_BUSY,
  NO_ASYNC_LOADING, NO_MANDATORY_KEYS, ALLOW_CROSS_SLOT;

  final int bit = 1 << ordinal();

  public String wireName() {
    return name().toLowerCase();
  }
}
