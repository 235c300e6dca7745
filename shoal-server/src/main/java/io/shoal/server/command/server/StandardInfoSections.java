package io.shoal.server.command.server;

import io.shoal.server.ShoalServer;
import io.shoal.server.client.ClientConnection;
import io.shoal.server.command.CommandSpec;
import io.shoal.server.command.CommandStats;
import io.shoal.server.command.connection.ServerInfo;
import io.shoal.server.config.Setting;
import io.shoal.server.keyspace.Database;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The INFO sections every node has, with Redis's field names, so tools that parse INFO (redis-cli
 * --stat, exporters, benchmarks) read Shoal unchanged. Persistence and replication are minimal
 * here; the modules that implement them replace these sections with their own.
 */
final class StandardInfoSections {
  private StandardInfoSections() {}

  static List<InfoSection> all(ShoalServer server, InstantaneousMetrics metrics) {
    return List.of(
        section("server", true, lines -> server(server, lines)),
        section("clients", true, lines -> clients(server, lines)),
        section("memory", true, lines -> memory(server, metrics, lines)),
        section("persistence", true, lines -> persistence(server, lines)),
        section("stats", true, lines -> stats(server, metrics, lines)),
        section("replication", true, lines -> replication(server, lines)),
        section("cpu", true, StandardInfoSections::cpu),
        section("modules", true, lines -> { }),
        section("commandstats", false, lines -> commandStats(server, lines)),
        section("cluster", true, lines -> lines.add("cluster_enabled", server.clusterEnabled() ? 1 : 0)),
        section("keyspace", true, lines -> keyspace(server, lines)));
  }

  static InfoSection section(String name, boolean inDefault, java.util.function.Consumer<InfoLines> writer) {
    return new InfoSection() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean inDefault() {
        return inDefault;
      }

      @Override
      public void write(InfoLines lines) {
        writer.accept(lines);
      }
    };
  }

  private static void server(ShoalServer server, InfoLines lines) {
    long now = server.nowMillis();
    long uptimeSeconds = Math.max(0, (now - server.startedMillis()) / 1000);
    Path config = server.settings().file();
    lines.add("redis_version", ServerInfo.REDIS_VERSION)
        .add("redis_git_sha1", "00000000")
        .add("redis_git_dirty", 0)
        .add("redis_build_id", "0")
        .add("redis_mode", server.clusterEnabled() ? "cluster" : "standalone")
        .add("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"))
        .add("arch_bits", System.getProperty("os.arch").contains("64") ? 64 : 32)
        .add("monotonic_clock", "POSIX clock_gettime")
        .add("multiplexing_api", io.netty.channel.epoll.Epoll.isAvailable() ? "epoll" : "nio")
        .add("atomicvar_api", "java-atomics")
        .add("gcc_version", "0.0.0")
        .add("process_id", ProcessHandle.current().pid())
        .add("process_supervised", "no")
        .add("run_id", server.runId())
        .add("tcp_port", server.port())
        .add("server_time_usec", now * 1000)
        .add("uptime_in_seconds", uptimeSeconds)
        .add("uptime_in_days", uptimeSeconds / 86400)
        .add("hz", server.core().hz.asLong())
        .add("configured_hz", server.core().hz.asLong())
        .add("lru_clock", (now / 1000) & ((1 << 24) - 1))
        .add("executable", ProcessHandle.current().info().command().orElse(""))
        .add("config_file", config == null ? "" : config.toAbsolutePath())
        .add("io_threads_active", 1)
        .add("shoal_version", ServerInfo.SHOAL_VERSION)
        .add("java_version", System.getProperty("java.version"));
  }

  private static void clients(ShoalServer server, InfoLines lines) {
    int blocked = 0;
    int pubsub = 0;
    int watching = 0;
    long watchedKeys = 0;
    for (ClientConnection client : server.clients().all()) {
      if (client.blocked()) {
        blocked++;
      }
      if (client.subscriptionCount() > 0) {
        pubsub++;
      }
      int watched = client.watched().size();
      if (watched > 0) {
        watching++;
        watchedKeys += watched;
      }
    }
    ClientPause pause = ClientCommand.pauseOf(server);
    lines.add("connected_clients", server.clients().size())
        .add("cluster_connections", 0)
        .add("maxclients", server.core().maxclients.asLong())
        .add("client_recent_max_input_buffer", 0)
        .add("client_recent_max_output_buffer", 0)
        .add("blocked_clients", blocked)
        .add("tracking_clients", 0)
        .add("pubsub_clients", pubsub)
        .add("watching_clients", watching)
        .add("clients_in_timeout_table", 0)
        .add("total_watched_keys", watchedKeys)
        .add("total_blocking_keys", 0)
        .add("total_blocking_keys_on_nokey", 0)
        .add("paused_reason", pause == null || pause.actions().equals("none") ? "none" : "client_pause")
        .add("paused_actions", pause == null ? "none" : pause.actions())
        .add("paused_timeout_milliseconds", pause == null ? 0 : pause.remainingMillis());
  }

  private static void memory(ShoalServer server, InstantaneousMetrics metrics, InfoLines lines) {
    long used = server.keyspace().usedBytes();
    metrics.peak(used);
    long peak = metrics.peakMemoryBytes();
    long rss = residentBytes();
    long maxmemory = longSetting(server, "maxmemory", 0);
    Setting policy = server.settings().find("maxmemory-policy");
    Runtime runtime = Runtime.getRuntime();
    long totalSystem = totalSystemBytes();
    lines.add("used_memory", used)
        .add("used_memory_human", InfoLines.human(used))
        .add("used_memory_rss", rss)
        .add("used_memory_rss_human", InfoLines.human(rss))
        .add("used_memory_peak", peak)
        .add("used_memory_peak_human", InfoLines.human(peak))
        .add("used_memory_peak_perc", String.format(Locale.ROOT, "%.2f%%", peak == 0 ? 100.0 : used * 100.0 / peak))
        .add("used_memory_overhead", 0)
        .add("used_memory_startup", 0)
        .add("used_memory_dataset", used)
        .add("total_system_memory", totalSystem)
        .add("total_system_memory_human", InfoLines.human(totalSystem))
        .add("maxmemory", maxmemory)
        .add("maxmemory_human", InfoLines.human(maxmemory))
        .add("maxmemory_policy", policy == null ? "noeviction" : policy.text())
        .add("mem_fragmentation_ratio", String.format(Locale.ROOT, "%.2f", used == 0 ? 1.0 : (double) rss / used))
        .add("mem_allocator", "jvm")
        .add("jvm_heap_used", runtime.totalMemory() - runtime.freeMemory())
        .add("jvm_heap_max", runtime.maxMemory())
        .add("lazyfree_pending_objects", 0);
  }

  private static void persistence(ShoalServer server, InfoLines lines) {
    lines.add("loading", 0)
        .add("async_loading", 0)
        .add("rdb_changes_since_last_save", 0)
        .add("rdb_bgsave_in_progress", 0)
        .add("rdb_last_save_time", ServerCommands.lastSaveOf(server))
        .add("rdb_last_bgsave_status", "ok")
        .add("aof_enabled", 0)
        .add("aof_rewrite_in_progress", 0)
        .add("aof_last_bgrewrite_status", "ok");
  }

  private static void stats(ShoalServer server, InstantaneousMetrics metrics, InfoLines lines) {
    var stats = server.stats();
    lines.add("total_connections_received", server.clients().totalConnections())
        .add("total_commands_processed", stats.commandsProcessed.sum())
        .add("instantaneous_ops_per_sec", metrics.opsPerSecond())
        .add("total_net_input_bytes", stats.netInputBytes.sum())
        .add("total_net_output_bytes", stats.netOutputBytes.sum())
        .add("instantaneous_input_kbps", String.format(Locale.ROOT, "%.2f", metrics.inputKbps()))
        .add("instantaneous_output_kbps", String.format(Locale.ROOT, "%.2f", metrics.outputKbps()))
        .add("rejected_connections", server.clients().rejectedConnections())
        .add("sync_full", stats.syncFull.sum())
        .add("sync_partial_ok", stats.syncPartialOk.sum())
        .add("sync_partial_err", stats.syncPartialErr.sum())
        .add("expired_keys", server.keyspace().expiredKeys() + stats.expiredKeys.sum())
        .add("evicted_keys", stats.evictedKeys.sum())
        .add("keyspace_hits", stats.keyspaceHits.sum())
        .add("keyspace_misses", stats.keyspaceMisses.sum())
        .add("latest_fork_usec", 0)
        .add("total_error_replies", stats.errorReplies.sum());
  }

  private static void replication(ShoalServer server, InfoLines lines) {
    lines.add("role", server.roleName())
        .add("connected_slaves", 0)
        .add("master_failover_state", "no-failover")
        .add("master_replid", server.runId())
        .add("master_replid2", "0000000000000000000000000000000000000000")
        .add("master_repl_offset", 0)
        .add("second_repl_offset", -1)
        .add("repl_backlog_active", 0)
        .add("repl_backlog_size", 1048576)
        .add("repl_backlog_first_byte_offset", 0)
        .add("repl_backlog_histlen", 0);
  }

  private static void cpu(InfoLines lines) {
    long[] times = cpuMicros();
    lines.add("used_cpu_sys", seconds(times[0]))
        .add("used_cpu_user", seconds(times[1]))
        .add("used_cpu_sys_children", "0.000000")
        .add("used_cpu_user_children", "0.000000");
  }

  private static String seconds(long micros) {
    return String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
  }

  /**
   * System and user CPU time of the process in microseconds: from /proc/self/stat on Linux (clock
   * ticks, 100 per second), else the JVM's process CPU time split by its threads' user time.
   */
  static long[] cpuMicros() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long user = Long.parseLong(fields[11]) * 10_000;
      long system = Long.parseLong(fields[12]) * 10_000;
      return new long[] {system, user};
    } catch (IOException | RuntimeException e) {
      var threads = ManagementFactory.getThreadMXBean();
      long user = 0;
      for (long id : threads.getAllThreadIds()) {
        user += Math.max(0, threads.getThreadUserTime(id));
      }
      long total = user;
      if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
        total = Math.max(user, os.getProcessCpuTime());
      }
      return new long[] {(total - user) / 1000, user / 1000};
    }
  }

  private static void commandStats(ShoalServer server, InfoLines lines) {
    for (CommandSpec spec : server.commands().all()) {
      commandStat(spec, lines);
      for (CommandSpec sub : spec.subcommands().values()) {
        commandStat(sub, lines);
      }
    }
  }

  private static void commandStat(CommandSpec spec, InfoLines lines) {
    CommandStats stats = spec.stats();
    long calls = stats.calls();
    if (calls == 0 && stats.rejected() == 0 && stats.failed() == 0) {
      return;
    }
    long micros = stats.micros();
    lines.add("cmdstat_" + spec.fullName(), "calls=" + calls + ",usec=" + micros + ",usec_per_call="
        + String.format(Locale.ROOT, "%.2f", calls == 0 ? 0.0 : (double) micros / calls)
        + ",rejected_calls=" + stats.rejected() + ",failed_calls=" + stats.failed());
  }

  private static void keyspace(ShoalServer server, InfoLines lines) {
    for (int i = 0; i < server.keyspace().databaseCount(); i++) {
      Database db = server.keyspace().db(i);
      long keys = db.size();
      if (keys > 0) {
        lines.add("db" + i, "keys=" + keys + ",expires=" + db.volatileSize() + ",avg_ttl=0");
      }
    }
  }

  static long longSetting(ShoalServer server, String name, long fallback) {
    Setting setting = server.settings().find(name);
    return setting == null ? fallback : setting.asLong();
  }

  /** Resident set size from /proc/self/statm (pages), or the JVM's committed memory elsewhere. */
  static long residentBytes() {
    try {
      String statm = Files.readString(Path.of("/proc/self/statm"), StandardCharsets.US_ASCII).trim();
      return Long.parseLong(statm.split(" ")[1]) * 4096;
    } catch (IOException | RuntimeException e) {
      Runtime runtime = Runtime.getRuntime();
      return runtime.totalMemory();
    }
  }

  private static long totalSystemBytes() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return 0;
  }
}
