package io.shoal.cli.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.ClusterPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Response;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Kills masters with SIGKILL under write load and measures what a cluster client sees, the same way
 * for Redis and for Shoal:
 *
 * <ol>
 *   <li>wait until the cluster is whole (all ok, no failing node, every master replicated);
 *   <li>pick the next master with slots (round robin by endpoint), read its pid (INFO server
 *       process_id) and directory (CONFIG GET dir), choose a probe key in its slots;
 *   <li>kill -9 it and time until a SET of the probe key through a cluster client succeeds: that is
 *       the failover time, as an application sees it (detection, election, client refresh);
 *   <li>restart it with the restart command in the same directory and wait until it reports itself
 *       a replica with its link up;
 * </ol>
 *
 * while writers record every acknowledged write in a {@link WriteLedger}. At the end everything is
 * read back and acknowledged writes that are missing are counted. Every wait is bounded; a cluster
 * that does not recover ends the run with a {@link ProbeFailure} saying what it was waiting for.
 */
public final class FailoverProbe {
  /** The run's parameters; durations are bounds, not sleeps. */
  public record Plan(String seed, int kills, String restartTemplate, int writerThreads, int writesPerSecond,
      Duration failoverTimeout, Duration recoveryTimeout) {}

  /** What one kill measured. */
  public record Kill(int number, String victim, long pid, java.time.Instant at, long failoverMillis, long rejoinMillis) {}

  /** What the whole run measured. */
  public record Result(List<Kill> kills, long acknowledged, long failed, WriteLedger.Verdict verdict) {
    public long failoverMedianMillis() {
      List<Long> sorted = kills.stream().map(Kill::failoverMillis).sorted().toList();
      return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    public long failoverMaxMillis() {
      return kills.stream().mapToLong(Kill::failoverMillis).max().orElse(0);
    }

    public long failoverMinMillis() {
      return kills.stream().mapToLong(Kill::failoverMillis).min().orElse(0);
    }
  }

  /** The cluster did not do what the probe waited for within the bound. */
  public static final class ProbeFailure extends Exception {
    public ProbeFailure(String message) {
      super(message);
    }
  }

  /** Wall-clock time of a kill, to find it in the nodes' logs. */
  private static final java.time.format.DateTimeFormatter CLOCK =
      java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(java.time.ZoneId.systemDefault());

  private final Plan plan;
  private final PrintStream out;
  private final ClusterAdmin admin;

  public FailoverProbe(Plan plan, PrintStream out) {
    this.plan = plan;
    this.out = out;
    this.admin = new ClusterAdmin(plan.seed());
  }

  /**
   * A cluster client as an application would configure one: short connect and read timeouts, a few
   * attempts (each refreshes the slot map after a connection error), a bounded total retry time.
   */
  public static JedisCluster clusterClient(List<String> endpoints, int connections) {
    Set<HostAndPort> nodes = new HashSet<>();
    endpoints.forEach(endpoint -> nodes.add(HostAndPort.from(endpoint)));
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(connections);
    pool.setMaxIdle(connections);
    pool.setMaxWait(Duration.ofSeconds(2));
    return new JedisCluster(nodes, DefaultJedisClientConfig.builder().connectionTimeoutMillis(300)
        .socketTimeoutMillis(1_000).build(), 5, Duration.ofSeconds(2), pool);
  }

  public Result run() throws ProbeFailure, InterruptedException, java.io.IOException {
    awaitHealthy("before the first kill");
    WriteLedger ledger = new WriteLedger();
    List<Kill> kills = new ArrayList<>();
    long failed;
    try (Restarter restarter = new Restarter(plan.restartTemplate());
        JedisCluster writersClient = clusterClient(admin.endpoints(), plan.writerThreads() + 2);
        JedisCluster probeClient = clusterClient(admin.endpoints(), 2)) {
      Writers writers = new Writers(writersClient, ledger, plan.writerThreads(), plan.writesPerSecond()).start();
      try {
        Thread.sleep(1_000); // the writers reach every master before the first kill
        for (int number = 1; number <= plan.kills(); number++) {
          awaitHealthy("before kill " + number);
          Kill kill = killOne(number, probeClient, restarter, ledger);
          kills.add(kill);
          out.printf("kill %2d/%d at %s  %-16s pid %-7d failover %5d ms   back as replica after %6d ms"
              + "   acked so far %d%n", number, plan.kills(), CLOCK.format(kill.at()), kill.victim(), kill.pid(),
              kill.failoverMillis(), kill.rejoinMillis(), ledger.acknowledgedWrites());
        }
        awaitHealthy("after the last kill");
      } finally {
        writers.close();
      }
      failed = writers.failedWrites();
      awaitHealthy("before reading back");
      WriteLedger.Verdict verdict = ledger.verify(keys -> readBack(writersClient, keys), 1_000);
      return new Result(kills, ledger.acknowledgedWrites(), failed, verdict);
    }
  }

  private Kill killOne(int number, JedisCluster probeClient, Restarter restarter, WriteLedger ledger)
      throws ProbeFailure, InterruptedException, java.io.IOException {
    List<ClusterNode> masters = ClusterAdmin.mastersWithSlots(view());
    if (masters.isEmpty()) {
      throw new ProbeFailure("no master with slots in the cluster view");
    }
    ClusterNode victim = masters.get((number - 1) % masters.size());
    long pid = ClusterAdmin.pid(victim.endpoint());
    String dir = ClusterAdmin.dir(victim.endpoint());
    ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new ProbeFailure(
        victim.endpoint() + " reports pid " + pid + ", which is not a process on this host"));
    String probeKey = keyIn(victim, number);

    java.time.Instant at = java.time.Instant.now();
    long killed = System.nanoTime();
    process.destroyForcibly();
    try {
      process.onExit().get(5, TimeUnit.SECONDS);
    } catch (Exception notGone) {
      throw new ProbeFailure("pid " + pid + " of " + victim.endpoint() + " did not exit after SIGKILL");
    }
    long failoverMillis = firstWrite(probeClient, probeKey, killed, ledger, victim);

    long restarted = System.nanoTime();
    restarter.restart(victim.port(), dir);
    boolean back = ClusterAdmin.await(plan.recoveryTimeout(), () -> isBackAsReplica(victim.endpoint()));
    if (!back) {
      throw new ProbeFailure(victim.endpoint() + " did not come back as a replica within "
          + plan.recoveryTimeout().toSeconds() + " s after the restart command "
          + Restarter.command(plan.restartTemplate(), victim.port(), dir) + " (log: " + dir + "/restart-"
          + victim.port() + ".log; its view: " + ClusterAdmin.viewFrom(victim.endpoint()).map(ClusterNode::describe)
          .orElse("no answer") + ")");
    }
    return new Kill(number, victim.endpoint(), pid, at, failoverMillis, millisSince(restarted));
  }

  /** Writes the probe key until a write is acknowledged; the time from the kill to that moment. */
  private long firstWrite(JedisCluster client, String key, long killed, WriteLedger ledger, ClusterNode victim)
      throws ProbeFailure, InterruptedException {
    long deadline = killed + plan.failoverTimeout().toNanos();
    long attempt = 0;
    while (System.nanoTime() < deadline) {
      attempt++;
      try {
        if ("OK".equals(client.set(key, Long.toString(attempt)))) {
          long millis = millisSince(killed);
          ledger.acknowledged(key, attempt);
          return millis;
        }
      } catch (RuntimeException notYet) {
        Thread.sleep(2);
      }
    }
    throw new ProbeFailure("no write to the slots of killed master " + victim.endpoint() + " succeeded within "
        + plan.failoverTimeout().toSeconds() + " s of the kill (no replica took over); view: "
        + admin.view().map(ClusterNode::describe).orElse("no node answers"));
  }

  private boolean isBackAsReplica(String endpoint) {
    Optional<List<ClusterNode>> view = ClusterAdmin.viewFrom(endpoint);
    return view.isPresent() && view.get().stream().anyMatch(node -> node.isMyself() && node.isReplica())
        && ClusterAdmin.info(endpoint, "replication", "master_link_status").map("up"::equals).orElse(false);
  }

  private List<ClusterNode> view() throws ProbeFailure {
    return admin.view().orElseThrow(() -> new ProbeFailure("no node answers CLUSTER NODES"));
  }

  private void awaitHealthy(String when) throws ProbeFailure, InterruptedException {
    StringBuilder why = new StringBuilder();
    if (!ClusterAdmin.await(plan.recoveryTimeout(), () -> admin.healthy(why))) {
      throw new ProbeFailure("the cluster was not whole " + when + " within " + plan.recoveryTimeout().toSeconds()
          + " s: " + why);
    }
  }

  /** A key that hashes to one of the master's slots (unique per kill). */
  public static String keyIn(ClusterNode master, int number) {
    for (int i = 0; i < 1_000_000; i++) {
      String key = "fo:probe:" + number + ":" + i;
      if (master.servesSlot(JedisClusterCRC16.getSlot(key))) {
        return key;
      }
    }
    throw new IllegalStateException("no key found for the slots of " + master.endpoint());
  }

  /**
   * GETs the keys through a cluster pipeline; a batch that fails (a node still refusing keys with
   * CLUSTERDOWN while it catches up after a restart, a slot map being refreshed) is retried for up
   * to 30 s.
   */
  static List<String> readBack(JedisCluster cluster, List<String> keys) {
    RuntimeException last = null;
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (last == null || System.nanoTime() < deadline) {
      try (ClusterPipeline pipeline = cluster.pipelined()) {
        List<Response<String>> responses = new ArrayList<>(keys.size());
        keys.forEach(key -> responses.add(pipeline.get(key)));
        pipeline.sync();
        return responses.stream().map(Response::get).toList();
      } catch (RuntimeException e) {
        last = e;
        try {
          Thread.sleep(200);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
    throw last;
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }
}
