package io.shoal.server.command.list;

import static io.shoal.server.command.CommandFlag.BLOCKING;
import static io.shoal.server.command.CommandFlag.DENYOOM;
import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.blocking.BlockedCommand;
import io.shoal.server.blocking.BlockingRegistry;
import io.shoal.server.blocking.BlockingTimeout;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.keyspace.Database;
import io.shoal.server.types.list.ListValue;
import java.util.Arrays;

/**
 * BLPOP, BRPOP, BLMPOP, BLMOVE and BRPOPLPUSH. Each first tries what its non-blocking form does;
 * if every key is empty it blocks through the {@link BlockingRegistry} with a retry that does the
 * same work under its own locks when a key is written. Inside MULTI/EXEC it answers at once with a
 * null, as Redis does for clients that may not block.
 */
final class BlockingListCommands {
  private final ListCommands lists;
  private final ListEdits edits;
  private volatile BlockingRegistry registry;

  BlockingListCommands(ListCommands lists, ListEdits edits) {
    this.lists = lists;
    this.edits = edits;
  }

  void install(ShoalServer server) {
    server.register(blocking("blpop", -3, "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", "2.0.0")
        .keys(1, -2, 1).handler(c -> bpop(c, true)).build());
    server.register(blocking("brpop", -3, "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", "2.0.0")
        .keys(1, -2, 1).handler(c -> bpop(c, false)).build());
    server.register(blocking("blmpop", -5, "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.", "7.0.0")
        .keys(args -> ListCommands.numkeysKeys(args, 2)).handler(this::blmpop).build());
    server.register(blocking("blmove", 6, "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.", "6.2.0")
        .flags(DENYOOM).keys(1, 2, 1)
        .handler(c -> blmove(c, ListCommands.side(c, 3), ListCommands.side(c, 4), 5)).build());
    server.register(blocking("brpoplpush", 4, "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.", "2.2.0")
        .flags(DENYOOM).keys(1, 2, 1).handler(c -> blmove(c, false, true, 3)).build());
  }

  private static CommandSpec.Builder blocking(String name, int arity, String summary, String since) {
    return CommandSpec.builder(name, arity).flags(WRITE, BLOCKING).acl("@write", "@list", "@slow", "@blocking")
        .group("list").doc(summary, since, "O(N) where N is the number of provided keys.");
  }

  private BlockingRegistry registry(ShoalServer server) {
    BlockingRegistry current = registry;
    if (current == null) {
      current = server.module(BlockingRegistry.class);
      registry = current;
    }
    return current;
  }

  private static boolean mayBlock(ClientConnection client) {
    return !client.inMulti() && !client.denyBlocking();
  }

  private void bpop(CommandContext c, boolean left) {
    long timeout = BlockingTimeout.parseSecondsToMillis(c.arg(c.argc() - 1));
    byte[][] keys = Arrays.copyOfRange(c.args(), 1, c.argc() - 1);
    Database db = c.db();
    for (byte[] key : keys) {
      ListValue list = db.get(key, ListValue.class);
      if (list != null && !list.isEmpty()) {
        byte[] value = edits.pop(c.client().db(), key, list, left, 1)[0];
        c.propagateAs(ListEdits.popCommand(key, left, 1));
        ListEdits.keyAndElement(c.reply(), key, value);
        return;
      }
    }
    if (!mayBlock(c.client())) {
      c.propagateNothing();
      c.reply().nullArray();
      return;
    }
    ShoalServer server = c.server();
    ClientConnection client = c.client();
    int dbIndex = client.db();
    BlockingRegistry blocking = registry(server);
    BlockedCommand retry = () -> blocking.underLocks(keys, () -> {
      Database current = server.keyspace().db(dbIndex);
      for (byte[] key : keys) {
        if (current.get(key) instanceof ListValue list && !list.isEmpty()) {
          byte[] value = edits.pop(dbIndex, key, list, left, 1)[0];
          // Served after another client's write: no command of its own is logged, so the pop
          // propagates here, under the key's lock (Redis's serveClientBlockedOnList).
          server.propagator().propagate(client, dbIndex, ListEdits.popCommand(key, left, 1));
          blocking.written(dbIndex, key, client);
          return reply -> ListEdits.keyAndElement(reply, key, value);
        }
      }
      return null;
    });
    blocking.block(client, dbIndex, keys, timeout, retry);
  }

  private void blmpop(CommandContext c) {
    long timeout = BlockingTimeout.parseSecondsToMillis(c.arg(1));
    ListCommands.MultiPop request = ListCommands.parseMultiPop(c, 2);
    if (lists.multiPop(c, request)) {
      return;
    }
    if (!mayBlock(c.client())) {
      c.propagateNothing();
      c.reply().nullArray();
      return;
    }
    ShoalServer server = c.server();
    ClientConnection client = c.client();
    int dbIndex = client.db();
    BlockingRegistry blocking = registry(server);
    byte[][] keys = request.keys();
    BlockedCommand retry = () -> blocking.underLocks(keys, () -> {
      Database current = server.keyspace().db(dbIndex);
      for (byte[] key : keys) {
        if (current.get(key) instanceof ListValue list && !list.isEmpty()) {
          byte[][] popped = edits.pop(dbIndex, key, list, request.left(), request.count());
          server.propagator().propagate(client, dbIndex, ListEdits.popCommand(key, request.left(), popped.length));
          blocking.written(dbIndex, key, client);
          return reply -> ListEdits.keyAndElements(reply, key, popped);
        }
      }
      return null;
    });
    blocking.block(client, dbIndex, keys, timeout, retry);
  }

  private void blmove(CommandContext c, boolean fromLeft, boolean toLeft, int timeoutIndex) {
    long timeout = BlockingTimeout.parseSecondsToMillis(c.arg(timeoutIndex));
    Database db = c.db();
    byte[] source = c.arg(1);
    byte[] destination = c.arg(2);
    ListValue from = db.get(source, ListValue.class);
    if (from != null && !from.isEmpty()) {
      ListValue to = db.get(destination, ListValue.class);
      c.reply().bulk(edits.move(db, source, from, destination, to, fromLeft, toLeft));
      c.propagateAs(ListEdits.moveCommand(source, destination, fromLeft, toLeft));
      return;
    }
    if (!mayBlock(c.client())) {
      c.propagateNothing();
      c.reply().nullBulk();
      return;
    }
    ShoalServer server = c.server();
    ClientConnection client = c.client();
    int dbIndex = client.db();
    BlockingRegistry blocking = registry(server);
    byte[][] lockKeys = {source, destination};
    BlockedCommand retry = () -> blocking.underLocks(lockKeys, () -> {
      Database current = server.keyspace().db(dbIndex);
      if (!(current.get(source) instanceof ListValue list) || list.isEmpty()) {
        return null;
      }
      // A destination that became another type ends the wait with WRONGTYPE, as re-running does.
      ListValue to = current.get(destination, ListValue.class);
      byte[] value = edits.move(current, source, list, destination, to, fromLeft, toLeft);
      server.propagator().propagate(client, dbIndex, ListEdits.moveCommand(source, destination, fromLeft, toLeft));
      blocking.written(dbIndex, destination, client);
      blocking.written(dbIndex, source, client);
      return reply -> reply.bulk(value);
    });
    blocking.block(client, dbIndex, new byte[][] {source}, timeout, retry);
  }
}
