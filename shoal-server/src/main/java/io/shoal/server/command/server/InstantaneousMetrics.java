package io.shoal.server.command.server;

import io.shoal.server.ShoalServer;

/**
 * instantaneous_ops_per_sec and the kbps figures of INFO stats: like Redis's
 * {@code trackInstantaneousMetric}, a ring of 16 samples taken every 100 ms, averaged. Also
 * tracks the peak of used memory for used_memory_peak.
 */
final class InstantaneousMetrics {
  static final long SAMPLE_INTERVAL_MILLIS = 100;
  private static final int SAMPLES = 16;

  private final ShoalServer server;
  private final long[][] rates = new long[3][SAMPLES];
  private final long[] last = new long[3];
  private long lastMillis;
  private int index;
  private volatile long peakMemoryBytes;

  InstantaneousMetrics(ShoalServer server) {
    this.server = server;
  }

  synchronized void sample() {
    long now = System.nanoTime() / 1_000_000;
    long[] current = {
        server.stats().commandsProcessed.sum(),
        server.stats().netInputBytes.sum(),
        server.stats().netOutputBytes.sum()};
    if (lastMillis != 0) {
      long elapsed = Math.max(1, now - lastMillis);
      for (int i = 0; i < current.length; i++) {
        rates[i][index] = Math.max(0, (current[i] - last[i]) * 1000 / elapsed);
      }
      index = (index + 1) % SAMPLES;
    }
    System.arraycopy(current, 0, last, 0, current.length);
    lastMillis = now;
    peak(server.keyspace().usedBytes());
  }

  void peak(long usedBytes) {
    if (usedBytes > peakMemoryBytes) {
      peakMemoryBytes = usedBytes;
    }
  }

  long peakMemoryBytes() {
    return peakMemoryBytes;
  }

  synchronized long opsPerSecond() {
    return average(0);
  }

  synchronized double inputKbps() {
    return average(1) / 1024.0;
  }

  synchronized double outputKbps() {
    return average(2) / 1024.0;
  }

  private long average(int metric) {
    long sum = 0;
    for (long value : rates[metric]) {
      sum += value;
    }
    return sum / SAMPLES;
  }
}
