package io.shoal.cluster.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.shoal.cluster.member.NodeAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster bus over TCP: length-prefixed, versioned {@link FrameCodec frames}, one outbound
 * connection per peer, opened on first use.
 *
 * <p>Everything, the listening socket, every connection and every handler, runs on one event
 * loop, the member's protocol thread, so protocol state needs no locks and handlers see
 * messages in the order their connection delivered them. A member sends little (a few KB a
 * second), so one thread is plenty. Frames waiting for a connection to open are bounded; a
 * failed connection drops them, counted, and the next send tries again: the protocol repairs
 * loss, it does not need retries here. Nothing a peer sends can throw out of this class.
 */
public final class NettyTransport implements Transport {

    public static final int PENDING_FRAMES_MAX = 1024;
    public static final int CONNECT_TIMEOUT_MILLIS = 2_000;

    private final NodeAddress advertised;
    private final String bindHost;
    private final EventLoop loop;
    private final int frameBytesMax;
    private final TransportCounters counters = new TransportCounters();
    private final Map<Integer, MessageHandler> handlers = new ConcurrentHashMap<>();
    private final Map<String, Peer> peers = new HashMap<>();
    private Channel server;

    private static final class Peer {
        Channel channel;
        final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    }

    public NettyTransport(NodeAddress advertised, String bindHost, EventLoop loop, int frameBytesMax) {
        this.advertised = advertised;
        this.bindHost = bindHost;
        this.loop = loop;
        this.frameBytesMax = frameBytesMax;
    }

    /** Binds the bus port; blocks until bound. Call from outside the event loop. */
    public void bind() throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop, loop)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new FrameDecoder(frameBytesMax, counters), new Inbound());
                    }
                });
        server = bootstrap.bind(new InetSocketAddress(bindHost, advertised.busPort())).sync().channel();
    }

    @Override
    public NodeAddress localAddress() {
        return advertised;
    }

    @Override
    public TransportCounters counters() {
        return counters;
    }

    @Override
    public void register(int type, MessageHandler handler) {
        handlers.put(type, handler);
    }

    @Override
    public void send(NodeAddress to, int type, byte[] payload) {
        byte[] frame = FrameCodec.encode(advertised, type, payload);
        if (frame.length > frameBytesMax) {
            counters.oversized();
            return;
        }
        if (loop.inEventLoop()) {
            sendOnLoop(to, frame);
        } else {
            loop.execute(() -> sendOnLoop(to, frame));
        }
    }

    private void sendOnLoop(NodeAddress to, byte[] frame) {
        String key = to.host() + ":" + to.busPort();
        Peer peer = peers.get(key);
        if (peer == null) {
            peer = new Peer();
            peers.put(key, peer);
            connect(key, to, peer);
        }
        if (peer.channel != null && peer.channel.isActive()) {
            write(peer.channel, frame);
        } else if (peer.pending.size() < PENDING_FRAMES_MAX) {
            peer.pending.add(frame);
        } else {
            counters.sendFailed();
        }
    }

    private void connect(String key, NodeAddress to, Peer peer) {
        ChannelFuture future = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        // Outbound only; anything the peer sends back on it is read and ignored.
                        channel.pipeline().addLast(new FrameDecoder(frameBytesMax, counters), new Inbound());
                    }
                })
                .connect(to.host(), to.busPort());
        future.addListener(done -> {
            if (!done.isSuccess()) {
                counters.sendFailed();
                peers.remove(key, peer);
                for (int i = 0; i < peer.pending.size(); i++) {
                    counters.sendFailed();
                }
                return;
            }
            Channel channel = future.channel();
            peer.channel = channel;
            channel.closeFuture().addListener(closed -> peers.remove(key, peer));
            while (!peer.pending.isEmpty()) {
                write(channel, peer.pending.poll());
            }
        });
    }

    private void write(Channel channel, byte[] frame) {
        counters.sent(frame.length);
        channel.writeAndFlush(Unpooled.wrappedBuffer(frame)).addListener(done -> {
            if (!done.isSuccess()) {
                counters.sendFailed();
            }
        });
    }

    @Override
    public void close() {
        Runnable closeAll = () -> {
            if (server != null) {
                server.close();
            }
            // Closing a channel removes its peer from the map, so iterate over a copy.
            for (Peer peer : java.util.List.copyOf(peers.values())) {
                if (peer.channel != null) {
                    peer.channel.close();
                }
            }
            peers.clear();
        };
        if (loop.inEventLoop()) {
            closeAll.run();
        } else {
            loop.submit(closeAll).syncUninterruptibly();
        }
    }

    private final class Inbound extends SimpleChannelInboundHandler<FrameCodec.Frame> {
        @Override
        protected void channelRead0(ChannelHandlerContext context, FrameCodec.Frame frame) {
            MessageHandler handler = handlers.get(frame.type());
            if (handler == null) {
                counters.unknownType();
                return;
            }
            try {
                handler.onMessage(frame.sender(), frame.payload());
            } catch (RuntimeException e) {
                // A handler bug must not take the connection, or the node, down with it.
                counters.malformed();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            counters.malformed();
            context.close();
        }
    }
}
