package io.shoal.server.keyspace;

/**
 * What the keyspace reports on its own, outside any command: keys removed by expiry or eviction.
 * The server turns these into keyspace notifications, WATCH invalidation and statistics.
 */
public interface KeyEvents {
  void expired(int db, byte[] key);

  void evicted(int db, byte[] key);

  KeyEvents NONE = new KeyEvents() {
    @Override
    public void expired(int db, byte[] key) {}

    @Override
    public void evicted(int db, byte[] key) {}
  };
}
