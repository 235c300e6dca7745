package io.shoal.server.command;

import io.shoal.server.keyspace.PopPrefetch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A command as data: name, arity, flags, key positions, ACL categories, documentation and its
 * handler. COMMAND, COMMAND INFO/DOCS/GETKEYS, routing, cross-slot checks, OOM checks and MULTI
 * all read this record instead of having per-command code. Arity follows Redis: positive means
 * exactly that many arguments including the name, negative means at least that many.
 */
public final class CommandSpec {
  private static final int[] NO_KEYS = new int[0];

  private final String name;
  private final String fullName;
  private final int arity;
  private final int flags;
  private final int firstKey;
  private final int[] singleKey;
  private final int lastKey;
  private final int keyStep;
  private final KeyFinder keyFinder;
  private final List<String> aclCategories;
  private final String group;
  private final String summary;
  private final String since;
  private final String complexity;
  private final CommandHandler handler;
  private final Map<String, CommandSpec> subcommands;
  private CommandSpec parent;
  private final CommandStats stats = new CommandStats();
  private final boolean stringsOnly;
  private final int memberArg;
  private final int popEnd;

  private CommandSpec(Builder b) {
    this.name = b.name;
    this.fullName = b.name;
    this.arity = b.arity;
    int bits = 0;
    for (CommandFlag flag : b.flags) {
      bits |= flag.bit;
    }
    if (b.keyFinder != null) {
      bits |= CommandFlag.MOVABLEKEYS.bit;
    }
    this.flags = bits;
    this.firstKey = b.firstKey;
    this.singleKey = new int[] {b.firstKey};
    this.lastKey = b.lastKey;
    this.keyStep = b.keyStep;
    this.keyFinder = b.keyFinder;
    this.aclCategories = List.copyOf(b.acl);
    this.group = b.group;
    this.stringsOnly = "string".equals(b.group);
    this.memberArg = b.memberArg;
    this.popEnd = b.popEnd;
    this.summary = b.summary;
    this.since = b.since;
    this.complexity = b.complexity;
    this.handler = b.handler;
    Map<String, CommandSpec> subs = new LinkedHashMap<>();
    for (CommandSpec sub : b.subcommands) {
      sub.parent = this;
      subs.put(sub.name, sub);
    }
    this.subcommands = Collections.unmodifiableMap(subs);
  }

  public static Builder builder(String name, int arity) {
    return new Builder(name.toLowerCase(Locale.ROOT), arity);
  }

  public String name() {
    return name;
  }

  /** "get" or, for a subcommand, "client|kill" as Redis names it in errors and COMMAND INFO. */
  public String fullName() {
    return parent == null ? fullName : parent.name + "|" + name;
  }

  public int arity() {
    return arity;
  }

  public boolean has(CommandFlag flag) {
    return (flags & flag.bit) != 0;
  }

  public List<String> flagNames() {
    List<String> names = new ArrayList<>();
    for (CommandFlag flag : CommandFlag.values()) {
      if (has(flag)) {
        names.add(flag.wireName());
      }
    }
    return names;
  }

  public boolean isWrite() {
    return (flags & CommandFlag.WRITE.bit) != 0;
  }

  public int firstKey() {
    return firstKey;
  }

  public int lastKey() {
    return lastKey;
  }

  public int keyStep() {
    return keyStep;
  }

  public boolean movableKeys() {
    return keyFinder != null;
  }

  /**
   * The position of the argument naming a member (or field) of the collection at the first key,
   * 0 if none: the connection's prefetch loads that member's place in the collection too.
   */
  public int memberArg() {
    return memberArg;
  }

  /** {@link #popEnd()}: the command pops nothing. */
  public static final int POPS_NONE = 0;
  /** {@link #popEnd()}: the command pops the first key's lowest entry (ZPOPMIN). */
  public static final int POPS_LOW = PopPrefetch.LOW;
  /** {@link #popEnd()}: the command pops the first key's highest entry (ZPOPMAX). */
  public static final int POPS_HIGH = PopPrefetch.HIGH;
  /** {@link #popEnd()}: the command pops a random member of the first key's set (SPOP). */
  public static final int POPS_RANDOM = PopPrefetch.RANDOM;

  /**
   * Which member of the first key's collection the command pops without naming it
   * ({@link #POPS_NONE}, {@link #POPS_LOW}, {@link #POPS_HIGH} or {@link #POPS_RANDOM}): the
   * connection's prefetch loads the place each pop of a pipelined batch will take, as it loads a
   * named member's.
   */
  public int popEnd() {
    return popEnd;
  }

  public List<String> aclCategories() {
    return aclCategories;
  }

  public String group() {
    return group;
  }

  public String summary() {
    return summary;
  }

  public String since() {
    return since;
  }

  public String complexity() {
    return complexity;
  }

  public CommandHandler handler() {
    return handler;
  }

  public CommandStats stats() {
    return stats;
  }

  public CommandSpec parent() {
    return parent;
  }

  public Map<String, CommandSpec> subcommands() {
    return subcommands;
  }

  public boolean hasSubcommands() {
    return !subcommands.isEmpty();
  }

  /**
   * True for the string commands: what they write is a string (or nothing, or WRONGTYPE), never
   * a collection changed in place, so the dispatcher has no collection to re-account afterwards.
   */
  public boolean writesOnlyStrings() {
    return stringsOnly;
  }

  public boolean arityAccepts(int argc) {
    return arity > 0 ? argc == arity : argc >= -arity;
  }

  /** Argument indexes of the keys of this request. */
  public int[] keyPositions(byte[][] args) {
    if (keyFinder != null) {
      return keyFinder.find(args);
    }
    if (firstKey <= 0) {
      return NO_KEYS;
    }
    int last = lastKey >= 0 ? lastKey : args.length + lastKey;
    if (last >= args.length) {
      last = args.length - 1;
    }
    if (last < firstKey) {
      return NO_KEYS;
    }
    int count = (last - firstKey) / keyStep + 1;
    if (count == 1) {
      return singleKey; // shared: callers only read key positions
    }
    int[] positions = new int[count];
    for (int i = 0; i < count; i++) {
      positions[i] = firstKey + i * keyStep;
    }
    return positions;
  }

  /** Builds specs; a fluent form keeps the registration lists short and readable. */
  public static final class Builder {
    private final String name;
    private final int arity;
    private final List<CommandFlag> flags = new ArrayList<>();
    private int firstKey;
    private int lastKey;
    private int keyStep;
    private KeyFinder keyFinder;
    private final List<String> acl = new ArrayList<>();
    private String group = "generic";
    private String summary = "";
    private String since = "1.0.0";
    private String complexity = "";
    private CommandHandler handler;
    private final List<CommandSpec> subcommands = new ArrayList<>();
    private int memberArg;
    private int popEnd;

    private Builder(String name, int arity) {
      this.name = name;
      this.arity = arity;
    }

    public Builder flags(CommandFlag... values) {
      flags.addAll(List.of(values));
      return this;
    }

    public Builder keys(int first, int last, int step) {
      this.firstKey = first;
      this.lastKey = last;
      this.keyStep = step;
      return this;
    }

    /** Movable keys; first/last/step, if also given, describe the fixed part for COMMAND INFO. */
    public Builder keys(KeyFinder finder) {
      this.keyFinder = finder;
      return this;
    }

    /** The argument that names a member or field of the first key's collection (see {@link #memberArg()}). */
    public Builder member(int position) {
      this.memberArg = position;
      return this;
    }

    /** What the command pops from the first key's collection (see {@link #popEnd()}). */
    public Builder pops(int end) {
      this.popEnd = end;
      return this;
    }

    public Builder acl(String... categories) {
      acl.addAll(List.of(categories));
      return this;
    }

    public Builder group(String value) {
      this.group = value;
      return this;
    }

    public Builder doc(String summaryText, String sinceVersion, String complexityText) {
      this.summary = summaryText;
      this.since = sinceVersion;
      this.complexity = complexityText;
      return this;
    }

    public Builder doc(String summaryText, String sinceVersion) {
      return doc(summaryText, sinceVersion, "");
    }

    public Builder handler(CommandHandler value) {
      this.handler = value;
      return this;
    }

    public Builder subcommand(CommandSpec sub) {
      subcommands.add(sub);
      return this;
    }

    public CommandSpec build() {
      if (handler == null && subcommands.isEmpty()) {
        throw new IllegalStateException("command " + name + " has no handler");
      }
      return new CommandSpec(this);
    }
  }
}
