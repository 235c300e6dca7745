package io.shoal.server.config;

/** Redis's memory sizes: "1gb" = 2^30 bytes, "1g" = 10^9, plain numbers are bytes. */
public final class MemoryUnits {
  private MemoryUnits() {}

  /** The byte count, or Long.MIN_VALUE when the text is not a size. */
  public static long parse(String text) {
    String value = text.trim().toLowerCase();
    long multiplier = 1;
    String[][] units = {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"}, {"g", "1000000000"},
        {"m", "1000000"}, {"k", "1000"}, {"b", "1"}};
    for (String[] unit : units) {
      if (value.endsWith(unit[0])) {
        multiplier = Long.parseLong(unit[1]);
        value = value.substring(0, value.length() - unit[0].length());
        break;
      }
    }
    try {
      long number = Long.parseLong(value);
      return Math.multiplyExact(number, multiplier);
    } catch (NumberFormatException | ArithmeticException e) {
      return Long.MIN_VALUE;
    }
  }
}
