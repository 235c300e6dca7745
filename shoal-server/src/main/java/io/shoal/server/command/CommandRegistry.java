package io.shoal.server.command;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every command the node knows, looked up by the raw name bytes of a request without allocating a
 * String: names are ASCII, so lookup folds case byte by byte into a small open-addressing table.
 */
public final class CommandRegistry {
  private final Map<String, CommandSpec> byName = new TreeMap<>();
  private CommandSpec[] table = new CommandSpec[512];
  private byte[][] tableNames = new byte[512][];

  public void register(CommandSpec spec) {
    if (byName.putIfAbsent(spec.name(), spec) != null) {
      throw new IllegalStateException("command registered twice: " + spec.name());
    }
    if (byName.size() * 2 > table.length) {
      rebuild(table.length * 2);
    } else {
      insert(spec);
    }
  }

  public CommandSpec lookup(String name) {
    return byName.get(name.toLowerCase());
  }

  public CommandSpec lookup(byte[] name) {
    int mask = table.length - 1;
    int index = hashFolded(name) & mask;
    while (table[index] != null) {
      if (equalsFolded(tableNames[index], name)) {
        return table[index];
      }
      index = (index + 1) & mask;
    }
    return null;
  }

  /** The subcommand named by the request's second argument, or null. */
  public static CommandSpec subcommand(CommandSpec container, byte[] name) {
    String lower = new String(name, StandardCharsets.UTF_8).toLowerCase();
    return container.subcommands().get(lower);
  }

  public Collection<CommandSpec> all() {
    return Collections.unmodifiableCollection(byName.values());
  }

  public int size() {
    return byName.size();
  }

  private void rebuild(int capacity) {
    table = new CommandSpec[capacity];
    tableNames = new byte[capacity][];
    for (CommandSpec spec : byName.values()) {
      insert(spec);
    }
  }

  private void insert(CommandSpec spec) {
    byte[] name = spec.name().getBytes(StandardCharsets.US_ASCII);
    int mask = table.length - 1;
    int index = hashFolded(name) & mask;
    while (table[index] != null) {
      index = (index + 1) & mask;
    }
    table[index] = spec;
    tableNames[index] = name;
  }

  private static int hashFolded(byte[] name) {
    int h = 0;
    for (byte b : name) {
      h = 31 * h + fold(b);
    }
    return h ^ (h >>> 16);
  }

  private static boolean equalsFolded(byte[] lowerName, byte[] candidate) {
    if (lowerName.length != candidate.length) {
      return false;
    }
    for (int i = 0; i < lowerName.length; i++) {
      if (lowerName[i] != fold(candidate[i])) {
        return false;
      }
    }
    return true;
  }

  private static int fold(byte b) {
    return b >= 'A' && b <= 'Z' ? b + 32 : b;
  }
}
