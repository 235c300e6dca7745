package io.shoal.server.command.string;

import io.shoal.server.command.CommandContext;
import io.shoal.server.keyspace.Database;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import java.util.ArrayList;
import java.util.List;

/**
 * LCS: the longest common subsequence of two strings by the classic dynamic programme, with
 * the matched ranges reported from the end backwards exactly as Redis's {@code lcsCommand} walks
 * its table, so IDX output matches Redis position for position.
 */
final class Lcs {
  private record Match(long aStart, long aEnd, long bStart, long bEnd) {}

  private Lcs() {}

  static void lcs(CommandContext c) {
    boolean lengthOnly = false;
    boolean indexes = false;
    boolean withMatchLength = false;
    long minMatchLength = 0;
    for (int i = 3; i < c.argc(); i++) {
      if (c.argIs(i, "IDX")) {
        indexes = true;
      } else if (c.argIs(i, "LEN")) {
        lengthOnly = true;
      } else if (c.argIs(i, "WITHMATCHLEN")) {
        withMatchLength = true;
      } else if (c.argIs(i, "MINMATCHLEN") && i + 1 < c.argc()) {
        minMatchLength = Math.max(0, c.argLong(++i));
      } else {
        throw ShoalError.syntax();
      }
    }
    Database db = c.db();
    byte[] a = stringOf(db.get(c.arg(1)));
    byte[] b = stringOf(db.get(c.arg(2)));
    if (lengthOnly && indexes) {
      throw ShoalError.err("If you want both the length and indexes, please just use IDX.");
    }
    long cells = (long) (a.length + 1) * (b.length + 1);
    if (cells * 4 > c.server().core().protoMaxBulkLen.asLong() || cells > Integer.MAX_VALUE - 8) {
      throw ShoalError.err("Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    }
    int columns = b.length + 1;
    int[] table = new int[(int) cells];
    for (int i = 1; i <= a.length; i++) {
      for (int j = 1; j <= b.length; j++) {
        table[i * columns + j] = a[i - 1] == b[j - 1]
            ? table[(i - 1) * columns + j - 1] + 1
            : Math.max(table[(i - 1) * columns + j], table[i * columns + j - 1]);
      }
    }
    int length = table[a.length * columns + b.length];
    if (lengthOnly) {
      c.reply().integer(length);
      return;
    }
    byte[] common = new byte[length];
    List<Match> matches = new ArrayList<>();
    walk(a, b, table, columns, common, matches, minMatchLength);
    if (!indexes) {
      c.reply().bulk(common);
      return;
    }
    Reply reply = c.reply();
    reply.map(2);
    reply.bulk("matches");
    reply.array(matches.size());
    for (Match match : matches) {
      reply.array(withMatchLength ? 3 : 2);
      reply.array(2);
      reply.integer(match.aStart);
      reply.integer(match.aEnd);
      reply.array(2);
      reply.integer(match.bStart);
      reply.integer(match.bEnd);
      if (withMatchLength) {
        reply.integer(match.aEnd - match.aStart + 1);
      }
    }
    reply.bulk("len");
    reply.integer(length);
  }

  private static byte[] stringOf(Object value) {
    if (value == null) {
      return new byte[0];
    }
    if (!(value instanceof byte[])) {
      throw ShoalError.err("The specified keys must contain string values");
    }
    return (byte[]) value;
  }

  private static void walk(byte[] a, byte[] b, int[] table, int columns, byte[] common, List<Match> matches,
      long minMatchLength) {
    int i = a.length;
    int j = b.length;
    int index = common.length;
    long aStart = a.length;
    long aEnd = 0;
    long bStart = 0;
    long bEnd = 0;
    while (i > 0 && j > 0) {
      boolean emit = false;
      if (a[i - 1] == b[j - 1]) {
        common[--index] = a[i - 1];
        if (aStart == a.length) {
          aStart = i - 1;
          aEnd = i - 1;
          bStart = j - 1;
          bEnd = j - 1;
        } else if (aStart == i && bStart == j) {
          aStart--;
          bStart--;
        } else {
          emit = true;
        }
        if (aStart == 0 || bStart == 0) {
          emit = true;
        }
        i--;
        j--;
      } else {
        int up = table[(i - 1) * columns + j];
        int left = table[i * columns + j - 1];
        if (up > left) {
          i--;
        } else {
          j--;
        }
        if (aStart != a.length) {
          emit = true;
        }
      }
      if (emit) {
        long matchLength = aEnd - aStart + 1;
        if (minMatchLength == 0 || matchLength >= minMatchLength) {
          matches.add(new Match(aStart, aEnd, bStart, bEnd));
        }
        aStart = a.length;
      }
    }
  }
}
