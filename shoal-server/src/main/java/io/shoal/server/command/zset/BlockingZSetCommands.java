package io.shoal.server.command.zset;

import static io.shoal.server.command.CommandFlag.BLOCKING;
import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.WRITE;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.shoal.server.ShoalServer;
import io.shoal.server.blocking.BlockedCommand;
import io.shoal.server.blocking.BlockingRegistry;
import io.shoal.server.blocking.BlockingTimeout;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.resp.Reply;
import java.util.Arrays;

/**
 * BZPOPMIN, BZPOPMAX and BZMPOP: the pop family of {@link ZPopCommands} on top of the blocking
 * framework. When a waited-on key is written, the retry pops on behalf of the blocked client in a
 * scratch context of its own (the client's connection context belongs to its event loop) and hands
 * the captured reply bytes to the client's event loop.
 */
final class BlockingZSetCommands {
  private BlockingZSetCommands() {}

  static void install(ShoalServer server) {
    server.register(blocking("bzpopmin", -3, "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", "5.0.0")
        .keys(1, -2, 1).handler(c -> bzpop(c, false)).build());
    server.register(blocking("bzpopmax", -3, "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.", "5.0.0")
        .keys(1, -2, 1).handler(c -> bzpop(c, true)).build());
    server.register(blocking("bzmpop", -5, "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.", "7.0.0")
        .keys(ZPopCommands.multiPopKeys(2)).handler(BlockingZSetCommands::bzmpop).build());
  }

  private static CommandSpec.Builder blocking(String name, int arity, String summary, String since) {
    return CommandSpec.builder(name, arity).flags(WRITE, FAST, BLOCKING).acl("@write", "@sortedset", "@fast", "@blocking")
        .group("sorted-set").doc(summary, since, "O(log(N)) with N being the number of elements in the sorted set.");
  }

  private static void bzpop(CommandContext c, boolean max) {
    long timeout = BlockingTimeout.parseSecondsToMillis(c.arg(c.argc() - 1));
    byte[][] keys = Arrays.copyOfRange(c.args(), 1, c.argc() - 1);
    for (byte[] key : keys) {
      if (ZPopCommands.popAndReply(c, key, max, 1, ZPopCommands.Shape.KEY_MEMBER_SCORE)) {
        return;
      }
    }
    blockOrGiveUp(c, keys, timeout, max, 1, ZPopCommands.Shape.KEY_MEMBER_SCORE);
  }

  private static void bzmpop(CommandContext c) {
    long timeout = BlockingTimeout.parseSecondsToMillis(c.arg(1));
    ZPopCommands.MultiPop request = ZPopCommands.MultiPop.parse(c, 2);
    byte[][] keys = Arrays.copyOfRange(c.args(), 3, 3 + request.keyCount());
    for (byte[] key : keys) {
      if (ZPopCommands.popAndReply(c, key, request.max(), request.count(), ZPopCommands.Shape.WITH_KEY)) {
        return;
      }
    }
    blockOrGiveUp(c, keys, timeout, request.max(), request.count(), ZPopCommands.Shape.WITH_KEY);
  }

  private static void blockOrGiveUp(CommandContext c, byte[][] keys, long timeout, boolean max, long count,
      ZPopCommands.Shape shape) {
    ClientConnection client = c.client();
    if (client.inMulti() || client.denyBlocking()) {
      c.propagateNothing();
      c.reply().nullArray();
      return;
    }
    ShoalServer server = c.server();
    BlockingRegistry blocking = server.module(BlockingRegistry.class);
    int db = client.db();
    CommandSpec spec = c.spec();
    byte[][] args = c.args();
    BlockedCommand retry = () -> blocking.underLocks(keys, () -> {
      ByteBuf captured = Unpooled.buffer();
      Reply scratchReply = new Reply(captured);
      scratchReply.protocol(client.protocol());
      ClientConnection scratch = new ClientConnection(-1, null, scratchReply, server.nowMillis(), true);
      scratch.db(db);
      CommandContext context = new CommandContext(server, scratch);
      context.prepare(spec, args);
      for (byte[] key : keys) {
        if (ZPopCommands.popAndReply(context, key, max, count, shape)) {
          // Served after another client's write: the pop propagates here, under the key's lock.
          server.propagator().propagateAtomically(client, db, context.propagation());
          blocking.written(db, key, client);
          byte[] bytes = new byte[captured.readableBytes()];
          captured.readBytes(bytes);
          return reply -> reply.raw(bytes);
        }
      }
      return null;
    });
    blocking.block(client, db, keys, timeout, retry);
  }
}
