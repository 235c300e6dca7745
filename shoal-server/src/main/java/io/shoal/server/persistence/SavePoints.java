package io.shoal.server.persistence;

import io.shoal.server.resp.ShoalError;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code save} setting: pairs of "seconds changes", meaning "snapshot when at least that many
 * changes happened and that many seconds passed since the last save". Empty disables snapshots.
 */
public record SavePoints(List<long[]> points) {
  public static SavePoints parse(String text) {
    String trimmed = text.trim();
    List<long[]> points = new ArrayList<>();
    if (trimmed.isEmpty()) {
      return new SavePoints(points);
    }
    String[] parts = trimmed.split("\\s+");
    if (parts.length % 2 != 0) {
      throw ShoalError.err("Invalid save parameters");
    }
    for (int i = 0; i < parts.length; i += 2) {
      try {
        long seconds = Long.parseLong(parts[i]);
        long changes = Long.parseLong(parts[i + 1]);
        if (seconds < 1 || changes < 0) {
          throw ShoalError.err("Invalid save parameters");
        }
        points.add(new long[] {seconds, changes});
      } catch (NumberFormatException e) {
        throw ShoalError.err("Invalid save parameters");
      }
    }
    return new SavePoints(points);
  }

  public boolean enabled() {
    return !points.isEmpty();
  }

  /** True when some point is reached. */
  public boolean due(long changes, long millisSinceSave) {
    for (long[] point : points) {
      if (changes >= point[1] && millisSinceSave >= point[0] * 1000) {
        return true;
      }
    }
    return false;
  }
}
