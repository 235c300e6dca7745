package io.shoal.server.persistence;

import java.util.Arrays;

/**
 * LZF, the compression Redis applies to long strings in RDB files ({@code lzf_c.c}, {@code
 * lzf_d.c}). The format is a sequence of chunks: a control byte below 32 starts a run of
 * control+1 literal bytes; otherwise its top three bits are a match length minus two (7 meaning
 * "plus the next byte") and its low five bits with the next byte an offset back, minus one, into
 * what was already produced (at most 8 KiB back, 264 bytes long).
 *
 * <p>The compressor here finds matches with a hash of the next three bytes, as liblzf does; its
 * output is not byte-identical to liblzf's, but any LZF decoder reads it.
 */
public final class Lzf {
  private static final int HASH_BITS = 14;
  private static final int MAX_LITERAL = 32;
  private static final int MAX_OFFSET = 1 << 13;
  private static final int MAX_MATCH = 264;

  private Lzf() {}

  /** The compressed bytes, or null when compression would not make the data shorter. */
  public static byte[] compress(byte[] input) {
    int length = input.length;
    if (length < 4) {
      return null;
    }
    byte[] out = new byte[length + length / 32 + 2];
    int[] table = new int[1 << HASH_BITS];
    Arrays.fill(table, -1);
    int op = 0;
    int literalStart = 0;
    int ip = 0;
    while (ip + 2 < length) {
      int hash = hash(input, ip);
      int candidate = table[hash];
      table[hash] = ip;
      int offset = ip - candidate - 1;
      if (candidate >= 0 && offset < MAX_OFFSET
          && input[candidate] == input[ip] && input[candidate + 1] == input[ip + 1]
          && input[candidate + 2] == input[ip + 2]) {
        int max = Math.min(MAX_MATCH, length - ip);
        int match = 3;
        while (match < max && input[candidate + match] == input[ip + match]) {
          match++;
        }
        op = literals(input, literalStart, ip, out, op);
        if (op < 0 || op + 3 > out.length) {
          return null;
        }
        int encoded = match - 2;
        if (encoded < 7) {
          out[op++] = (byte) ((encoded << 5) | (offset >>> 8));
        } else {
          out[op++] = (byte) ((7 << 5) | (offset >>> 8));
          out[op++] = (byte) (encoded - 7);
        }
        out[op++] = (byte) offset;
        ip += match;
        literalStart = ip;
      } else {
        ip++;
      }
    }
    op = literals(input, literalStart, length, out, op);
    if (op < 0 || op >= length) {
      return null;
    }
    return Arrays.copyOf(out, op);
  }

  private static int literals(byte[] input, int from, int to, byte[] out, int op) {
    while (from < to) {
      int run = Math.min(MAX_LITERAL, to - from);
      if (op + run + 1 > out.length) {
        return -1;
      }
      out[op++] = (byte) (run - 1);
      System.arraycopy(input, from, out, op, run);
      op += run;
      from += run;
    }
    return op;
  }

  private static int hash(byte[] input, int ip) {
    int v = ((input[ip] & 0xff) << 16) | ((input[ip + 1] & 0xff) << 8) | (input[ip + 2] & 0xff);
    return (int) (((v * 2654435761L) & 0xffffffffL) >>> (32 - HASH_BITS));
  }

  /** Decompresses into exactly {@code length} bytes; damaged input throws IllegalArgumentException. */
  public static byte[] decompress(byte[] input, int length) {
    byte[] out = new byte[length];
    int ip = 0;
    int op = 0;
    while (ip < input.length) {
      int control = input[ip++] & 0xff;
      if (control < 32) {
        int run = control + 1;
        if (op + run > length || ip + run > input.length) {
          throw new IllegalArgumentException("LZF literal run overflows");
        }
        System.arraycopy(input, ip, out, op, run);
        ip += run;
        op += run;
      } else {
        int match = control >>> 5;
        if (match == 7) {
          if (ip >= input.length) {
            throw new IllegalArgumentException("LZF input truncated");
          }
          match += input[ip++] & 0xff;
        }
        if (ip >= input.length) {
          throw new IllegalArgumentException("LZF input truncated");
        }
        int reference = op - ((control & 0x1f) << 8) - 1 - (input[ip++] & 0xff);
        match += 2;
        if (reference < 0 || op + match > length) {
          throw new IllegalArgumentException("LZF back reference out of range");
        }
        for (int i = 0; i < match; i++) {
          out[op++] = out[reference++];
        }
      }
    }
    if (op != length) {
      throw new IllegalArgumentException("LZF output is " + op + " bytes, expected " + length);
    }
    return out;
  }
}
