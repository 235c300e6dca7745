package io.shoal.server.command.server;

import io.shoal.server.resp.Reply;

/** The HELP reply of container commands, in Redis's layout ({@code addReplyHelp}). */
final class Help {
  private Help() {}

  static void reply(Reply reply, String command, String... lines) {
    reply.array(lines.length + 3);
    reply.simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    for (String line : lines) {
      reply.simple(line);
    }
    reply.simple("HELP");
    reply.simple("    Print this help.");
  }
}
