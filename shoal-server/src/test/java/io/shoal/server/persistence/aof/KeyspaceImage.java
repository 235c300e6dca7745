package io.shoal.server.persistence.aof;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.Tuple;

/**
 * Everything a node holds in some databases, read through the protocol with type-specific reads
 * (never DUMP, whose bytes may differ for equal data): type, value and absolute expiry time.
 */
record KeyspaceImage(Map<String, Entry> entries) {
  record Entry(String type, Object value, long expireAtMillis) {}

  static KeyspaceImage read(Jedis jedis, int... dbs) {
    Map<String, Entry> entries = new TreeMap<>();
    for (int db : dbs) {
      jedis.select(db);
      for (String key : new TreeSet<>(jedis.keys("*"))) {
        String type = jedis.type(key);
        Object value = switch (type) {
          case "string" -> jedis.get(key);
          case "list" -> jedis.lrange(key, 0, -1);
          case "set" -> new TreeSet<>(jedis.smembers(key));
          case "hash" -> new TreeMap<>(jedis.hgetAll(key));
          case "zset" -> {
            List<String> pairs = new ArrayList<>();
            for (Tuple tuple : jedis.zrangeWithScores(key, 0, -1)) {
              pairs.add(tuple.getElement() + "=" + tuple.getScore());
            }
            yield pairs;
          }
          case "none" -> null;
          default -> throw new AssertionError("unexpected type " + type + " of " + key);
        };
        if (value == null) {
          continue; // expired between KEYS and the read
        }
        long expireAt = (Long) jedis.sendCommand(() -> "PEXPIRETIME".getBytes(), key);
        entries.put(db + ":" + key, new Entry(type, value, expireAt));
      }
    }
    jedis.select(0);
    return new KeyspaceImage(entries);
  }

  /** The image without the keys that expire before {@code millis}: they may be gone on reload. */
  KeyspaceImage withoutKeysExpiringBefore(long millis) {
    Map<String, Entry> kept = new TreeMap<>();
    entries.forEach((key, entry) -> {
      if (entry.expireAtMillis() < 0 || entry.expireAtMillis() >= millis) {
        kept.put(key, entry);
      }
    });
    return new KeyspaceImage(kept);
  }
}
