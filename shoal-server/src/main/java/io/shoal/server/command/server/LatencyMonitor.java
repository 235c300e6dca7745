package io.shoal.server.command.server;

import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.config.Setting;
import io.shoal.server.server.CommandListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Redis's latency monitor ({@code latency.c}): when {@code latency-monitor-threshold} is above 0,
 * a command taking at least that many milliseconds is recorded as a sample of the "command" event
 * (or "fast-command" for commands flagged fast). Each event keeps its last 160 samples, at most one
 * per second (the larger wins), and its all-time maximum.
 */
final class LatencyMonitor implements CommandListener {
  static final int HISTORY_SAMPLES = 160;

  record Sample(long unixSeconds, long millis) {}

  static final class Event {
    final Deque<Sample> samples = new ArrayDeque<>();
    long maxMillis;
  }

  private final Setting threshold;
  private final LongSupplier clockMillis;
  private final Map<String, Event> events = new TreeMap<>();

  LatencyMonitor(Setting threshold, LongSupplier clockMillis) {
    this.threshold = threshold;
    this.clockMillis = clockMillis;
  }

  @Override
  public void completed(ClientConnection client, CommandSpec spec, byte[][] args, long micros) {
    long limit = threshold.asLong();
    if (limit <= 0 || micros / 1000 < limit) {
      return;
    }
    record(spec.has(CommandFlag.FAST) ? "fast-command" : "command", micros / 1000);
  }

  synchronized void record(String name, long millis) {
    Event event = events.computeIfAbsent(name, n -> new Event());
    long now = clockMillis.getAsLong() / 1000;
    Sample last = event.samples.peekLast();
    if (last != null && last.unixSeconds() == now) {
      event.samples.pollLast();
      millis = Math.max(millis, last.millis());
    }
    event.samples.addLast(new Sample(now, millis));
    while (event.samples.size() > HISTORY_SAMPLES) {
      event.samples.pollFirst();
    }
    event.maxMillis = Math.max(event.maxMillis, millis);
  }

  /** name, latest sample and maximum of every event with samples, in name order. */
  synchronized List<Object[]> latest() {
    List<Object[]> result = new ArrayList<>();
    for (Map.Entry<String, Event> entry : events.entrySet()) {
      Sample last = entry.getValue().samples.peekLast();
      if (last != null) {
        result.add(new Object[] {entry.getKey(), last.unixSeconds(), last.millis(), entry.getValue().maxMillis});
      }
    }
    return result;
  }

  synchronized List<Sample> history(String name) {
    Event event = events.get(name);
    return event == null ? List.of() : new ArrayList<>(event.samples);
  }

  /** Drops the named events, or all of them; returns how many were dropped. */
  synchronized int reset(List<String> names) {
    if (names.isEmpty()) {
      int count = events.size();
      events.clear();
      return count;
    }
    int count = 0;
    for (String name : names) {
      if (events.remove(name) != null) {
        count++;
      }
    }
    return count;
  }
}
