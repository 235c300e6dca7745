package io.shoal.server.command;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.keyspace.Database;
import io.shoal.server.resp.NumberFormat;
import io.shoal.server.resp.Reply;
import io.shoal.server.resp.ShoalError;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a command sees while it runs: its arguments, its client, the reply writer and the server.
 * One instance per connection, reused for every command, so running a command allocates nothing.
 */
public final class CommandContext {
  private final ShoalServer server;
  private final ClientConnection client;
  private byte[][] args;
  private CommandSpec spec;

  public CommandContext(ShoalServer server, ClientConnection client) {
    this.server = server;
    this.client = client;
  }

  public void prepare(CommandSpec command, byte[][] arguments) {
    this.spec = command;
    this.args = arguments;
  }

  public ShoalServer server() {
    return server;
  }

  public ClientConnection client() {
    return client;
  }

  public Reply reply() {
    return client.reply();
  }

  public CommandSpec spec() {
    return spec;
  }

  public Database db() {
    return server.keyspace().db(client.db());
  }

  public byte[][] args() {
    return args;
  }

  public int argc() {
    return args.length;
  }

  public byte[] arg(int index) {
    return args[index];
  }

  public String argString(int index) {
    return new String(args[index], StandardCharsets.UTF_8);
  }

  /** The argument upper-cased, for matching option names. */
  public String option(int index) {
    return argString(index).toUpperCase(Locale.ROOT);
  }

  public boolean argIs(int index, String option) {
    byte[] arg = args[index];
    if (arg.length != option.length()) {
      return false;
    }
    for (int i = 0; i < arg.length; i++) {
      int c = arg[i];
      if (c >= 'a' && c <= 'z') {
        c -= 32;
      }
      int o = option.charAt(i);
      if (o >= 'a' && o <= 'z') {
        o -= 32;
      }
      if (c != o) {
        return false;
      }
    }
    return true;
  }

  public long argLong(int index) {
    return NumberFormat.parseLong(args[index]);
  }

  public int argInt(int index) {
    return NumberFormat.parseInt(args[index]);
  }

  public double argDouble(int index) {
    return NumberFormat.parseDouble(args[index]);
  }

  public long nowMillis() {
    return server.keyspace().nowMillis();
  }

  /** Fires a keyspace notification if notify-keyspace-events enables its class. */
  public void notify(char eventClass, String event, byte[] key) {
    server.notifications().notify(eventClass, event, key, client.db());
  }

  public ShoalError wrongArgs() {
    return ShoalError.wrongArgs(spec.fullName());
  }
}
