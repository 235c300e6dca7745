package io.shoal.server.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandContext;
import io.shoal.server.resp.Reply;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The commands of one proxy client whose slots this node owns, run in this process instead of
 * over a loopback link to its own client port: a third of the keys of a three-master cluster,
 * each saving a request encoded, written, read and parsed again, and a reply decoded again.
 *
 * <p>It behaves as the node's client port would for a connection of its own, in order: a command
 * parked by CLIENT PAUSE (the client turns blocked) or a reply held by a reply barrier (durable
 * mode, {@code appendfsync always}) holds back every later command of this client until it is
 * released; a hold that ends without release (a write that could not be made durable) closes the
 * proxy client, so it cannot take the write as done. Gates run as for any client, so a slot that
 * moved meanwhile answers MOVED or ASK, which the proxy follows. Everything runs on the proxy
 * connection's event loop.
 */
final class LocalNode {
  // Replies are slices of one buffer, replaced once this much of it is used.
  private static final int REPLIES_CAPACITY = 32 * 1024;

  /** A command waiting for the one before it (parked or held) to finish. */
  private record Queued(byte[][] args, NodeLink.Receiver receiver) {}

  private final ShoalServer server;
  private final Channel channel;
  private final EventLoop loop;
  private final ClientConnection client;
  private final CommandContext context;
  private final Reply reply;
  private final ArrayDeque<Queued> queued = new ArrayDeque<>();
  private ByteBuf replies;
  // The command parked by CLIENT PAUSE: its reply comes later through the client's send().
  private NodeLink.Receiver parked;
  private boolean held;
  private boolean closed;

  LocalNode(ShoalServer server, Channel channel) {
    this.server = server;
    this.channel = channel;
    this.loop = channel.eventLoop();
    boolean needsAuth = !server.core().requirepass.text().isEmpty();
    this.reply = new Reply(null);
    this.client = new ClientConnection(server.clients().nextId(), channel, reply, server.nowMillis(), !needsAuth);
    this.context = new CommandContext(server, client);
    client.outbound(writer -> loop.execute(() -> sent(writer)));
    client.onResume(() -> loop.execute(this::runQueued));
  }

  /** Runs the command now, or behind a parked or held one. */
  void run(byte[][] args, NodeLink.Receiver receiver) {
    if (closed) {
      receiver.failed(new IllegalStateException("proxy client closed"));
      return;
    }
    if (waiting()) {
      queued.add(new Queued(args, receiver));
      return;
    }
    execute(args, receiver);
  }

  /** Whether this proxy client has logged in (AUTH or HELLO ... AUTH on this connection). */
  boolean authenticated() {
    return client.authenticated();
  }

  private boolean waiting() {
    return held || parked != null || client.blocked() || !queued.isEmpty();
  }

  private void execute(byte[][] args, NodeLink.Receiver receiver) {
    ByteBuf out = replies();
    int start = out.writerIndex();
    reply.redirect(out);
    client.lastInteraction(server.nowMillis(), args[0]);
    try {
      server.dispatcher().dispatch(context, args);
    } catch (RuntimeException e) {
      reply.error("ERR internal error: " + e);
    } finally {
      reply.redirect(null);
    }
    if (client.blocked() && out.writerIndex() == start) {
      parked = receiver; // CLIENT PAUSE parked it: it runs, and answers, when the pause ends
      return;
    }
    int length = out.writerIndex() - start;
    out.readerIndex(out.writerIndex());
    CompletableFuture<Boolean> hold = server.replyHold(client);
    if (hold == null) {
      receiver.reply(out, start, length, null); // copied by the receiver if it can write it now
      return;
    }
    ByteBuf answer = out.retainedSlice(start, length);
    held = true;
    hold.whenComplete((release, error) -> loop.execute(() -> released(answer, receiver,
        Boolean.TRUE.equals(release) && error == null)));
  }

  private void released(ByteBuf answer, NodeLink.Receiver receiver, boolean release) {
    held = false;
    if (!release || closed) {
      answer.release();
      // As the client port does: a write that could not be made durable is never acknowledged.
      channel.close();
      return;
    }
    deliver(answer, receiver);
    runQueued();
  }

  /** The reply of the parked command, written when the pause ended. */
  private void sent(java.util.function.Consumer<Reply> writer) {
    if (closed) {
      return; // as the client port does: a parked command of a client that left never runs
    }
    ByteBuf out = replies();
    int start = out.writerIndex();
    reply.redirect(out);
    try {
      writer.accept(reply);
    } finally {
      reply.redirect(null);
    }
    NodeLink.Receiver receiver = parked;
    if (receiver == null) {
      out.readerIndex(out.writerIndex());
      return;
    }
    if (client.blocked() && out.writerIndex() == start) {
      return; // parked again
    }
    parked = null;
    int length = out.writerIndex() - start;
    out.readerIndex(out.writerIndex());
    receiver.reply(out, start, length, null);
  }

  private static void deliver(ByteBuf answer, NodeLink.Receiver receiver) {
    try {
      receiver.reply(answer, answer.readerIndex(), answer.readableBytes(), null);
    } finally {
      answer.release();
    }
  }

  private void runQueued() {
    Queued next;
    while (!closed && !held && parked == null && !client.blocked() && (next = queued.poll()) != null) {
      execute(next.args(), next.receiver());
    }
  }

  private ByteBuf replies() {
    if (replies == null || replies.writerIndex() > REPLIES_CAPACITY) {
      if (replies != null) {
        replies.release();
      }
      replies = channel.alloc().buffer(REPLIES_CAPACITY + 4096);
    }
    return replies;
  }

  /** The proxy client went away: what waits fails, nothing more runs. */
  void close() {
    closed = true;
    client.closing(true);
    Queued next;
    while ((next = queued.poll()) != null) {
      next.receiver().failed(new IllegalStateException("proxy client closed"));
    }
    if (parked != null) {
      parked.failed(new IllegalStateException("proxy client closed"));
      parked = null;
    }
    if (replies != null) {
      replies.release();
      replies = null;
    }
  }
}
