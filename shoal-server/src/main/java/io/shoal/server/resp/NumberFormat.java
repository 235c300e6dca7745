package io.shoal.server.resp;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * Number parsing and printing with Redis's rules: integers are accepted only in the canonical
 * form {@code string2ll} accepts (no spaces, no '+', no leading zeros), doubles as {@code strtod}
 * reads them but never NaN, and doubles are printed in the shortest form that reads back exactly.
 */
public final class NumberFormat {
  private NumberFormat() {}

  /** Parses a canonical signed 64-bit integer, or throws "value is not an integer or out of range". */
  public static long parseLong(byte[] bytes) {
    long value = parseLongOrMin(bytes);
    if (value == Long.MIN_VALUE && !isMinValue(bytes)) {
      throw ShoalError.notInteger();
    }
    return value;
  }

  public static boolean isLong(byte[] bytes) {
    return parseLongOrMin(bytes) != Long.MIN_VALUE || isMinValue(bytes);
  }

  private static boolean isMinValue(byte[] bytes) {
    return bytes.length == 20 && new String(bytes, StandardCharsets.US_ASCII).equals("-9223372036854775808");
  }

  /** Parses like Redis's string2ll; returns Long.MIN_VALUE when the text is not a canonical integer. */
  static long parseLongOrMin(byte[] bytes) {
    int length = bytes.length;
    if (length == 0 || length > 20) {
      return Long.MIN_VALUE;
    }
    if (length == 1 && bytes[0] == '0') {
      return 0;
    }
    int index = 0;
    boolean negative = false;
    if (bytes[0] == '-') {
      negative = true;
      index = 1;
      if (length == 1) {
        return Long.MIN_VALUE;
      }
    }
    if (bytes[index] < '1' || bytes[index] > '9') {
      return Long.MIN_VALUE;
    }
    long result = 0;
    for (; index < length; index++) {
      int digit = bytes[index] - '0';
      if (digit < 0 || digit > 9) {
        return Long.MIN_VALUE;
      }
      // Accumulate negatively: the negative range is one larger than the positive one.
      if (result < (Long.MIN_VALUE + digit) / 10) {
        return Long.MIN_VALUE;
      }
      result = result * 10 - digit;
    }
    if (!negative) {
      if (result == Long.MIN_VALUE) {
        return Long.MIN_VALUE;
      }
      return -result;
    }
    return result;
  }

  public static long parseLong(byte[] bytes, String errorMessage) {
    long value = parseLongOrMin(bytes);
    if (value == Long.MIN_VALUE && !isMinValue(bytes)) {
      throw new ShoalError(errorMessage);
    }
    return value;
  }

  public static int parseInt(byte[] bytes) {
    long value = parseLong(bytes);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw ShoalError.notInteger();
    }
    return (int) value;
  }

  /**
   * Parses a double as Redis's string2d does: "inf", "+inf", "-inf" are accepted (in any case),
   * NaN, empty strings and leading or trailing spaces are not.
   */
  public static double parseDouble(byte[] bytes) {
    if (isPlainInteger(bytes)) {
      return plainInteger(bytes);
    }
    Double value = tryParseDouble(bytes);
    if (value == null) {
      throw ShoalError.notFloat();
    }
    return value;
  }

  /**
   * An optional '-' and at most 15 digits: such text converts to a double exactly, so it skips the
   * String and the general parser (ZADD's usual score; strtod gives the same value).
   */
  private static boolean isPlainInteger(byte[] bytes) {
    int start = bytes.length > 0 && bytes[0] == '-' ? 1 : 0;
    int digits = bytes.length - start;
    if (digits == 0 || digits > 15) {
      return false;
    }
    for (int i = start; i < bytes.length; i++) {
      if (bytes[i] < '0' || bytes[i] > '9') {
        return false;
      }
    }
    return true;
  }

  private static double plainInteger(byte[] bytes) {
    boolean negative = bytes[0] == '-';
    long value = 0;
    for (int i = negative ? 1 : 0; i < bytes.length; i++) {
      value = value * 10 + (bytes[i] - '0');
    }
    return negative ? -(double) value : (double) value; // "-0" is -0.0, as strtod reads it
  }

  public static Double tryParseDouble(byte[] bytes) {
    if (bytes.length == 0 || bytes.length > 5000) {
      return null;
    }
    if (isPlainInteger(bytes)) {
      return plainInteger(bytes);
    }
    String text = new String(bytes, StandardCharsets.US_ASCII);
    if (Character.isWhitespace(text.charAt(0)) || Character.isWhitespace(text.charAt(text.length() - 1))) {
      return null;
    }
    String lower = text.toLowerCase();
    switch (lower) {
      case "inf": case "+inf": case "infinity": case "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf": case "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean allowed = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+';
      if (!allowed) {
        return null;
      }
    }
    try {
      double value = Double.parseDouble(text);
      return Double.isNaN(value) ? null : value;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Formats a double the way Redis 7 replies with scores: shortest round-trip digits, "inf", "-inf". */
  public static String formatDouble(double value) {
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (value == 0) {
      return (1 / value) < 0 ? "-0" : "0";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e17) {
      return Long.toString((long) value);
    }
    BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
    int exponent = decimal.precision() - decimal.scale() - 1;
    if (exponent >= -5 && exponent < 21) {
      return decimal.toPlainString();
    }
    String digits = decimal.unscaledValue().abs().toString();
    StringBuilder text = new StringBuilder();
    if (decimal.signum() < 0) {
      text.append('-');
    }
    text.append(digits.charAt(0));
    if (digits.length() > 1) {
      text.append('.').append(digits, 1, digits.length());
    }
    text.append('e').append(exponent < 0 ? '-' : '+');
    int magnitude = Math.abs(exponent);
    if (magnitude < 10) {
      text.append('0');
    }
    text.append(magnitude);
    return text.toString();
  }

  /** Formats as INCRBYFLOAT and HINCRBYFLOAT do: plain notation, no exponent, no trailing zeros. */
  public static String formatHumanFriendly(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e17) {
      return Long.toString((long) value);
    }
    return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
  }

  /** The canonical decimal text, written straight into its array (no String on the way). */
  public static byte[] toBytes(long value) {
    if (value == Long.MIN_VALUE) {
      return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }
    boolean negative = value < 0;
    long rest = negative ? -value : value;
    int digits = 1;
    for (long bound = 10; digits < 19 && rest >= bound; bound *= 10) {
      digits++;
    }
    byte[] text = new byte[negative ? digits + 1 : digits];
    for (int i = text.length - 1; i >= (negative ? 1 : 0); i--) {
      text[i] = (byte) ('0' + rest % 10);
      rest /= 10;
    }
    if (negative) {
      text[0] = '-';
    }
    return text;
  }
}
