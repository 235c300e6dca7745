package io.shoal.server.command.hash;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * HINCRBYFLOAT's arithmetic as Redis does it on x86: both operands read with {@code strtold} into
 * an 80-bit {@code long double} (64-bit mantissa), added in that precision, and printed with
 * {@code "%.17Lf"} and trailing zeros removed ({@code ld2string}, LD_STR_HUMAN). That is why Redis
 * answers "5010.60000000000000009" for 10.6 + 5.0e3 where a binary double would print "5010.6".
 * Exact decimal arithmetic rounded to 64 significant bits reproduces these digits.
 */
final class LongDouble {
  private static final int MANTISSA_BITS = 64;

  private LongDouble() {}

  /** The sum as Redis prints it, or null if an operand is not a plain decimal number. */
  static String add(byte[] left, byte[] right) {
    try {
      BigDecimal a = left == null ? BigDecimal.ZERO : round(parse(left));
      BigDecimal b = round(parse(right));
      return format(round(a.add(b)));
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  private static BigDecimal parse(byte[] text) {
    return new BigDecimal(new String(text, java.nio.charset.StandardCharsets.US_ASCII));
  }

  /** Rounds to the nearest value with a 64-bit mantissa, ties to even, as the x87 unit does. */
  static BigDecimal round(BigDecimal value) {
    if (value.signum() == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal magnitude = value.abs();
    int exponent = binaryExponentEstimate(magnitude);
    BigDecimal scaled = timesPowerOfTwo(magnitude, MANTISSA_BITS - 1 - exponent);
    // Correct the estimate so that the integer part has exactly 64 bits.
    while (true) {
      int bits = scaled.toBigInteger().bitLength();
      if (bits > MANTISSA_BITS) {
        exponent++;
        scaled = timesPowerOfTwo(scaled, -1);
      } else if (bits < MANTISSA_BITS) {
        exponent--;
        scaled = timesPowerOfTwo(scaled, 1);
      } else {
        break;
      }
    }
    BigInteger mantissa = scaled.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
    BigDecimal rounded = timesPowerOfTwo(new BigDecimal(mantissa), exponent - (MANTISSA_BITS - 1));
    return value.signum() < 0 ? rounded.negate() : rounded;
  }

  private static int binaryExponentEstimate(BigDecimal magnitude) {
    // log2(unscaled) - scale * log2(10), good to within a couple of bits.
    double log2 = magnitude.unscaledValue().bitLength() - magnitude.scale() * 3.321928094887362;
    return (int) Math.floor(log2);
  }

  private static BigDecimal timesPowerOfTwo(BigDecimal value, int power) {
    if (power >= 0) {
      return value.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(power)));
    }
    // x / 2^n = x * 5^n / 10^n, exact in decimal.
    return value.multiply(new BigDecimal(BigInteger.valueOf(5).pow(-power))).scaleByPowerOfTen(power);
  }

  /** "%.17Lf", then trailing zeros and a trailing point removed; "-0" prints as "0". */
  static String format(BigDecimal value) {
    BigDecimal fixed = value.setScale(17, RoundingMode.HALF_EVEN).stripTrailingZeros();
    if (fixed.signum() == 0) {
      return "0";
    }
    if (fixed.scale() < 0) {
      fixed = fixed.setScale(0);
    }
    return fixed.toPlainString();
  }
}
