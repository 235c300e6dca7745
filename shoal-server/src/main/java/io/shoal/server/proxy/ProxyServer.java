package io.shoal.server.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.shoal.server.ShoalServer;
import io.shoal.server.config.Setting;
import io.shoal.server.cluster.ClusterModule;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The proxy port: a plain Redis endpoint for clients that know nothing of clusters, in the manner
 * of a Cassandra coordinator. Each command goes to the owner of its key's slot over a pooled
 * connection and the owner's reply comes back unchanged; MGET, MSET, DEL, EXISTS, UNLINK and
 * TOUCH across slots are split per slot and merged (see {@link ProxyConnection}).
 *
 * <p>Each event loop has its own link to each node, shared by the proxy clients of that loop: a
 * client's commands, the requests to the owners and their replies never change threads.
 *
 * <p>By default the proxy's clients share the node's I/O loops. With {@code cluster-proxy-threads}
 * above 0 the proxy has that many event loops of its own. A proxied pipeline is a relay (read from
 * the client, out to the owners, back from them, out to the client); with one loop for all its
 * clients, the clients can fall into step (the loop reads every client, then waits for the owners,
 * then answers every client) while the cores idle in between, and with two, one loop's clients are
 * read and forwarded while the other's wait for their owners. On the shared two-core test machine
 * this was not a clear gain (docs/performance.md), so it is not the default. Commands of the node's
 * own slots then run on a proxy loop, beside the client port's, under the same slot locks as with
 * {@code io-threads} above one.
 */
public final class ProxyServer {

  private final ShoalServer server;
  private final ClusterModule module;
  private final String host;
  private final int port;
  private final Map<EventLoop, Map<String, NodeLink>> links = new ConcurrentHashMap<>();
  private final Map<EventLoop, ReplyHold> holds = new ConcurrentHashMap<>();
  private final int threads;
  // The proxy's own loops, or null when it shares the node's.
  private EventLoopGroup loops;
  private Channel channel;

  /** {@code threads}: the proxy's own event loops, or 0 to share the node's I/O loops. */
  public ProxyServer(ShoalServer server, ClusterModule module, String host, int port, int threads) {
    this.server = server;
    this.module = module;
    this.host = host;
    this.port = port;
    this.threads = threads;
  }

  public void start() {
    boolean epoll = Epoll.isAvailable();
    if (threads > 0) {
      loops = new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }
    EventLoopGroup group = loops != null ? loops : server.workers();
    ServerBootstrap bootstrap = new ServerBootstrap().group(group, group)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel child) {
            child.pipeline().addLast(new ProxyConnection(ProxyServer.this));
          }
        });
    String bind = server.core().bind.text().split("\\s+")[0];
    try {
      channel = bootstrap.bind(new InetSocketAddress(bind, port)).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      if (loops != null) {
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      }
      throw e;
    }
  }

  /** The proxy's own event loops, 0 when it shares the node's. */
  public int threads() {
    return threads;
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  public void stop() {
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
    links.forEach((loop, byEndpoint) -> loop.execute(() -> byEndpoint.values().forEach(NodeLink::close)));
    if (loops != null) {
      loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  ShoalServer server() {
    return server;
  }

  ClusterModule module() {
    return module;
  }

  /** The links of one event loop, by node endpoint; used on that loop only. */
  Map<String, NodeLink> linksOf(EventLoop loop) {
    return links.computeIfAbsent(loop, ignored -> new HashMap<>());
  }

  /** The reply hold of one event loop's proxy clients; used on that loop only. */
  ReplyHold holdOf(EventLoop loop) {
    return holds.computeIfAbsent(loop, ignored -> new ReplyHold(loop, System::nanoTime));
  }

  /**
   * The password the links log in with: {@code masterauth} when set (Redis's setting for the
   * password of the other nodes), else this node's own {@code requirepass}, which a cluster's nodes
   * share as redis-cli --cluster expects.
   */
  String linkPassword() {
    Setting masterauth = server.settings().find("masterauth");
    String password = masterauth == null ? "" : masterauth.text();
    return password.isEmpty() ? server.core().requirepass.text() : password;
  }

  /** The usable link of {@code loop} to {@code endpoint}, opened on first use. On that loop only. */
  NodeLink link(Map<String, NodeLink> byEndpoint, EventLoop loop, String endpoint) {
    NodeLink link = byEndpoint.get(endpoint);
    if (link == null || !link.usable()) {
      int colon = endpoint.lastIndexOf(':');
      link = new NodeLink(loop, endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)),
          linkPassword());
      byEndpoint.put(endpoint, link);
    }
    return link;
  }
}
