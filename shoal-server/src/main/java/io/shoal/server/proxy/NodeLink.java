package io.shoal.server.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One connection from the proxy to a node's client port, owned by one event loop: the proxy
 * clients of that loop share it, and everything about it (queueing requests, writing them, reading
 * replies) happens on that loop, so it needs no lock and no task hand-over per command. Requests
 * queued while the loop handles a batch of reads are written with one write and one flush (a
 * pipeline to the owner); replies meet their requests in the order they were queued.
 */
final class NodeLink {
  private static final int PENDING_MAX = 100_000;

  /** Who gets the reply to one request; called on the link's loop. */
  interface Receiver {
    /**
     * The reply: {@code length} bytes of {@code in} from {@code index}, readable during this call
     * only (the receiver copies or slices what it keeps). {@code requests} holds the bytes of the
     * request it answers, at the index {@link #send} returned, also during this call only; null
     * when the reply did not come over a link.
     */
    void reply(ByteBuf in, int index, int length, ByteBuf requests);

    void failed(Throwable cause);
  }

  private static final byte[] AUTH = "AUTH".getBytes(StandardCharsets.US_ASCII);
  /** For requests whose reply nobody needs (AUTH of the link, ASKING). */
  static final Receiver IGNORED = new Receiver() {
    @Override
    public void reply(ByteBuf in, int index, int length, ByteBuf requests) {}

    @Override
    public void failed(Throwable cause) {}
  };

  /**
   * The requests written together, kept until the last of them is answered: a request the owner
   * answers with MOVED or ASK is sent again from here, so the proxy forwards requests without
   * keeping a copy of each. Holds one reference to its buffer.
   */
  private static final class Batch {
    final ByteBuf requests;
    int unanswered;

    Batch(ByteBuf requests) {
      this.requests = requests;
    }
  }

  private final EventLoop loop;
  private final String endpoint;
  private final ChannelFuture connected;
  private final ArrayDeque<Receiver> inFlight = new ArrayDeque<>();
  // The batches of the requests in flight, oldest first; the last one is out's while it fills.
  private final ArrayDeque<Batch> batches = new ArrayDeque<>();
  // Requests not written yet: filled while the loop reads, written once per loop iteration.
  private ByteBuf out;
  private boolean flushQueued;
  private boolean closed;

  /**
   * Opens the link; with a {@code password} its first request is AUTH, so a node with
   * {@code requirepass} serves the clients sharing the link. A failed AUTH is not fatal: the node
   * then answers each request with its own NOAUTH error, which the client sees.
   */
  NodeLink(EventLoop loop, String host, int port, String password) {
    this.loop = loop;
    this.endpoint = host + ":" + port;
    Bootstrap bootstrap = new Bootstrap().group(loop)
        .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(new ReplyDecoder());
          }
        });
    connected = bootstrap.connect(host, port);
    connected.addListener(future -> {
      if (!future.isSuccess()) {
        failAll(new IllegalStateException("cannot connect to " + endpoint));
      } else {
        connected.channel().closeFuture().addListener(closedFuture -> failAll(
            new IllegalStateException("connection to " + endpoint + " closed")));
        flush();
      }
    });
    if (!password.isEmpty()) {
      send(RespScanner.encode(new byte[][] {AUTH, password.getBytes(StandardCharsets.UTF_8)}), IGNORED);
    }
  }

  /** False once the connection failed or closed: the proxy then opens a new one. Loop only. */
  boolean usable() {
    return !closed;
  }

  /**
   * Queues {@code length} request bytes of {@code source} from {@code index}; returns where they
   * are in the requests the receiver's reply comes with, or -1 if the link refused them (the
   * receiver was told). Loop only.
   */
  int send(ByteBuf source, int index, int length, Receiver receiver) {
    if (!admit(receiver)) {
      return -1;
    }
    ByteBuf buffer = buffer(length);
    int at = buffer.writerIndex();
    buffer.writeBytes(source, index, length);
    return at;
  }

  /** Queues {@code length} request bytes of {@code source} from {@code index}, as above. Loop only. */
  int send(byte[] source, int index, int length, Receiver receiver) {
    if (!admit(receiver)) {
      return -1;
    }
    ByteBuf buffer = buffer(length);
    int at = buffer.writerIndex();
    buffer.writeBytes(source, index, length);
    return at;
  }

  /** Queues an encoded request, as above. Loop only. */
  int send(byte[] request, Receiver receiver) {
    return send(request, 0, request.length, receiver);
  }

  private boolean admit(Receiver receiver) {
    if (closed || inFlight.size() >= PENDING_MAX) {
      receiver.failed(new IllegalStateException("link to " + endpoint + " closed or full"));
      return false;
    }
    inFlight.add(receiver);
    if (!flushQueued) {
      // Behind the reads of this loop iteration: every request they queue leaves in one write.
      flushQueued = true;
      loop.execute(this::flush);
    }
    return true;
  }

  private ByteBuf buffer(int length) {
    if (out == null) {
      out = connected.channel().alloc().buffer(Math.max(256, length));
      batches.add(new Batch(out));
    }
    batches.peekLast().unanswered++;
    return out;
  }

  private void flush() {
    flushQueued = false;
    if (out == null || !connected.isSuccess()) {
      return; // not connected yet: the connect listener flushes
    }
    ByteBuf requests = out;
    out = null;
    // The write releases its own reference; the batch keeps its one until the replies are in.
    connected.channel().writeAndFlush(requests.retain(), connected.channel().voidPromise());
  }

  private void failAll(Throwable cause) {
    closed = true;
    out = null;
    Receiver receiver;
    while ((receiver = inFlight.poll()) != null) {
      receiver.failed(cause);
    }
    Batch batch;
    while ((batch = batches.poll()) != null) {
      batch.requests.release();
    }
  }

  void close() {
    Channel channel = connected.channel();
    channel.close();
  }

  private final class ReplyDecoder extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
      while (in.isReadable()) {
        int start = in.readerIndex();
        int end = RespScanner.end(in, start);
        if (end < 0) {
          return;
        }
        in.readerIndex(end);
        // The receiver copies the reply or keeps a slice: it goes to the client as the owner sent it.
        Receiver receiver = inFlight.poll();
        Batch batch = batches.peek();
        if (receiver != null) {
          receiver.reply(in, start, end - start, batch == null ? null : batch.requests);
        }
        if (batch != null && --batch.unanswered == 0 && batch.requests != out) {
          batches.poll();
          batch.requests.release();
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      failAll(cause);
      context.close();
    }
  }
}
