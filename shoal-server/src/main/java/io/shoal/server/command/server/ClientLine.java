package io.shoal.server.command.server;

import io.shoal.server.client.ClientConnection;

/** One line of CLIENT LIST / CLIENT INFO, with Redis 7.2's fields in Redis's order. */
final class ClientLine {
  private ClientLine() {}

  static String of(ClientConnection client, long nowMillis) {
    boolean multi = client.inMulti();
    return "id=" + client.id()
        + " addr=" + client.address()
        + " laddr=" + client.localAddress()
        + " fd=" + fd(client)
        + " name=" + client.name()
        + " age=" + Math.max(0, (nowMillis - client.createdMillis()) / 1000)
        + " idle=" + Math.max(0, (nowMillis - client.lastInteractionMillis()) / 1000)
        + " flags=" + client.flags()
        + " db=" + client.db()
        + " sub=" + client.channels().size()
        + " psub=" + client.patterns().size()
        + " ssub=" + client.shardChannels().size()
        + " multi=" + (multi ? client.multiQueue().size() : -1)
        + " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0"
        + " omem=" + client.outputBufferBytes()
        + " tot-mem=" + client.outputBufferBytes()
        + " events=r"
        + " cmd=" + client.lastCommand()
        + " user=" + client.user()
        + " redir=-1"
        + " resp=" + client.protocol()
        + " lib-name=" + client.libraryName()
        + " lib-ver=" + client.libraryVersion();
  }

  /** The socket's file descriptor under epoll; -1 where the transport does not expose one. */
  private static int fd(ClientConnection client) {
    if (client.channel() instanceof io.netty.channel.unix.UnixChannel unix) {
      return unix.fd().intValue();
    }
    return -1;
  }
}
