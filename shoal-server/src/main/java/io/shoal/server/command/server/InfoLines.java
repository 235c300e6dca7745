package io.shoal.server.command.server;

/** The "name:value\r\n" lines of one INFO section. */
public final class InfoLines {
  private final StringBuilder text;

  InfoLines(StringBuilder text) {
    this.text = text;
  }

  public InfoLines add(String name, Object value) {
    text.append(name).append(':').append(value).append("\r\n");
    return this;
  }

  /** Redis's bytesToHuman: 1023B, 1.00K, 12.50M... */
  public static String human(long bytes) {
    double n = bytes;
    if (bytes < 1024) {
      return bytes + "B";
    }
    String[] units = {"K", "M", "G", "T", "P"};
    int unit = -1;
    while (n >= 1024 && unit < units.length - 1) {
      n /= 1024;
      unit++;
    }
    return String.format(java.util.Locale.ROOT, "%.2f%s", n, units[unit]);
  }
}
