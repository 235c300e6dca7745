package io.shoal.server.command.connection;

/** Version strings the node reports; clients gate features on the Redis version they see. */
public final class ServerInfo {
  /** The Redis version whose behaviour Shoal follows. */
  public static final String REDIS_VERSION = "7.2.4";
  public static final String SHOAL_VERSION = "0.1.0";

  private ServerInfo() {}
}
