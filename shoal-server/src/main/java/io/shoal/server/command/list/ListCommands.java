package io.shoal.server.command.list;

import static io.shoal.server.command.CommandFlag.DENYOOM;
import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.READONLY;
import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.config.Setting;
import io.shoal.server.keyspace.Database;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import io.shoal.server.server.ServerModule;
import io.shoal.server.types.list.ListValue;
import java.util.Arrays;
import java.util.List;

/**
 * Lists: the push, pop, index, range and move commands, with Redis 7.2's replies, errors and
 * keyspace events (t_list.c). The blocking forms live in {@link BlockingListCommands}.
 */
public final class ListCommands implements ServerModule {
  static final String MAX_LISTPACK_SIZE = "list-max-listpack-size";

  private ListEdits edits;

  @Override
  public void install(ShoalServer server) {
    Setting limit = server.settings().define(MAX_LISTPACK_SIZE, Setting.Kind.INTEGER, "-2", true, List.of(),
        Integer.MIN_VALUE, Integer.MAX_VALUE, null, List.of("list-max-ziplist-size"));
    edits = new ListEdits(server, limit);
    if (server.settings().find("list-compress-depth") == null) {
      // Accepted for configuration compatibility; Shoal does not compress list nodes.
      server.settings().defineInteger("list-compress-depth", "0", 0, Integer.MAX_VALUE);
    }
    register(server, write("lpush", -3, "Prepends one or more elements to a list. Creates the key if it doesn't exist.", "1.0.0")
        .handler(c -> push(c, true, false)));
    register(server, write("rpush", -3, "Appends one or more elements to a list. Creates the key if it doesn't exist.", "1.0.0")
        .handler(c -> push(c, false, false)));
    register(server, write("lpushx", -3, "Prepends one or more elements to a list only when the list exists.", "2.2.0")
        .handler(c -> push(c, true, true)));
    register(server, write("rpushx", -3, "Appends an element to a list only when the list exists.", "2.2.0")
        .handler(c -> push(c, false, true)));
    register(server, CommandSpec.builder("lpop", -2).flags(WRITE, FAST).keys(1, 1, 1).acl("@write", "@list", "@fast")
        .group("list").doc("Returns the first elements in a list after removing it. Deletes the list if the last element was popped.", "1.0.0", "O(N)")
        .handler(c -> pop(c, true)));
    register(server, CommandSpec.builder("rpop", -2).flags(WRITE, FAST).keys(1, 1, 1).acl("@write", "@list", "@fast")
        .group("list").doc("Returns and removes the last elements of a list. Deletes the list if the last element was popped.", "1.0.0", "O(N)")
        .handler(c -> pop(c, false)));
    register(server, read("llen", 2, "Returns the length of a list.", "1.0.0", true).handler(ListCommands::llen));
    register(server, read("lindex", 3, "Returns an element from a list by its index.", "1.0.0", false).handler(ListCommands::lindex));
    register(server, CommandSpec.builder("lset", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).acl("@write", "@list", "@slow")
        .group("list").doc("Sets the value of an element in a list by its index.", "1.0.0", "O(1)").handler(this::lset));
    register(server, read("lrange", 4, "Returns a range of elements from a list.", "1.0.0", false).handler(ListCommands::lrange));
    register(server, CommandSpec.builder("ltrim", 4).flags(WRITE).keys(1, 1, 1).acl("@write", "@list", "@slow")
        .group("list").doc("Removes elements from both ends a list. Deletes the list if all elements were trimmed.", "1.0.0", "O(N)")
        .handler(this::ltrim));
    register(server, CommandSpec.builder("lrem", 4).flags(WRITE).keys(1, 1, 1).acl("@write", "@list", "@slow")
        .group("list").doc("Removes elements from a list. Deletes the list if the last element was removed.", "1.0.0", "O(N+M)")
        .handler(this::lrem));
    register(server, CommandSpec.builder("linsert", 5).flags(WRITE, DENYOOM).keys(1, 1, 1).acl("@write", "@list", "@slow")
        .group("list").doc("Inserts an element before or after another element in a list.", "2.2.0", "O(N)")
        .handler(this::linsert));
    register(server, read("lpos", -3, "Returns the index of matching elements in a list.", "6.0.6", false).handler(ListCommands::lpos));
    register(server, CommandSpec.builder("lmove", 5).flags(WRITE, DENYOOM).keys(1, 2, 1).acl("@write", "@list", "@slow")
        .group("list").doc("Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.", "6.2.0", "O(1)")
        .handler(c -> lmove(c, side(c, 3), side(c, 4))));
    register(server, CommandSpec.builder("rpoplpush", 3).flags(WRITE, DENYOOM).keys(1, 2, 1).acl("@write", "@list", "@slow")
        .group("list").doc("Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.", "1.2.0", "O(1)")
        .handler(c -> lmove(c, false, true)));
    register(server, CommandSpec.builder("lmpop", -4).flags(WRITE).keys(args -> numkeysKeys(args, 1))
        .acl("@write", "@list", "@slow").group("list")
        .doc("Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.", "7.0.0", "O(N+M)")
        .handler(this::lmpop));
    new BlockingListCommands(this, edits).install(server);
  }

  private static void register(ShoalServer server, CommandSpec.Builder builder) {
    server.register(builder.build());
  }

  private static CommandSpec.Builder write(String name, int arity, String summary, String since) {
    return CommandSpec.builder(name, arity).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1)
        .acl("@write", "@list", "@fast").group("list").doc(summary, since, "O(1) for each element added");
  }

  private static CommandSpec.Builder read(String name, int arity, String summary, String since, boolean fast) {
    CommandSpec.Builder builder = CommandSpec.builder(name, arity).keys(1, 1, 1).group("list").doc(summary, since, fast ? "O(1)" : "O(N)");
    return fast ? builder.flags(READONLY, FAST).acl("@read", "@list", "@fast") : builder.flags(READONLY).acl("@read", "@list", "@slow");
  }

  /**
   * Key positions of LMPOP (numkeys at 1) and BLMPOP (numkeys at 2): the keys that the request
   * actually holds, never throwing, as {@code KeyFinder} requires.
   */
  static int[] numkeysKeys(byte[][] args, int numkeysIndex) {
    if (args.length <= numkeysIndex || !NumberFormat.isLong(args[numkeysIndex])) {
      return new int[0];
    }
    long numkeys = NumberFormat.parseLong(args[numkeysIndex]);
    long available = args.length - numkeysIndex - 1;
    int count = (int) Math.max(0, Math.min(numkeys, available));
    int[] positions = new int[count];
    for (int i = 0; i < count; i++) {
      positions[i] = numkeysIndex + 1 + i;
    }
    return positions;
  }

  /** LEFT or RIGHT; true for LEFT. */
  static boolean side(CommandContext c, int index) {
    if (c.argIs(index, "LEFT")) {
      return true;
    }
    if (c.argIs(index, "RIGHT")) {
      return false;
    }
    throw ShoalError.syntax();
  }

  /** getRangeLongFromObjectOrReply(min, LONG_MAX, message): the message for both failures. */
  static long atLeast(byte[] argument, long min, String message) {
    if (!NumberFormat.isLong(argument)) {
      throw message == null ? ShoalError.notInteger() : ShoalError.err(message);
    }
    long value = NumberFormat.parseLong(argument);
    if (value < min) {
      throw ShoalError.err(message == null ? "value is out of range, must be positive" : message);
    }
    return value;
  }

  private void push(CommandContext c, boolean left, boolean onlyIfExists) {
    Database db = c.db();
    byte[] key = c.arg(1);
    ListValue list = db.get(key, ListValue.class);
    if (list == null) {
      if (onlyIfExists) {
        c.reply().integer(0);
        return;
      }
      list = new ListValue();
      db.set(key, list);
    }
    for (int i = 2; i < c.argc(); i++) {
      if (left) {
        list.pushFirst(c.arg(i));
      } else {
        list.pushLast(c.arg(i));
      }
    }
    list.updateEncoding(edits.maxListpackSize());
    c.notify('l', left ? "lpush" : "rpush", key);
    c.changedInPlace(list);
    c.reply().integer(list.size());
  }

  private void pop(CommandContext c, boolean left) {
    if (c.argc() > 3) {
      throw c.wrongArgs();
    }
    boolean hasCount = c.argc() == 3;
    long count = hasCount ? atLeast(c.arg(2), 0, null) : 1;
    byte[] key = c.arg(1);
    ListValue list = c.db().get(key, ListValue.class);
    Reply reply = c.reply();
    if (list == null) {
      c.propagateNothing();
      if (hasCount) {
        reply.nullArray();
      } else {
        reply.nullBulk();
      }
      return;
    }
    if (hasCount && count == 0) {
      c.propagateNothing();
      reply.emptyArray();
      return;
    }
    c.changedInPlace(list);
    if (!hasCount) {
      // One element: no array of the popped elements.
      byte[] value = left ? list.popFirst() : list.popLast();
      edits.removed(c.client().db(), key, list, left);
      reply.bulk(value);
      return;
    }
    byte[][] popped = edits.pop(c.client().db(), key, list, left, count);
    reply.array(popped.length);
    reply.bulks(popped, 0, popped.length);
  }

  private static void llen(CommandContext c) {
    ListValue list = c.db().get(c.arg(1), ListValue.class);
    c.reply().integer(list == null ? 0 : list.size());
  }

  private static void lindex(CommandContext c) {
    long index = c.argLong(2);
    ListValue list = c.db().get(c.arg(1), ListValue.class);
    if (list == null) {
      c.reply().nullBulk();
      return;
    }
    if (index < 0) {
      index += list.size();
    }
    c.reply().bulk(index < 0 || index >= list.size() ? null : list.get((int) index));
  }

  private void lset(CommandContext c) {
    ListValue list = c.db().get(c.arg(1), ListValue.class);
    if (list == null) {
      throw ShoalError.noSuchKey();
    }
    long index = c.argLong(2);
    if (index < 0) {
      index += list.size();
    }
    if (index < 0 || index >= list.size()) {
      throw ShoalError.outOfRange();
    }
    list.set((int) index, c.arg(3));
    list.updateEncoding(edits.maxListpackSize());
    c.notify('l', "lset", c.arg(1));
    c.reply().ok();
  }

  /** Clamps Redis range arguments; returns {start, end} or null when the range is empty. */
  static int[] range(long start, long end, int length) {
    if (start < 0) {
      start += length;
    }
    if (end < 0) {
      end += length;
    }
    if (start < 0) {
      start = 0;
    }
    if (start > end || start >= length) {
      return null;
    }
    if (end >= length) {
      end = length - 1;
    }
    return new int[] {(int) start, (int) end};
  }

  private static void lrange(CommandContext c) {
    long start = c.argLong(2);
    long end = c.argLong(3);
    ListValue list = c.db().get(c.arg(1), ListValue.class);
    int[] range = list == null ? null : range(start, end, list.size());
    if (range == null) {
      c.reply().emptyArray();
      return;
    }
    Reply reply = c.reply();
    int count = range[1] - range[0] + 1;
    reply.array(count);
    list.forEachSegment(range[0], count, reply::bulks);
  }

  private void ltrim(CommandContext c) {
    long start = c.argLong(2);
    long end = c.argLong(3);
    byte[] key = c.arg(1);
    ListValue list = c.db().get(key, ListValue.class);
    if (list == null) {
      c.reply().ok();
      return;
    }
    int[] range = range(start, end, list.size());
    if (range == null) {
      list.clear();
    } else {
      list.retain(range[0], range[1]);
    }
    c.notify('l', "ltrim", key);
    if (list.isEmpty()) {
      c.notify('g', "del", key);
    } else {
      list.updateEncoding(edits.maxListpackSize());
    }
    c.reply().ok();
  }

  private void lrem(CommandContext c) {
    long count = c.argLong(2);
    byte[] key = c.arg(1);
    ListValue list = c.db().get(key, ListValue.class);
    if (list == null) {
      c.reply().integer(0);
      return;
    }
    long limit = count == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(count);
    int removed = list.removeEqual(c.arg(3), limit, count < 0);
    if (removed > 0) {
      c.notify('l', "lrem", key);
    }
    if (list.isEmpty()) {
      c.notify('g', "del", key);
    } else if (removed > 0) {
      list.updateEncoding(edits.maxListpackSize());
    }
    c.reply().integer(removed);
  }

  private void linsert(CommandContext c) {
    boolean after;
    if (c.argIs(2, "AFTER")) {
      after = true;
    } else if (c.argIs(2, "BEFORE")) {
      after = false;
    } else {
      throw ShoalError.syntax();
    }
    byte[] key = c.arg(1);
    ListValue list = c.db().get(key, ListValue.class);
    if (list == null) {
      c.reply().integer(0);
      return;
    }
    int pivot = list.indexOf(c.arg(3));
    if (pivot < 0) {
      c.reply().integer(-1);
      return;
    }
    list.insert(after ? pivot + 1 : pivot, c.arg(4));
    list.updateEncoding(edits.maxListpackSize());
    c.notify('l', "linsert", key);
    c.reply().integer(list.size());
  }

  private static void lpos(CommandContext c) {
    long rank = 1;
    long count = -1;
    long maxlen = 0;
    for (int j = 3; j < c.argc(); j++) {
      boolean more = j + 1 < c.argc();
      if (more && c.argIs(j, "RANK")) {
        rank = c.argLong(++j);
        if (rank == Long.MIN_VALUE) {
          throw ShoalError.err("value is out of range, must be between -9223372036854775807 and 9223372036854775807");
        }
        if (rank == 0) {
          throw ShoalError.err("RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
              + "or use negative to start from the end of the list");
        }
      } else if (more && c.argIs(j, "COUNT")) {
        count = atLeast(c.arg(++j), 0, "COUNT can't be negative");
      } else if (more && c.argIs(j, "MAXLEN")) {
        maxlen = atLeast(c.arg(++j), 0, "MAXLEN can't be negative");
      } else {
        throw ShoalError.syntax();
      }
    }
    ListValue list = c.db().get(c.arg(1), ListValue.class);
    Reply reply = c.reply();
    if (list == null) {
      if (count != -1) {
        reply.emptyArray();
      } else {
        reply.nullBulk();
      }
      return;
    }
    boolean fromTail = rank < 0;
    long wanted = Math.abs(rank);
    byte[] element = c.arg(2);
    int length = list.size();
    long[] found = new long[count > 0 ? (int) Math.min(count, length) : count == 0 ? length : 1];
    int foundCount = 0;
    long matches = 0;
    long limit = maxlen == 0 ? length : Math.min(maxlen, length);
    for (int scanned = 0; scanned < limit; scanned++) {
      int index = fromTail ? length - 1 - scanned : scanned;
      if (Arrays.equals(list.get(index), element)) {
        matches++;
        if (matches >= wanted) {
          found[foundCount++] = index;
          if (count == -1 || foundCount == found.length) {
            break;
          }
        }
      }
    }
    if (count == -1) {
      if (foundCount == 0) {
        reply.nullBulk();
      } else {
        reply.integer(found[0]);
      }
      return;
    }
    reply.array(foundCount);
    for (int i = 0; i < foundCount; i++) {
      reply.integer(found[i]);
    }
  }

  private void lmove(CommandContext c, boolean fromLeft, boolean toLeft) {
    Database db = c.db();
    byte[] source = c.arg(1);
    byte[] destination = c.arg(2);
    ListValue from = db.get(source, ListValue.class);
    if (from == null || from.isEmpty()) {
      c.reply().nullBulk();
      return;
    }
    ListValue to = db.get(destination, ListValue.class);
    c.reply().bulk(edits.move(db, source, from, destination, to, fromLeft, toLeft));
  }

  /** Parsed LMPOP/BLMPOP arguments after numkeys. */
  record MultiPop(byte[][] keys, boolean left, long count) {}

  static MultiPop parseMultiPop(CommandContext c, int numkeysIndex) {
    long numkeys = atLeast(c.arg(numkeysIndex), 1, "numkeys should be greater than 0");
    long whereIndex = numkeysIndex + numkeys + 1;
    if (whereIndex >= c.argc()) {
      throw ShoalError.syntax();
    }
    boolean left = side(c, (int) whereIndex);
    long count = -1;
    for (int j = (int) whereIndex + 1; j < c.argc(); j++) {
      if (count == -1 && c.argIs(j, "COUNT") && j + 1 < c.argc()) {
        count = atLeast(c.arg(++j), 1, "count should be greater than 0");
      } else {
        throw ShoalError.syntax();
      }
    }
    byte[][] keys = Arrays.copyOfRange(c.args(), numkeysIndex + 1, (int) whereIndex);
    return new MultiPop(keys, left, count == -1 ? 1 : count);
  }

  /** Pops from the first non-empty list among the keys; false if all were empty or missing. */
  boolean multiPop(CommandContext c, MultiPop request) {
    Database db = c.db();
    for (byte[] key : request.keys()) {
      ListValue list = db.get(key, ListValue.class);
      if (list == null || list.isEmpty()) {
        continue;
      }
      byte[][] popped = edits.pop(c.client().db(), key, list, request.left(), request.count());
      c.propagateAs(ListEdits.popCommand(key, request.left(), popped.length));
      ListEdits.keyAndElements(c.reply(), key, popped);
      return true;
    }
    return false;
  }

  private void lmpop(CommandContext c) {
    MultiPop request = parseMultiPop(c, 1);
    if (!multiPop(c, request)) {
      c.propagateNothing();
      c.reply().nullArray();
    }
  }
}
