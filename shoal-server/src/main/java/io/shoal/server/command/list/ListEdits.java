package io.shoal.server.command.list;

import io.shoal.server.propagation.ReplayCommands;
import io.shoal.server.ShoalServer;
import io.shoal.server.config.Setting;
import io.shoal.server.keyspace.Database;
import io.shoal.server.resp.Reply;
import io.shoal.server.types.list.ListValue;

/**
 * The list changes that both the plain commands and the retries of blocked commands make: pops
 * and moves with their keyspace notifications, as Redis's {@code listElementsRemoved} and
 * {@code lmoveHandlePush} emit them ("lpush"/"rpush" on the destination, then "lpop"/"rpop" on the
 * source, then the generic "del" when a list was emptied). Callers hold the keys' locks.
 */
final class ListEdits {
  private final ShoalServer server;
  private final Setting maxListpackSize;

  ListEdits(ShoalServer server, Setting maxListpackSize) {
    this.server = server;
    this.maxListpackSize = maxListpackSize;
  }

  /** list-max-listpack-size, read on every change so CONFIG SET takes effect at once. */
  long maxListpackSize() {
    return maxListpackSize.asLong();
  }

  /** Pops up to {@code count} elements from one end and sends the notifications. */
  byte[][] pop(int db, byte[] key, ListValue list, boolean left, long count) {
    int n = (int) Math.min(count, list.size());
    byte[][] popped = new byte[n][];
    for (int i = 0; i < n; i++) {
      popped[i] = left ? list.popFirst() : list.popLast();
    }
    removed(db, key, list, left);
    return popped;
  }

  /** After elements left a list: the pop event, and "del" if the list is now empty. */
  void removed(int db, byte[] key, ListValue list, boolean left) {
    server.notifications().notify('l', left ? "lpop" : "rpop", key, db);
    if (list.isEmpty()) {
      server.notifications().notify('g', "del", key, db);
    } else {
      list.updateEncoding(maxListpackSize());
    }
  }

  /**
   * LMOVE's work once the source is known to be a non-empty list and the destination absent or a
   * list: pops from the source, pushes to the destination (created if needed), and notifies.
   */
  byte[] move(Database db, byte[] source, ListValue from, byte[] destination,
      ListValue to, boolean fromLeft, boolean toLeft) {
    byte[] value = fromLeft ? from.popFirst() : from.popLast();
    if (to == null) {
      to = new ListValue();
      db.set(destination, to);
    }
    if (toLeft) {
      to.pushFirst(value);
    } else {
      to.pushLast(value);
    }
    to.updateEncoding(maxListpackSize());
    server.notifications().notify('l', toLeft ? "lpush" : "rpush", destination, db.index());
    removed(db.index(), source, from, fromLeft);
    return value;
  }

  /**
   * The plain pop with the effect of a multi-key or blocking pop that took {@code count} elements
   * from {@code key}: what LMPOP, BLPOP and the like propagate, as Redis does, since which key they
   * pop from depends on the data at the time.
   */
  static byte[][] popCommand(byte[] key, boolean left, int count) {
    byte[] name = left ? ReplayCommands.LPOP : ReplayCommands.RPOP;
    return count == 1 ? new byte[][] {name, key} : new byte[][] {name, key, ReplayCommands.number(count)};
  }

  /** LMOVE with the effect of BLMOVE or BRPOPLPUSH. */
  static byte[][] moveCommand(byte[] source, byte[] destination, boolean fromLeft, boolean toLeft) {
    return new byte[][] {ReplayCommands.LMOVE, source, destination, fromLeft ? ReplayCommands.LEFT : ReplayCommands.RIGHT,
        toLeft ? ReplayCommands.LEFT : ReplayCommands.RIGHT};
  }

  /** The [key, [elements]] reply of LMPOP and BLMPOP. */
  static void keyAndElements(Reply reply, byte[] key, byte[][] elements) {
    reply.array(2);
    reply.bulk(key);
    reply.array(elements.length);
    for (byte[] element : elements) {
      reply.bulk(element);
    }
  }

  /** The [key, element] reply of BLPOP and BRPOP. */
  static void keyAndElement(Reply reply, byte[] key, byte[] element) {
    reply.array(2);
    reply.bulk(key);
    reply.bulk(element);
  }
}
