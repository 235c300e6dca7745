package io.shoal.server.command.string;

import io.shoal.server.command.CommandContext;
import io.shoal.server.keyspace.Database;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.ShoalError;
import java.util.ArrayList;
import java.util.List;

/**
 * BITFIELD and BITFIELD_RO: signed and unsigned integers of 1 to 64 bits (unsigned up to 63) at
 * any bit offset, read, written and incremented with WRAP, SAT or FAIL overflow handling. The
 * overflow rules are Redis's {@code checkSignedBitfieldOverflow} and
 * {@code checkUnsignedBitfieldOverflow}; all operations are parsed before any runs, so a bad
 * argument leaves the string untouched.
 */
final class BitField {
  private enum Op { GET, SET, INCRBY }

  private enum Overflow { WRAP, SAT, FAIL }

  private record Operation(Op op, boolean signed, int bits, long offset, long argument, Overflow overflow) {}

  private BitField() {}

  static void run(CommandContext c, boolean readOnly) {
    List<Operation> operations = parse(c, readOnly);
    byte[] key = c.arg(1);
    Database db = c.db();
    boolean writes = false;
    long highestBit = -1;
    for (Operation operation : operations) {
      if (operation.op != Op.GET) {
        writes = true;
        highestBit = Math.max(highestBit, operation.offset + operation.bits - 1);
      }
    }
    byte[] value = db.getString(key);
    if (writes) {
      value = BitCommands.growFor(value, highestBit);
    }
    int changes = 0;
    c.reply().array(operations.size());
    for (Operation operation : operations) {
      long current = read(value, operation.offset, operation.bits, operation.signed);
      if (operation.op == Op.GET) {
        c.reply().integer(current);
        continue;
      }
      long target = operation.op == Op.SET ? operation.argument : current;
      long increment = operation.op == Op.SET ? 0 : operation.argument;
      long[] outcome = operation.signed
          ? signedOverflow(target, increment, operation.bits, operation.overflow)
          : unsignedOverflow(target, increment, operation.bits, operation.overflow);
      if (outcome == null) {
        c.reply().nullBulk();
        continue;
      }
      write(value, operation.offset, operation.bits, outcome[0]);
      changes++;
      c.reply().integer(operation.op == Op.SET ? current : outcome[0]);
    }
    if (writes) {
      db.setKeepTtl(key, value);
      if (changes > 0) {
        c.notify('$', "setbit", key);
      }
    }
  }

  private static List<Operation> parse(CommandContext c, boolean readOnly) {
    List<Operation> operations = new ArrayList<>();
    Overflow overflow = Overflow.WRAP;
    int i = 2;
    while (i < c.argc()) {
      int remaining = c.argc() - i - 1;
      if (c.argIs(i, "GET") && remaining >= 2) {
        operations.add(field(c, i, Op.GET, 0, overflow));
        i += 3;
      } else if ((c.argIs(i, "SET") || c.argIs(i, "INCRBY")) && remaining >= 3) {
        if (readOnly) {
          throw ShoalError.err("BITFIELD_RO only supports the GET subcommand");
        }
        Op op = c.argIs(i, "SET") ? Op.SET : Op.INCRBY;
        operations.add(field(c, i, op, c.argLong(i + 3), overflow));
        i += 4;
      } else if (c.argIs(i, "OVERFLOW") && remaining >= 1) {
        if (readOnly) {
          throw ShoalError.err("BITFIELD_RO only supports the GET subcommand");
        }
        switch (c.option(i + 1)) {
          case "WRAP": overflow = Overflow.WRAP; break;
          case "SAT": overflow = Overflow.SAT; break;
          case "FAIL": overflow = Overflow.FAIL; break;
          default: throw ShoalError.err("Invalid OVERFLOW type specified");
        }
        i += 2;
      } else {
        throw ShoalError.syntax();
      }
    }
    return operations;
  }

  private static Operation field(CommandContext c, int i, Op op, long argument, Overflow overflow) {
    byte[] type = c.arg(i + 1);
    int bits = -1;
    boolean signed = false;
    if (type.length >= 2 && (type[0] == 'i' || type[0] == 'I' || type[0] == 'u' || type[0] == 'U')) {
      signed = type[0] == 'i' || type[0] == 'I';
      byte[] digits = java.util.Arrays.copyOfRange(type, 1, type.length);
      if (NumberFormat.isLong(digits)) {
        long parsed = NumberFormat.parseLong(digits);
        bits = parsed < 1 || parsed > (signed ? 64 : 63) ? -1 : (int) parsed;
      }
    }
    if (bits < 0) {
      throw ShoalError.err("Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");
    }
    long offset = BitCommands.bitOffset(c, c.arg(i + 2), true, bits);
    return new Operation(op, signed, bits, offset, argument, overflow);
  }

  static long read(byte[] value, long offset, int bits, boolean signed) {
    long result = 0;
    for (int j = 0; j < bits; j++) {
      result = (result << 1) | BitCommands.bit(value, offset + j);
    }
    if (signed && bits < 64 && (result & (1L << (bits - 1))) != 0) {
      result |= -1L << bits;
    }
    return result;
  }

  static void write(byte[] value, long offset, int bits, long field) {
    for (int j = 0; j < bits; j++) {
      long position = offset + j;
      int index = (int) (position >>> 3);
      int mask = 1 << (7 - (int) (position & 7));
      if (((field >>> (bits - 1 - j)) & 1) != 0) {
        value[index] |= (byte) mask;
      } else {
        value[index] &= (byte) ~mask;
      }
    }
  }

  /** The stored result, or null if FAIL refuses an overflow. */
  static long[] unsignedOverflow(long value, long increment, int bits, Overflow overflow) {
    long max = (1L << bits) - 1;
    long maxIncrement = max - value;
    long minIncrement = -value;
    boolean over = Long.compareUnsigned(value, max) > 0 || (increment > 0 && Long.compareUnsigned(increment, maxIncrement) > 0);
    boolean under = !over && increment < 0 && increment < minIncrement;
    if (!over && !under) {
      return new long[] {value + increment};
    }
    switch (overflow) {
      case WRAP: return new long[] {(value + increment) & max};
      case SAT: return new long[] {over ? max : 0};
      default: return null;
    }
  }

  static long[] signedOverflow(long value, long increment, int bits, Overflow overflow) {
    long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
    long min = -max - 1;
    long maxIncrement = max - value;
    long minIncrement = min - value;
    boolean over = value > max || (bits != 64 && increment > maxIncrement)
        || (value >= 0 && increment > 0 && increment > maxIncrement);
    boolean under = !over && (value < min || (bits != 64 && increment < minIncrement)
        || (value < 0 && increment < 0 && increment < minIncrement));
    if (!over && !under) {
      return new long[] {value + increment};
    }
    switch (overflow) {
      case WRAP: {
        long sum = value + increment;
        if (bits < 64) {
          long mask = -1L << bits;
          sum = (sum & (1L << (bits - 1))) != 0 ? sum | mask : sum & ~mask;
        }
        return new long[] {sum};
      }
      case SAT: return new long[] {over ? max : min};
      default: return null;
    }
  }
}
