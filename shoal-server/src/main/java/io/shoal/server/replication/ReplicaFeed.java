package io.shoal.server.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.shoal.server.client.ClientConnection;
import java.nio.charset.StandardCharsets;

/**
 * One replica attached to this node, master side: the connection that sent PSYNC, what it
 * acknowledged, and the stream bytes on their way to it. Until its snapshot has been sent the
 * stream is buffered; then bytes are written in batches on the connection's event loop, one task
 * per batch however many commands were appended meanwhile.
 */
final class ReplicaFeed {
  private static final System.Logger LOG = System.getLogger(ReplicaFeed.class.getName());

  enum State { WAIT_BGSAVE, ONLINE }

  private final ClientConnection client;
  private final Channel channel;
  private final long outputLimit;
  // Stream bytes not handed to the connection yet; the flush task takes the whole buffer.
  private ByteBuf pending;
  private boolean flushScheduled;
  private volatile State state = State.WAIT_BGSAVE;
  private volatile int listeningPort;
  private volatile String announcedIp;
  private volatile long ackOffset;
  private volatile long lastAckMillis;
  private volatile boolean closed;

  ReplicaFeed(ClientConnection client, long outputLimit, long nowMillis) {
    this.client = client;
    this.channel = client.channel();
    this.outputLimit = outputLimit;
    this.lastAckMillis = nowMillis;
  }

  ClientConnection client() {
    return client;
  }

  /** Appends the first {@code length} stream bytes of {@code bytes}; called under the stream lock, in stream order. */
  synchronized void write(byte[] bytes, int length) {
    if (closed) {
      return;
    }
    if (pending == null) {
      pending = channel.alloc().buffer(Math.max(4096, length));
    }
    pending.writeBytes(bytes, 0, length);
    if (outputLimit > 0 && pending.readableBytes() + queuedOnSocket() > outputLimit) {
      LOG.log(System.Logger.Level.WARNING, "Client " + client.address() + " scheduled to be closed ASAP for"
          + " overcoming of output buffer limits (replica, " + outputLimit + " bytes)");
      close();
      return;
    }
    if (state == State.ONLINE && !flushScheduled) {
      flushScheduled = true;
      channel.eventLoop().execute(this::flush);
    }
  }

  private long queuedOnSocket() {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    return buffer == null ? 0 : buffer.totalPendingWriteBytes();
  }

  private void flush() {
    ByteBuf bytes;
    synchronized (this) {
      flushScheduled = false;
      if (pending == null || closed) {
        return;
      }
      bytes = pending;
      pending = null;
    }
    channel.writeAndFlush(bytes, channel.voidPromise());
  }

  /** Bytes outside the stream (the PSYNC answer, the snapshot), in order with everything sent. */
  void sendRaw(byte[] bytes) {
    channel.eventLoop().execute(() -> channel.writeAndFlush(Unpooled.wrappedBuffer(bytes), channel.voidPromise()));
  }

  void sendLine(String line) {
    sendRaw((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** The snapshot went out: from now on the stream flows, starting with what was buffered. */
  synchronized void online() {
    state = State.ONLINE;
    if (!flushScheduled) {
      flushScheduled = true;
      channel.eventLoop().execute(this::flush);
    }
  }

  void close() {
    synchronized (this) {
      closed = true;
      if (pending != null) {
        pending.release();
        pending = null;
      }
    }
    client.closing(true);
    channel.close();
  }

  boolean closed() {
    return closed || !channel.isActive();
  }

  State state() {
    return state;
  }

  void ack(long offset, long nowMillis) {
    if (offset > ackOffset) {
      ackOffset = offset;
    }
    lastAckMillis = nowMillis;
  }

  long ackOffset() {
    return ackOffset;
  }

  long lastAckMillis() {
    return lastAckMillis;
  }

  int listeningPort() {
    return listeningPort;
  }

  void listeningPort(int port) {
    this.listeningPort = port;
  }

  void announcedIp(String ip) {
    this.announcedIp = ip;
  }

  String ip() {
    if (announcedIp != null) {
      return announcedIp;
    }
    String address = client.address();
    int colon = address.lastIndexOf(':');
    return colon > 0 ? address.substring(0, colon) : address;
  }
}
