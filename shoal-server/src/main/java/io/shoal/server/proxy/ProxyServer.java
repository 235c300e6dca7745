package io.shoal.server.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.shoal.server.ShoalServer;
import io.shoal.server.cluster.ClusterModule;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The proxy port: a plain Redis endpoint for clients that know nothing of clusters, in the manner
 * of a Cassandra coordinator. Each command goes to the owner of its key's slot over a pooled
 * connection and the owner's reply comes back unchanged; MGET, MSET, DEL, EXISTS, UNLINK and
 * TOUCH across slots are split per slot and merged (see {@link ProxyConnection}).
 */
public final class ProxyServer {
  static final int LINKS_PER_NODE = 4;

  private final ShoalServer server;
  private final ClusterModule module;
  private final String host;
  private final int port;
  private final Map<String, NodeLink[]> links = new ConcurrentHashMap<>();
  private Channel channel;

  public ProxyServer(ShoalServer server, ClusterModule module, String host, int port) {
    this.server = server;
    this.module = module;
    this.host = host;
    this.port = port;
  }

  public void start() {
    ServerBootstrap bootstrap = new ServerBootstrap().group(server.workers(), server.workers())
        .channel(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel child) {
            child.pipeline().addLast(new ProxyConnection(ProxyServer.this));
          }
        });
    String bind = server.core().bind.text().split("\\s+")[0];
    channel = bootstrap.bind(new InetSocketAddress(bind, port)).syncUninterruptibly().channel();
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  public void stop() {
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
    for (NodeLink[] pool : links.values()) {
      for (NodeLink link : pool) {
        if (link != null) {
          link.close();
        }
      }
    }
  }

  ShoalServer server() {
    return server;
  }

  ClusterModule module() {
    return module;
  }

  /** The link to a node's client port that this proxy client uses; one per client and node keeps order. */
  NodeLink link(String endpoint, int clientIndex) {
    NodeLink[] pool = links.computeIfAbsent(endpoint, ignored -> new NodeLink[LINKS_PER_NODE]);
    int index = Math.floorMod(clientIndex, LINKS_PER_NODE);
    synchronized (pool) {
      NodeLink link = pool[index];
      if (link == null || !link.usable()) {
        int colon = endpoint.lastIndexOf(':');
        link = new NodeLink(server.workers(), endpoint.substring(0, colon),
            Integer.parseInt(endpoint.substring(colon + 1)));
        pool[index] = link;
      }
      return link;
    }
  }
}
