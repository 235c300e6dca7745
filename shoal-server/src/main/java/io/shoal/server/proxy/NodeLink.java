package io.shoal.server.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One pooled connection from the proxy to a node's client port. Requests are queued and written
 * by the connection's own event loop, which also records the order in which replies are owed, so
 * replies always meet the request they answer however many proxy clients share the link.
 */
final class NodeLink {
  private static final int PENDING_MAX = 100_000;

  private record Request(byte[] bytes, CompletableFuture<byte[]> reply) {}

  private final ChannelFuture connected;
  private final ArrayDeque<Request> pending = new ArrayDeque<>();
  private final ArrayDeque<CompletableFuture<byte[]>> inFlight = new ArrayDeque<>();
  private volatile boolean closed;
  private final java.util.concurrent.atomic.AtomicBoolean drainScheduled = new java.util.concurrent.atomic.AtomicBoolean();

  NodeLink(EventLoopGroup group, String host, int port) {
    Bootstrap bootstrap = new Bootstrap().group(group)
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
        failAll(new IllegalStateException("cannot connect to " + host + ":" + port));
      } else {
        connected.channel().closeFuture().addListener(closedFuture -> failAll(
            new IllegalStateException("connection to " + host + ":" + port + " closed")));
        drain();
      }
    });
  }

  boolean usable() {
    return !closed;
  }

  CompletableFuture<byte[]> send(byte[] request) {
    CompletableFuture<byte[]> reply = new CompletableFuture<>();
    synchronized (this) {
      if (closed || pending.size() >= PENDING_MAX) {
        reply.completeExceptionally(new IllegalStateException("link closed or full"));
        return reply;
      }
      pending.add(new Request(request, reply));
    }
    if (connected.isSuccess() && drainScheduled.compareAndSet(false, true)) {
      // One drain task writes and flushes every request queued meanwhile: a pipeline of
      // requests costs one task and one flush, not one each.
      connected.channel().eventLoop().execute(this::drain);
    }
    return reply;
  }

  private void drain() {
    drainScheduled.set(false);
    Channel channel = connected.channel();
    boolean wrote = false;
    while (true) {
      Request next;
      synchronized (this) {
        next = pending.poll();
        if (next == null) {
          break;
        }
        inFlight.add(next.reply());
      }
      channel.write(channel.alloc().buffer(next.bytes().length).writeBytes(next.bytes()));
      wrote = true;
    }
    if (wrote) {
      channel.flush();
    }
  }

  private void failAll(Throwable cause) {
    List<CompletableFuture<byte[]>> failed = new java.util.ArrayList<>();
    synchronized (this) {
      closed = true;
      failed.addAll(inFlight);
      inFlight.clear();
      for (Request request : pending) {
        failed.add(request.reply());
      }
      pending.clear();
    }
    for (CompletableFuture<byte[]> future : failed) {
      future.completeExceptionally(cause);
    }
  }

  void close() {
    connected.channel().close();
  }

  private final class ReplyDecoder extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
      while (in.isReadable()) {
        int end = RespScanner.end(in, in.readerIndex());
        if (end < 0) {
          return;
        }
        byte[] reply = new byte[end - in.readerIndex()];
        in.readBytes(reply);
        CompletableFuture<byte[]> future;
        synchronized (NodeLink.this) {
          future = inFlight.poll();
        }
        if (future != null) {
          future.complete(reply);
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      failAll(cause);
      context.close();
    }
  }

  static String text(byte[] reply) {
    return new String(reply, StandardCharsets.UTF_8);
  }
}
