package io.shoal.server.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * SLOWLOG: the most recent commands that took longer than {@code slowlog-log-slower-than}
 * microseconds, at most {@code slowlog-max-len} of them, newest first. Arguments are trimmed as
 * Redis trims them (32 arguments, 128 bytes each) so a huge command cannot pin memory here.
 */
public final class SlowLog {
  public static final int MAX_ARGS = 32;
  public static final int MAX_ARG_BYTES = 128;

  public record Entry(long id, long unixSeconds, long micros, List<byte[]> args, String peer, String clientName) {}

  private final Deque<Entry> entries = new ArrayDeque<>();
  private long nextId;

  public synchronized void add(long unixSeconds, long micros, byte[][] args, String peer, String clientName, int maxLength) {
    List<byte[]> kept = new ArrayList<>();
    int count = Math.min(args.length, MAX_ARGS);
    for (int i = 0; i < count; i++) {
      if (i == MAX_ARGS - 1 && args.length > MAX_ARGS) {
        kept.add(("... (" + (args.length - MAX_ARGS + 1) + " more arguments)").getBytes());
        break;
      }
      byte[] arg = args[i];
      if (arg.length > MAX_ARG_BYTES) {
        String more = "... (" + (arg.length - MAX_ARG_BYTES) + " more bytes)";
        byte[] trimmed = new byte[MAX_ARG_BYTES + more.length()];
        System.arraycopy(arg, 0, trimmed, 0, MAX_ARG_BYTES);
        System.arraycopy(more.getBytes(), 0, trimmed, MAX_ARG_BYTES, more.length());
        arg = trimmed;
      }
      kept.add(arg);
    }
    entries.addFirst(new Entry(nextId++, unixSeconds, micros, kept, peer, clientName));
    trim(maxLength);
  }

  public synchronized void trim(int maxLength) {
    while (entries.size() > Math.max(0, maxLength)) {
      entries.removeLast();
    }
  }

  public synchronized List<Entry> latest(int count) {
    List<Entry> result = new ArrayList<>();
    for (Entry entry : entries) {
      if (count >= 0 && result.size() >= count) {
        break;
      }
      result.add(entry);
    }
    return result;
  }

  public synchronized int size() {
    return entries.size();
  }

  public synchronized void reset() {
    entries.clear();
  }
}
