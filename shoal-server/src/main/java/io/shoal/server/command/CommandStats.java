package io.shoal.server.command;

import java.util.concurrent.atomic.LongAdder;

/** Per-command counters for INFO commandstats; LongAdders because every I/O thread updates them. */
public final class CommandStats {
  final LongAdder calls = new LongAdder();
  final LongAdder micros = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder failed = new LongAdder();

  public long calls() {
    return calls.sum();
  }

  public long micros() {
    return micros.sum();
  }

  public long rejected() {
    return rejected.sum();
  }

  public long failed() {
    return failed.sum();
  }

  public void reset() {
    calls.reset();
    micros.reset();
    rejected.reset();
    failed.reset();
  }
}
