package io.shoal.server.server;

import io.shoal.server.config.Setting;
import io.shoal.server.config.Setting.Kind;
import io.shoal.server.config.Settings;
import io.shoal.server.pubsub.KeyspaceNotifications;
import io.shoal.server.resp.ShoalError;
import java.util.List;

/**
 * The parameters the core itself reads, with Redis's names and defaults. Command families and
 * features define their own next to their code.
 */
public final class CoreSettings {
  public final Setting port;
  public final Setting bind;
  public final Setting dir;
  public final Setting databases;
  public final Setting requirepass;
  public final Setting maxclients;
  public final Setting protoMaxBulkLen;
  public final Setting queryBufferLimit;
  public final Setting slowlogSlowerThan;
  public final Setting slowlogMaxLen;
  public final Setting latencyMonitorThreshold;
  public final Setting hz;
  public final Setting timeout;
  public final Setting notifyKeyspaceEvents;
  public final Setting ioThreads;
  public final Setting ioSpinMicros;
  public final Setting clusterEnabled;

  public CoreSettings(Settings settings) {
    port = settings.define("port", Kind.INTEGER, "6379", false, List.of(), 0, 65535, null, List.of());
    bind = settings.define("bind", Kind.STRING, "127.0.0.1", false, List.of(), 0, 0, null, List.of());
    dir = settings.define("dir", Kind.STRING, "", true, List.of(), 0, 0, null, List.of());
    databases = settings.define("databases", Kind.INTEGER, "16", false, List.of(), 1, 1024, null, List.of());
    requirepass = settings.define("requirepass", Kind.STRING, "");
    maxclients = settings.defineInteger("maxclients", "10000", 1, Integer.MAX_VALUE);
    protoMaxBulkLen = settings.define("proto-max-bulk-len", Kind.MEMORY, "536870912", true, List.of(), 1024 * 1024, Long.MAX_VALUE, null, List.of());
    queryBufferLimit = settings.define("client-query-buffer-limit", Kind.MEMORY, "1073741824", true, List.of(), 1024 * 1024, Long.MAX_VALUE, null, List.of());
    slowlogSlowerThan = settings.defineInteger("slowlog-log-slower-than", "10000", -1, Long.MAX_VALUE);
    slowlogMaxLen = settings.defineInteger("slowlog-max-len", "128", 0, Integer.MAX_VALUE);
    latencyMonitorThreshold = settings.defineInteger("latency-monitor-threshold", "0", 0, Long.MAX_VALUE);
    hz = settings.defineInteger("hz", "10", 1, 500);
    timeout = settings.defineInteger("timeout", "0", 0, Integer.MAX_VALUE);
    notifyKeyspaceEvents = settings.define("notify-keyspace-events", Kind.STRING, "", true, List.of(), 0, 0,
        value -> {
          if (!KeyspaceNotifications.valid(value)) {
            throw ShoalError.err("Invalid argument '" + value + "' for CONFIG SET 'notify-keyspace-events'");
          }
          return value;
        }, List.of());
    clusterEnabled = settings.define("cluster-enabled", Kind.BOOLEAN, "no", false, List.of(), 0, 0, null, List.of());
    ioThreads = settings.define("io-threads", Kind.INTEGER, "0", false, List.of(), 0, 128, null, List.of());
    ioSpinMicros = settings.define("io-spin-micros", Kind.INTEGER, "-1", false, List.of(), -1, 1000, null, List.of());
  }
}
