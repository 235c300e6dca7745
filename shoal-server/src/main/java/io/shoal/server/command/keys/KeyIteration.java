package io.shoal.server.command.keys;

import static io.shoal.server.command.CommandFlag.READONLY;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.keyspace.Database;
import io.shoal.server.keyspace.SlotLocks;
import io.shoal.server.keyspace.SlotTable;
import io.shoal.server.keyspace.ValueType;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.slot.KeySlot;
import io.shoal.server.util.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * KEYS, SCAN and RANDOMKEY: the commands that walk the keyspace rather than name their keys.
 * They run without the dispatcher's locks and take one slot's lock at a time, so a long KEYS
 * never stalls the whole node.
 *
 * <p>SCAN's cursor is a slot number: each call reads whole slot tables, in slot order, until it
 * has looked at COUNT keys, and returns the next slot to read (0 when done). A key present from
 * the first call to the last lives in one slot, and that slot is read whole under its lock by
 * exactly one call, so it is returned — the guarantee Redis's reverse-binary cursor gives, by a
 * simpler route. A slot may hold more than COUNT keys; then one call returns them all, as Redis
 * does for a large bucket chain.
 */
final class KeyIteration {
  private static final int RANDOM_KEY_ATTEMPTS = 100;

  private KeyIteration() {}

  static void install(ShoalServer server) {
    server.register(CommandSpec.builder("keys", 2).flags(READONLY).group("generic")
        .acl("@keyspace", "@read", "@slow", "@dangerous").doc("Returns all key names that match a pattern.", "1.0.0", "O(N)")
        .handler(KeyIteration::keys).build());
    server.register(CommandSpec.builder("scan", -2).flags(READONLY).group("generic")
        .acl("@keyspace", "@read", "@slow").doc("Iterates over the key names in the database.", "2.8.0", "O(1) per call")
        .handler(KeyIteration::scan).build());
    server.register(CommandSpec.builder("randomkey", 1).flags(READONLY).group("generic")
        .acl("@keyspace", "@read", "@slow").doc("Returns a random key name from the database.", "1.0.0", "O(1)")
        .handler(KeyIteration::randomkey).build());
  }

  private static void keys(CommandContext c) {
    byte[] pattern = c.arg(1);
    boolean all = pattern.length == 1 && pattern[0] == '*';
    List<byte[]> found = new ArrayList<>();
    for (int slot = 0; slot < KeySlot.SLOT_COUNT; slot++) {
      collect(c, slot, key -> all || Glob.matches(pattern, key, false), null, found);
    }
    c.reply().array(found.size());
    for (byte[] key : found) {
      c.reply().bulk(key);
    }
  }

  /** Adds the live keys of one slot that pass the filters; returns how many keys the slot held. */
  private static int collect(CommandContext c, int slot, java.util.function.Predicate<byte[]> match, String type,
      List<byte[]> into) {
    Database db = c.db();
    if (db.slot(slot) == null) {
      return 0;
    }
    SlotLocks locks = c.server().keyspace().locks();
    long now = c.nowMillis();
    locks.lockSlot(slot);
    try {
      SlotTable table = db.slot(slot);
      if (table == null) {
        return 0;
      }
      for (int i = 0; i < table.capacity(); i++) {
        byte[] key = table.keyAt(i);
        if (key == null) {
          continue;
        }
        long expireAt = table.expireAt(i);
        if (expireAt != 0 && expireAt <= now) {
          continue;
        }
        if (type != null && !ValueType.of(table.valueAt(i)).typeName().equalsIgnoreCase(type)) {
          continue;
        }
        if (match.test(key)) {
          into.add(key);
        }
      }
      return table.size();
    } finally {
      locks.unlockSlot(slot);
    }
  }

  private static void scan(CommandContext c) {
    long cursor = parseCursor(c.arg(1));
    long count = 10;
    byte[] pattern = null;
    String type = null;
    for (int i = 2; i < c.argc(); i++) {
      boolean hasNext = i + 1 < c.argc();
      if (c.argIs(i, "COUNT") && hasNext) {
        count = c.argLong(++i);
        if (count < 1) {
          throw ShoalError.syntax();
        }
      } else if (c.argIs(i, "MATCH") && hasNext) {
        pattern = c.arg(++i);
      } else if (c.argIs(i, "TYPE") && hasNext) {
        type = c.argString(++i);
      } else {
        throw ShoalError.syntax();
      }
    }
    byte[] matchPattern = pattern;
    boolean all = pattern == null || (pattern.length == 1 && pattern[0] == '*');
    List<byte[]> found = new ArrayList<>();
    long slot = cursor;
    long looked = 0;
    while (slot < KeySlot.SLOT_COUNT && looked < count) {
      looked += collect(c, (int) slot, key -> all || Glob.matches(matchPattern, key, false), type, found);
      slot++;
    }
    long next = slot >= KeySlot.SLOT_COUNT ? 0 : slot;
    c.reply().array(2);
    c.reply().bulk(Long.toString(next));
    c.reply().array(found.size());
    for (byte[] key : found) {
      c.reply().bulk(key);
    }
  }

  /** Redis reads the cursor with strtoul: any unsigned decimal, else "invalid cursor". */
  private static long parseCursor(byte[] text) {
    if (text.length == 0 || text.length > 20) {
      throw ShoalError.err("invalid cursor");
    }
    long value = 0;
    for (byte b : text) {
      if (b < '0' || b > '9') {
        throw ShoalError.err("invalid cursor");
      }
      value = value * 10 + (b - '0');
      if (value > KeySlot.SLOT_COUNT) {
        value = KeySlot.SLOT_COUNT;
      }
    }
    return value;
  }

  private static void randomkey(CommandContext c) {
    Database db = c.db();
    SlotLocks locks = c.server().keyspace().locks();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < RANDOM_KEY_ATTEMPTS; attempt++) {
      int slot = nonEmptySlotFrom(db, random.nextInt(KeySlot.SLOT_COUNT));
      if (slot < 0) {
        break;
      }
      locks.lockSlot(slot);
      try {
        SlotTable table = db.slot(slot);
        int index = table == null ? -1 : table.occupiedFrom(random.nextInt(Math.max(1, table.capacity())));
        if (index < 0) {
          continue;
        }
        byte[] key = table.keyAt(index);
        // peek expires the key if its time has come; then another key is drawn.
        if (db.peek(key) != null) {
          c.reply().bulk(key);
          return;
        }
      } finally {
        locks.unlockSlot(slot);
      }
    }
    c.reply().nullBulk();
  }

  /** The first slot at or after {@code from} (wrapping) that holds keys, or -1. */
  private static int nonEmptySlotFrom(Database db, int from) {
    for (int step = 0; step < KeySlot.SLOT_COUNT; step++) {
      int slot = (from + step) % KeySlot.SLOT_COUNT;
      if (db.countInSlot(slot) > 0) {
        return slot;
      }
    }
    return -1;
  }
}
