package io.shoal.server.command.zset;

import static io.shoal.server.command.CommandFlag.DENYOOM;
import static io.shoal.server.command.CommandFlag.FAST;
import static io.shoal.server.command.CommandFlag.MOVABLEKEYS;
import static io.shoal.server.command.CommandFlag.READONLY;
import static io.shoal.server.command.CommandFlag.WRITE;

import io.shoal.server.ShoalServer;
import io.shoal.server.command.CommandFlag;
import io.shoal.server.command.CommandHandler;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.command.KeyFinder;
import io.shoal.server.config.Setting;
import io.shoal.server.server.ServerModule;
import java.util.List;
import java.util.Map;

/**
 * The sorted-set family. Values are {@link io.shoal.server.types.zset.ZSetValue}; the handlers
 * live in a few classes by concern (writes, reads, ranges, pops, set algebra). The blocking forms
 * are registered by the blocking framework on top of {@link ZPopCommands#popAndReply}.
 */
public final class SortedSetCommands implements ServerModule {
  @Override
  public void install(ShoalServer server) {
    server.settings().define(ZSets.MAX_LISTPACK_ENTRIES, Setting.Kind.INTEGER, "128", true, List.of(), 0,
        Long.MAX_VALUE, null, List.of("zset-max-ziplist-entries"));
    server.settings().define(ZSets.MAX_LISTPACK_VALUE, Setting.Kind.INTEGER, "64", true, List.of(), 0,
        Long.MAX_VALUE, null, List.of("zset-max-ziplist-value"));

    write(server, "zadd", -4, ZSetWriteCommands::zadd, "Adds one or more members to a sorted set, or updates their scores.", "1.2.0", "O(log(N)) for each item added", true, FAST);
    write(server, "zincrby", 4, ZSetWriteCommands::zincrby, "Increments the score of a member in a sorted set.", "1.2.0", "O(log(N))", true, FAST);
    write(server, "zrem", -3, ZSetWriteCommands::zrem, "Removes one or more members from a sorted set.", "1.2.0", "O(M*log(N))", false, FAST);
    write(server, "zremrangebyrank", 4, ZSetWriteCommands::zremrangebyrank, "Removes members in a sorted set within a range of indexes.", "2.0.0", "O(log(N)+M)", false);
    write(server, "zremrangebyscore", 4, ZSetWriteCommands::zremrangebyscore, "Removes members in a sorted set within a range of scores.", "1.2.0", "O(log(N)+M)", false);
    write(server, "zremrangebylex", 4, ZSetWriteCommands::zremrangebylex, "Removes members in a sorted set within a lexicographical range.", "2.8.9", "O(log(N)+M)", false);
    BlockingZSetCommands.install(server);
    write(server, "zpopmin", -2, ZPopCommands::zpopmin, "Returns the lowest-scoring members from a sorted set after removing them.", "5.0.0", "O(log(N)*M)", false, FAST);
    write(server, "zpopmax", -2, ZPopCommands::zpopmax, "Returns the highest-scoring members from a sorted set after removing them.", "5.0.0", "O(log(N)*M)", false, FAST);

    read(server, "zcard", 2, ZSetReadCommands::zcard, "Returns the number of members in a sorted set.", "1.2.0", "O(1)", FAST);
    read(server, "zscore", 3, ZSetReadCommands::zscore, "Returns the score of a member in a sorted set.", "1.2.0", "O(1)", FAST);
    read(server, "zmscore", -3, ZSetReadCommands::zmscore, "Returns the score of one or more members in a sorted set.", "6.2.0", "O(N)", FAST);
    read(server, "zrank", -3, ZSetReadCommands::zrank, "Returns the index of a member in a sorted set ordered by ascending scores.", "2.0.0", "O(log(N))", FAST);
    read(server, "zrevrank", -3, ZSetReadCommands::zrevrank, "Returns the index of a member in a sorted set ordered by descending scores.", "2.0.0", "O(log(N))", FAST);
    read(server, "zcount", 4, ZSetReadCommands::zcount, "Returns the count of members in a sorted set that have scores within a range.", "2.0.0", "O(log(N))", FAST);
    read(server, "zlexcount", 4, ZSetReadCommands::zlexcount, "Returns the number of members in a sorted set within a lexicographical range.", "2.8.9", "O(log(N))", FAST);
    read(server, "zscan", -3, ZSetReadCommands::zscan, "Iterates over members and scores of a sorted set.", "2.8.0", "O(1) for every call. O(N) for a complete iteration");
    read(server, "zrandmember", -2, ZRandMember::zrandmember, "Returns one or more random members from a sorted set.", "6.2.0", "O(N) where N is the number of members returned");
    read(server, "zrange", -4, ZRangeCommands::zrange, "Returns members in a sorted set within a range of indexes.", "1.2.0", "O(log(N)+M)");
    read(server, "zrevrange", -4, ZRangeCommands::zrevrange, "Returns members in a sorted set within a range of indexes in reverse order.", "1.2.0", "O(log(N)+M)");
    read(server, "zrangebyscore", -4, ZRangeCommands::zrangebyscore, "Returns members in a sorted set within a range of scores.", "1.0.5", "O(log(N)+M)");
    read(server, "zrevrangebyscore", -4, ZRangeCommands::zrevrangebyscore, "Returns members in a sorted set within a range of scores in reverse order.", "2.2.0", "O(log(N)+M)");
    read(server, "zrangebylex", -4, ZRangeCommands::zrangebylex, "Returns members in a sorted set within a lexicographical range.", "2.8.9", "O(log(N)+M)");
    read(server, "zrevrangebylex", -4, ZRangeCommands::zrevrangebylex, "Returns members in a sorted set within a lexicographical range in reverse order.", "2.8.9", "O(log(N)+M)");

    server.register(CommandSpec.builder("zrangestore", -5).flags(WRITE, DENYOOM).keys(1, 2, 1)
        .acl("@write", "@sortedset", "@slow").group("sorted_set")
        .doc("Stores a range of members from sorted set in a key.", "6.2.0", "O(log(N)+M)")
        .handler(ZRangeCommands::zrangestore).build());
    server.register(CommandSpec.builder("zmpop", -4).flags(WRITE, MOVABLEKEYS).keys(ZPopCommands.multiPopKeys(1))
        .acl("@write", "@sortedset", "@slow").group("sorted_set")
        .doc("Returns the highest- or lowest-scoring members from one or more sorted sets after removing them.", "7.0.0", "O(K)+O(M*log(N))")
        .handler(ZPopCommands::zmpop).build());

    algebra(server, "zunion", -3, ZSetAlgebra::zunion, ZSetAlgebra.keys(1, false), false, "Returns the union of multiple sorted sets.");
    algebra(server, "zinter", -3, ZSetAlgebra::zinter, ZSetAlgebra.keys(1, false), false, "Returns the intersect of multiple sorted sets.");
    algebra(server, "zdiff", -3, ZSetAlgebra::zdiff, ZSetAlgebra.keys(1, false), false, "Returns the difference between multiple sorted sets.");
    algebra(server, "zintercard", -3, ZSetAlgebra::zintercard, ZSetAlgebra.keys(1, false), false, "Returns the number of members of the intersect of multiple sorted sets.");
    algebra(server, "zunionstore", -4, ZSetAlgebra::zunionstore, ZSetAlgebra.keys(2, true), true, "Stores the union of multiple sorted sets in a key.");
    algebra(server, "zinterstore", -4, ZSetAlgebra::zinterstore, ZSetAlgebra.keys(2, true), true, "Stores the intersect of multiple sorted sets in a key.");
    algebra(server, "zdiffstore", -4, ZSetAlgebra::zdiffstore, ZSetAlgebra.keys(2, true), true, "Stores the difference of multiple sorted sets in a key.");
  }

  /**
   * Where the commands that look up one member of the key's set name it, for the connection's
   * prefetch (ZADD's first member when no flag comes before it: with one, the position holds a
   * score, and the hint only loads a useless line).
   */
  private static final Map<String, Integer> MEMBER_ARGS = Map.of("zadd", 3, "zincrby", 3, "zrem", 2,
      "zscore", 2, "zmscore", 2, "zrank", 2, "zrevrank", 2);

  private static void write(ShoalServer server, String name, int arity, CommandHandler handler, String summary,
      String since, String complexity, boolean denyOom, CommandFlag... extra) {
    CommandSpec.Builder builder = CommandSpec.builder(name, arity).flags(WRITE).flags(extra).keys(1, 1, 1)
        .acl("@write", "@sortedset", extra.length > 0 ? "@fast" : "@slow").group("sorted_set")
        .doc(summary, since, complexity).handler(handler);
    if (denyOom) {
      builder.flags(DENYOOM);
    }
    server.register(withMember(builder, name).build());
  }

  private static void read(ShoalServer server, String name, int arity, CommandHandler handler, String summary,
      String since, String complexity, CommandFlag... extra) {
    server.register(withMember(CommandSpec.builder(name, arity).flags(READONLY).flags(extra).keys(1, 1, 1)
        .acl("@read", "@sortedset", extra.length > 0 ? "@fast" : "@slow").group("sorted_set")
        .doc(summary, since, complexity).handler(handler), name).build());
  }

  private static CommandSpec.Builder withMember(CommandSpec.Builder builder, String name) {
    Integer member = MEMBER_ARGS.get(name);
    if (member != null) {
      builder.member(member);
    }
    // ZPOPMIN and ZPOPMAX: the prefetch loads the entry each pop of a pipelined batch takes.
    if (name.equals("zpopmin")) {
      builder.pops(CommandSpec.POPS_LOW);
    } else if (name.equals("zpopmax")) {
      builder.pops(CommandSpec.POPS_HIGH);
    }
    return builder;
  }

  private static void algebra(ShoalServer server, String name, int arity, CommandHandler handler, KeyFinder keys,
      boolean store, String summary) {
    CommandSpec.Builder builder = CommandSpec.builder(name, arity).flags(MOVABLEKEYS).keys(keys)
        .acl(store ? "@write" : "@read", "@sortedset", "@slow").group("sorted_set")
        .doc(summary, "6.2.0", "O(N)+O(M*log(M))").handler(handler);
    builder.flags(store ? new CommandFlag[] {WRITE, DENYOOM} : new CommandFlag[] {READONLY});
    server.register(builder.build());
  }
}
