package io.shoal.server.pubsub;

import io.shoal.server.config.MemoryUnits;
import io.shoal.server.resp.ShoalError;
import java.util.Locale;

/**
 * {@code client-output-buffer-limit}: per client class, a hard limit in bytes (close at once) and
 * a soft limit with a number of seconds (close once the buffer stayed over it that long). Zero
 * disables a limit. Redis's default is kept, and a CONFIG SET naming only some classes leaves the
 * others as they were, as in Redis's {@code updateClientOutputBufferLimit}.
 */
public record OutputBufferLimits(Limit normal, Limit replica, Limit pubsub) {
  public static final String DEFAULT = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

  /** One class's limits; zero means none. */
  public record Limit(long hardBytes, long softBytes, long softSeconds) {
    public boolean unlimited() {
      return hardBytes == 0 && softBytes == 0;
    }

    @Override
    public String toString() {
      return hardBytes + " " + softBytes + " " + softSeconds;
    }
  }

  public static OutputBufferLimits defaults() {
    return parse(DEFAULT, null);
  }

  /** Parses "class hard soft seconds ..." onto {@code base} (null for none). */
  public static OutputBufferLimits parse(String text, OutputBufferLimits base) {
    String[] words = text.trim().isEmpty() ? new String[0] : text.trim().split("\\s+");
    if (words.length % 4 != 0) {
      throw ShoalError.err("Wrong number of arguments in buffer limit configuration.");
    }
    Limit normal = base == null ? new Limit(0, 0, 0) : base.normal;
    Limit replica = base == null ? new Limit(0, 0, 0) : base.replica;
    Limit pubsub = base == null ? new Limit(0, 0, 0) : base.pubsub;
    for (int i = 0; i < words.length; i += 4) {
      long hard = MemoryUnits.parse(words[i + 1]);
      long soft = MemoryUnits.parse(words[i + 2]);
      long seconds;
      try {
        seconds = Long.parseLong(words[i + 3]);
      } catch (NumberFormatException e) {
        seconds = -1;
      }
      if (hard < 0 || soft < 0 || seconds < 0) {
        throw ShoalError.err("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
      }
      Limit limit = new Limit(hard, soft, seconds);
      switch (words[i].toLowerCase(Locale.ROOT)) {
        case "normal": normal = limit; break;
        case "slave": case "replica": replica = limit; break;
        case "pubsub": pubsub = limit; break;
        default: throw ShoalError.err("Invalid client class specified in buffer limit configuration.");
      }
    }
    return new OutputBufferLimits(normal, replica, pubsub);
  }

  /** The text CONFIG GET shows, in Redis's order and words. */
  public String text() {
    return "normal " + normal + " slave " + replica + " pubsub " + pubsub;
  }
}
