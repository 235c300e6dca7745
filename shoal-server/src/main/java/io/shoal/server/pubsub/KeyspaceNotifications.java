package io.shoal.server.pubsub;

import java.nio.charset.StandardCharsets;

/**
 * Keyspace notifications ({@code notify-keyspace-events}): for each enabled event class, a
 * publish on {@code __keyspace@<db>__:<key>} (K) and/or {@code __keyevent@<db>__:<event>} (E).
 * The class letters are Redis's: g generic, $ string, l list, s set, h hash, z zset, x expired,
 * e evicted, t stream, m key-miss, n new key, A alias for "g$lshzxet".
 */
public final class KeyspaceNotifications {
  /** Delivers a message to subscribers; set by the pub/sub hub. */
  public interface Publisher {
    void publish(byte[] channel, byte[] message);
  }

  private volatile String classes = "";
  private volatile boolean keyspace;
  private volatile boolean keyevent;
  private volatile Publisher publisher = (channel, message) -> {};

  public void publisher(Publisher value) {
    this.publisher = value;
  }

  /** Parses a flag string; returns false if it holds an unknown letter. */
  public static boolean valid(String flags) {
    for (char c : flags.toCharArray()) {
      if ("g$lshzxetmnAKE".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  public void configure(String flags) {
    StringBuilder enabled = new StringBuilder();
    boolean space = false;
    boolean event = false;
    for (char c : flags.toCharArray()) {
      switch (c) {
        case 'A': enabled.append("g$lshzxet"); break;
        case 'K': space = true; break;
        case 'E': event = true; break;
        default: enabled.append(c); break;
      }
    }
    this.classes = enabled.toString();
    this.keyspace = space;
    this.keyevent = event;
  }

  public boolean enabled(char eventClass) {
    return (keyspace || keyevent) && classes.indexOf(eventClass) >= 0;
  }

  public void notify(char eventClass, String event, byte[] key, int db) {
    if (!enabled(eventClass)) {
      return;
    }
    byte[] eventBytes = event.getBytes(StandardCharsets.US_ASCII);
    if (keyspace) {
      publisher.publish(concat(("__keyspace@" + db + "__:").getBytes(StandardCharsets.US_ASCII), key), eventBytes);
    }
    if (keyevent) {
      publisher.publish(("__keyevent@" + db + "__:" + event).getBytes(StandardCharsets.US_ASCII), key);
    }
  }

  private static byte[] concat(byte[] prefix, byte[] key) {
    byte[] result = new byte[prefix.length + key.length];
    System.arraycopy(prefix, 0, result, 0, prefix.length);
    System.arraycopy(key, 0, result, prefix.length, key.length);
    return result;
  }
}
