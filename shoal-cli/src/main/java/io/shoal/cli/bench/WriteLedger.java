package io.shoal.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The client-side record of every acknowledged write, and the check that none of them went missing.
 *
 * <p>Writers give each key a rising sequence of values (numbers). Only a write the server answered
 * OK is recorded, with {@link #acknowledged}; a write that failed or timed out is not, because it
 * may or may not have happened. After the cluster healed, {@link #verify} reads every recorded key
 * back: a key whose value is missing or lower than its last acknowledged value lost an
 * acknowledged write. A value higher than the last acknowledged one is fine (an unacknowledged
 * write that did happen).
 *
 * <p>The failover probe writes each key once (key {@code fo:<n>}, value n), so there a lost key is
 * exactly one lost write; tests that overwrite keys count lost keys the same way.
 */
public final class WriteLedger {
  private final Map<String, Long> lastAcknowledged = new ConcurrentHashMap<>();
  private final LongAdder acknowledged = new LongAdder();

  /** Records that SET key value answered OK. Values of one key must rise; the highest one counts. */
  public void acknowledged(String key, long value) {
    lastAcknowledged.merge(key, value, Math::max);
    acknowledged.increment();
  }

  /** Acknowledged writes so far. */
  public long acknowledgedWrites() {
    return acknowledged.sum();
  }

  /** Distinct keys with an acknowledged write. */
  public int keys() {
    return lastAcknowledged.size();
  }

  /** The outcome of reading everything back. {@code examples} holds up to 10 lost keys. */
  public record Verdict(long keysChecked, long lost, List<String> examples) {
    public boolean nothingLost() {
      return lost == 0;
    }

    @Override
    public String toString() {
      return keysChecked + " keys checked, " + lost + " acknowledged writes lost"
          + (examples.isEmpty() ? "" : " (e.g. " + String.join(", ", examples) + ")");
    }
  }

  /**
   * Reads every key back in batches through {@code read} (keys in, values in the same order out,
   * null for a missing key) and compares each with its last acknowledged value.
   */
  public Verdict verify(Function<List<String>, List<String>> read, int batchSize) {
    List<String> keys = new ArrayList<>(lastAcknowledged.keySet());
    long lost = 0;
    List<String> examples = new ArrayList<>();
    for (int from = 0; from < keys.size(); from += batchSize) {
      List<String> batch = keys.subList(from, Math.min(keys.size(), from + batchSize));
      List<String> values = read.apply(batch);
      if (values.size() != batch.size()) {
        throw new IllegalStateException("read " + values.size() + " values for " + batch.size() + " keys");
      }
      for (int i = 0; i < batch.size(); i++) {
        String key = batch.get(i);
        long expected = lastAcknowledged.get(key);
        String value = values.get(i);
        if (value == null || parse(value) < expected) {
          lost++;
          if (examples.size() < 10) {
            examples.add(key + "=" + value + " (acked " + expected + ")");
          }
        }
      }
    }
    return new Verdict(keys.size(), lost, List.copyOf(examples));
  }

  private static long parse(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException notOurs) {
      return Long.MIN_VALUE;
    }
  }
}
