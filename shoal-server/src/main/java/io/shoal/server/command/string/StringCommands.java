package io.shoal.server.command.string;

import static io.shoal.server.command.CommandFlag.DENYOOM;
import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.READONLY;
import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandContext;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.server.ServerModule;

/** Strings: GET, SET and the rest of the string family. */
public final class StringCommands implements ServerModule {
  @Override
  public void install(ShoalServer server) {
    server.register(CommandSpec.builder("get", 2).flags(READONLY, FAST).keys(1, 1, 1)
        .acl("@read", "@string", "@fast").group("string").doc("Returns the string value of a key.", "1.0.0", "O(1)")
        .handler(StringCommands::get).build());
    server.register(CommandSpec.builder("set", -3).flags(WRITE, DENYOOM).keys(1, 1, 1)
        .acl("@write", "@string", "@slow").group("string")
        .doc("Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", "1.0.0", "O(1)")
        .handler(StringCommands::set).build());
  }

  private static void get(CommandContext c) {
    c.reply().bulk(c.db().getString(c.arg(1)));
  }

  private static void set(CommandContext c) {
    c.db().set(c.arg(1), c.arg(2));
    c.reply().ok();
  }
}
