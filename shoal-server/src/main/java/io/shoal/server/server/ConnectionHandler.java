package io.shoal.server.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.Socket;
import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.command.Dispatcher;
import io.shoal.server.keyspace.KeyPrefetch;
import io.shoal.server.resp.ProtocolException;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.RequestParser;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * One client connection on its Netty event loop: bytes in, requests parsed, commands run, replies
 * out. All requests that arrived in one read are answered with one flush, which is what makes
 * pipelining cheap. While a command is blocked (BLPOP...), later requests stay unparsed in the
 * input buffer and reading pauses, so replies stay in order.
 */
public final class ConnectionHandler extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(ConnectionHandler.class.getName());

  /** Input buffers up to this size are kept between reads (Redis's PROTO_IOBUF_LEN). */
  private static final int KEPT_INPUT_BYTES = 16 * 1024;
  /** Output buffers up to this size are kept between flushes (Redis's PROTO_REPLY_CHUNK_BYTES). */
  private static final int KEPT_OUTPUT_BYTES = 16 * 1024;
  /** Requests parsed ahead of running them (see processRequests). */
  private static final int AHEAD_MAX = KeyPrefetch.MAX_KEYS;
  /** A batch parsed ahead ends after this much input, so that few large requests are copied at once. */
  private static final int AHEAD_BYTES = 64 * 1024;

  private final ShoalServer server;
  private final RequestParser parser;
  private ClientConnection client;
  private CommandContext context;
  private Reply reply;
  private ChannelHandlerContext channelContext;
  /** The epoll transport's socket, which replies are written to directly (see writeDirect); null on NIO. */
  private Socket socket;
  private ByteBuf input;
  private ByteBuf output;
  /** True while a {@link ReplyBarrier} holds the output: nothing is read or flushed meanwhile. */
  private boolean held;
  /** True when a read since the last read-complete held more than one request (a pipeline). */
  private boolean pipelinedRead;
  /** True while this connection waits in its event loop's {@link FlushBatch}. */
  private boolean inFlushBatch;
  /** Requests parsed ahead, and the input's reader index after each. */
  private final byte[][][] pending = new byte[AHEAD_MAX][][];
  /** Their commands as looked up, and the slots of their first keys when prefetched (else -1). */
  private final CommandSpec[] pendingSpecs = new CommandSpec[AHEAD_MAX];
  private final int[] pendingSlots = new int[AHEAD_MAX];
  private final int[] pendingEnds = new int[AHEAD_MAX];
  private final KeyPrefetch prefetch = new KeyPrefetch();

  public ConnectionHandler(ShoalServer server) {
    this.server = server;
    this.parser = new RequestParser(server.core().protoMaxBulkLen.asLong());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.channelContext = ctx;
    if (ctx.channel() instanceof EpollSocketChannel epoll && epoll.fd() instanceof Socket direct) {
      socket = direct;
    }
    boolean needsAuth = !server.core().requirepass.text().isEmpty();
    reply = new Reply(null);
    client = new ClientConnection(server.clients().nextId(), ctx.channel(), reply, server.nowMillis(), !needsAuth);
    context = new CommandContext(server, client);
    parser.authenticated(!needsAuth);
    client.outbound(this::sendLater);
    client.onResume(() -> ctx.executor().execute(this::resumeAfterBlock));
    if (server.clients().size() >= server.core().maxclients.asInt() || server.stopping()) {
      server.clients().countRejected();
      ByteBuf error = ctx.alloc().buffer();
      reply.redirect(error);
      reply.error("ERR max number of clients reached");
      ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
      client.closing(true);
      return;
    }
    server.clients().add(client);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (client != null) {
      server.clients().remove(client);
      server.connectionClosed(client);
    }
    if (input != null) {
      input.release();
      input = null;
    }
    releaseOutput();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    ByteBuf bytes = (ByteBuf) message;
    server.stats().netInputBytes.add(bytes.readableBytes());
    if (client.closing()) {
      bytes.release();
      return;
    }
    // Requests are parsed from a heap copy (see RequestParser.next): one bulk copy per read
    // instead of a checked access per byte of the direct buffer the socket was read into.
    if (input == null) {
      input = ctx.alloc().heapBuffer(Math.max(bytes.readableBytes(), KEPT_INPUT_BYTES));
      input.writeBytes(bytes);
      bytes.release();
    } else {
      if (input.writableBytes() < bytes.readableBytes()) {
        input.discardReadBytes();
        if (input.writableBytes() < bytes.readableBytes()) {
          ByteBuf larger = ctx.alloc().heapBuffer(Math.max(input.readableBytes() + bytes.readableBytes(), input.capacity() * 2));
          larger.writeBytes(input);
          input.release();
          input = larger;
        }
      }
      input.writeBytes(bytes);
      bytes.release();
    }
    if (input.readableBytes() > server.core().queryBufferLimit.asLong()) {
      LOG.log(System.Logger.Level.WARNING, "closing client {0}: query buffer over client-query-buffer-limit", client.address());
      closeNow();
      return;
    }
    processInput();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (inFlushBatch) {
      return;
    }
    boolean pipelined = pipelinedRead;
    pipelinedRead = false;
    if (!held && output != null && output.isReadable()) {
      boolean barrier = server.batchesReplies(client);
      if (barrier || pipelined) {
        // A pipelined batch's replies go out with the event loop's other connections at the end of
        // the iteration, as Redis writes every client's replies in beforeSleep: flushed one by one
        // as each batch finished, the connections read first in an iteration waited less and the
        // last ones more (-P 16 p99 above Redis's with a lower p50; docs/performance.md, seventh round).
        inFlushBatch = true;
        FlushBatch.join(server, this, ctx.executor(), barrier);
        return;
      }
    }
    flush();
  }

  /** The flush a {@link FlushBatch} deferred, after the barriers' shared work for the batch. */
  void flushBatched() {
    inFlushBatch = false;
    flush();
  }

  private void processInput() {
    // One clock read per batch of requests, as Redis stamps lastinteraction once per read.
    long now = server.nowMillis();
    context.batchClock(System.nanoTime());
    boolean closed;
    try {
      closed = processRequests(now);
    } finally {
      context.batchClock(0);
    }
    if (closed) {
      return;
    }
    if (input != null && !input.isReadable()) {
      // A small buffer stays for the next read; a large one goes back to the allocator.
      if (input.capacity() <= KEPT_INPUT_BYTES) {
        input.clear();
      } else {
        input.release();
        input = null;
      }
    }
    // Stop reading while blocked: later requests must wait for the blocked command's reply.
    // (Set only on a change: setting it is an atomic swap, a full fence per read otherwise.)
    boolean autoRead = !client.blocked() && !held;
    io.netty.channel.ChannelConfig config = channelContext.channel().config();
    if (config.isAutoRead() != autoRead) {
      config.setAutoRead(autoRead);
    }
  }

  /**
   * Runs the complete requests in the input; true if a protocol error closed the connection.
   *
   * <p>The requests of a read are parsed ahead in batches of up to {@link #AHEAD_MAX}, and the
   * keyspace places of their keys are brought into the cache together ({@link KeyPrefetch})
   * before they run in order: on a keyspace larger than the cache each lookup is a chain of
   * memory misses, and this makes the chains of a batch overlap instead of following one another.
   * Everything else stays as if requests were parsed one at a time: when a request blocks, holds
   * the connection's replies, closes it (QUIT) or drops its authentication (RESET), the requests
   * parsed after it go back to the input (its reader index moves back and the parser forgets any
   * partial request) and are parsed again when the connection goes on; a protocol error found
   * ahead is answered after the replies of the requests before it, as it would have been.
   * Before authentication the parser's small limits apply, so requests are then parsed one at a
   * time.
   */
  private boolean processRequests(long now) {
    while (input != null && input.isReadable() && runnable()) {
      int start = input.readerIndex();
      boolean ahead = client.authenticated();
      int limit = ahead ? AHEAD_MAX : 1;
      int count = 0;
      boolean complete = true;
      ProtocolException error = null;
      while (count < limit) {
        byte[][] args;
        try {
          parser.authenticated(client.authenticated());
          args = parser.next(input);
        } catch (ProtocolException e) {
          error = e;
          break;
        }
        if (args == null) {
          complete = false;
          break;
        }
        if (args.length == 0) {
          continue;
        }
        pending[count] = args;
        pendingSpecs[count] = server.commands().lookup(args[0]);
        pendingSlots[count] = -1;
        pendingEnds[count] = input.readerIndex();
        count++;
        if (input.readerIndex() - start > AHEAD_BYTES) {
          break;
        }
      }
      if (count > 1) {
        pipelinedRead = true;
        prefetchKeys(count);
      }
      int ran = 0;
      while (ran < count) {
        if (ran > 0 && !mayRunAhead(ahead)) {
          break;
        }
        byte[][] args = pending[ran];
        CommandSpec spec = pendingSpecs[ran];
        pending[ran] = null;
        pendingSpecs[ran] = null;
        execute(args, spec, pendingSlots[ran], now);
        ran++;
      }
      if (ran < count) {
        java.util.Arrays.fill(pending, ran, count, null);
        java.util.Arrays.fill(pendingSpecs, ran, count, null);
        rewindTo(pendingEnds[ran - 1]);
        continue;
      }
      if (error != null) {
        if (count > 0 && !mayRunAhead(ahead)) {
          // The error is found again when the input is parsed after the stop.
          rewindTo(pendingEnds[count - 1]);
          continue;
        }
        ensureOutput();
        reply.error(error.getMessage());
        client.closing(true);
        flushAndClose();
        return true;
      }
      if (!complete || count == 0) {
        break;
      }
    }
    return false;
  }

  /** True while the next request may run now (not blocked, closing or held). */
  private boolean runnable() {
    return !client.blocked() && !client.closing() && !held;
  }

  /**
   * True while requests parsed ahead may still run: nothing stopped the connection, and requests
   * parsed as authenticated still are (RESET drops authentication).
   */
  private boolean mayRunAhead(boolean parsedAuthenticated) {
    return runnable() && (!parsedAuthenticated || client.authenticated());
  }

  /** Puts the input back to just after the request that ended at {@code end}; the rest is parsed again later. */
  private void rewindTo(int end) {
    if (input != null) {
      input.readerIndex(end);
    }
    parser.reset();
  }

  private void prefetchKeys(int count) {
    if (client.inMulti()) {
      return; // queued, not run now
    }
    for (int i = 0; i < count; i++) {
      byte[] key = Dispatcher.prefetchKey(pendingSpecs[i], pending[i]);
      if (key != null) {
        // The dispatcher takes the slot computed here instead of hashing the key again.
        pendingSlots[i] = prefetch.add(key, Dispatcher.prefetchMember(pendingSpecs[i], pending[i]),
            Dispatcher.prefetchPop(pendingSpecs[i], pending[i]));
      }
    }
    if (prefetch.size() > 1) {
      prefetch.run(server.keyspace().db(client.db()), context.randomDraws());
    } else {
      prefetch.clear(); // one key: nothing to overlap
    }
  }

  private void execute(byte[][] args, CommandSpec spec, int firstKeySlot, long now) {
    ensureOutput();
    client.lastInteraction(now, args[0]);
    boolean skipping = client.skipNextReply();
    boolean discard = client.replyMode() != ClientConnection.ReplyMode.ON || skipping;
    ByteBuf real = null;
    if (discard) {
      real = reply.redirect(channelContext.alloc().heapBuffer());
      client.skipNextReply(false);
    }
    try {
      server.dispatcher().dispatch(context, args, spec, firstKeySlot);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "command failed unexpectedly", e);
      reply.error("ERR internal error: " + e);
    } finally {
      if (discard) {
        ByteBuf discarded = reply.redirect(real);
        if (!skipping && client.replyMode() == ClientConnection.ReplyMode.ON) {
          real.writeBytes(discarded); // CLIENT REPLY ON is answered although replies were off.
        }
        discarded.release();
      }
    }
    if (client.closing()) {
      flushAndClose();
    } else if (output.readableBytes() > 64 * 1024) {
      context.flushTally(); // replies leave before the batch ends: their calls are counted first
      flush();
    }
  }

  private void ensureOutput() {
    if (output == null) {
      output = channelContext.alloc().ioBuffer(256);
      reply.redirect(output);
    }
  }

  private void flush() {
    if (held || output == null || !output.isReadable()) {
      return;
    }
    java.util.concurrent.CompletableFuture<Boolean> hold = server.replyHold(client);
    if (hold != null) {
      // Reading goes on until a request arrives while held (processInput then turns it off): a
      // client that waits for its reply sends nothing, and pays no epoll_ctl on and off per hold.
      held = true;
      HeldReplies.await(hold, this, channelContext.executor());
      return;
    }
    if (output != null && output.isReadable()) {
      server.stats().netOutputBytes.add(output.readableBytes());
      if (writeDirect()) {
        return;
      }
      channelContext.writeAndFlush(detachOutput(), channelContext.voidPromise());
    }
  }

  /**
   * Writes the output straight to the socket when nothing of this connection waits in Netty's
   * outbound buffer (so order is kept), and keeps the buffer for the next replies; false when
   * the output, or what the socket did not take, must go through Netty's write instead (which
   * waits for the socket to drain, and meets and handles any error of the socket as usual).
   *
   * <p>An unpipelined request is one read and one write: Netty's write path (the pipeline's
   * write and flush, an outbound entry, a buffer allocated and released per flush) was about a
   * tenth of the node's own CPU time per request (docs/performance.md, sixth round).
   */
  private boolean writeDirect() {
    if (socket == null || !output.hasMemoryAddress()) {
      return false;
    }
    ChannelOutboundBuffer queued = channelContext.channel().unsafe().outboundBuffer();
    if (queued == null || queued.totalPendingWriteBytes() != 0) {
      return false;
    }
    int written;
    try {
      written = socket.sendAddress(output.memoryAddress(), output.readerIndex(), output.writerIndex());
    } catch (IOException e) {
      return false;
    }
    output.readerIndex(output.readerIndex() + written);
    if (output.isReadable()) {
      return false;
    }
    if (output.capacity() <= KEPT_OUTPUT_BYTES) {
      output.clear();
    } else {
      releaseOutput();
    }
    return true;
  }

  /** The barrier's hold completed: true sends the held replies, false closes without them. */
  void released(boolean release) {
    held = false;
    if (!channelContext.channel().isActive()) {
      return;
    }
    if (!release) {
      LOG.log(System.Logger.Level.WARNING, "closing client {0}: its writes could not be made durable in time",
          client.address());
      closeNow();
      return;
    }
    flush();
    if (!held) {
      resumeAfterBlock();
    }
  }

  private void flushAndClose() {
    ByteBuf held = detachOutput();
    ByteBuf toSend = held == null ? channelContext.alloc().buffer(0) : held;
    channelContext.writeAndFlush(toSend).addListener(ChannelFutureListener.CLOSE);
  }

  /** Takes the output buffer (null if none) from this handler and the reply, which then has none. */
  private ByteBuf detachOutput() {
    ByteBuf taken = output;
    output = null;
    reply.redirect(null);
    return taken;
  }

  private void releaseOutput() {
    if (output != null) {
      detachOutput().release();
    }
  }

  private void closeNow() {
    client.closing(true);
    releaseOutput();
    channelContext.close();
  }

  /** Runs a writer on the event loop against this connection's reply and flushes it. */
  private void sendLater(Consumer<Reply> writer) {
    if (channelContext.executor().inEventLoop()) {
      sendNow(writer);
    } else {
      channelContext.executor().execute(() -> sendNow(writer));
    }
  }

  private void sendNow(Consumer<Reply> writer) {
    if (!channelContext.channel().isActive()) {
      return;
    }
    ensureOutput();
    writer.accept(reply);
    flush();
  }

  private void resumeAfterBlock() {
    if (!client.blocked() && channelContext.channel().isActive()) {
      processInput();
      flush();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      LOG.log(System.Logger.Level.WARNING, "connection error from " + (client == null ? "?" : client.address()), cause);
    }
    ctx.close();
  }
}
